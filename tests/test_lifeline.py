"""The lifeline: every process a run starts ends with it, even when the run is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

from extract.lifeline import EXIT_ORPHANED, lifeline, watch

# A run in miniature: a `python -m extract.lifeline` child (as the Prefect server is started), a
# parsing worker stuck in its parse (its time budget is kept by the caller, now gone), and a busy
# validation process.
MINIATURE_RUN = textwrap.dedent(
    """
    import os, subprocess, sys, threading, time
    from pathlib import Path
    from extract.isolation import run_isolated
    from extract.lifeline import child_environment, lifeline
    from flows.reading import validation_processes

    if __name__ == "__main__":
        read_end = lifeline()
        server = subprocess.Popen(
            [sys.executable, "-m", "extract.lifeline", "http.server", "0", "--bind", "127.0.0.1"],
            env={**os.environ, **child_environment(read_end)}, pass_fds=(read_end.fileno(),),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        threading.Thread(target=run_isolated, args=(time.sleep, 10**6), kwargs={"timeout_s": 10**6}, daemon=True).start()
        validation_processes(1).submit(time.sleep, 10**6)
        Path(sys.argv[1]).write_text("started")
        time.sleep(10**6)
    """
)

# A process with a lifeline forks a plain copy of itself: the copy must not keep the pipe open.
FORKING_RUN = textwrap.dedent(
    """
    import os, subprocess, sys, time
    from pathlib import Path
    from extract.lifeline import child_environment, lifeline

    read_end = lifeline()
    watcher = subprocess.Popen(
        [sys.executable, "-m", "extract.lifeline", "http.server", "0", "--bind", "127.0.0.1"],
        env={**os.environ, **child_environment(read_end)}, pass_fds=(read_end.fileno(),),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    bystander = os.fork()
    if bystander == 0:
        time.sleep(10**6)
        os._exit(0)
    Path(sys.argv[1]).write_text(f"{watcher.pid} {bystander}")
    time.sleep(10**6)
    """
)


def command_line(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def is_gone(process: psutil.Process) -> bool:
    """Ended: no longer running, or a zombie waiting for whoever adopted it to reap it."""
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_until_started(run: subprocess.Popen[bytes], marker: Path) -> dict[psutil.Process, str]:
    """The run's descendants and their command lines once every kind of child is up: the lifeline
    child, a parsing worker, a validation process."""
    parent = psutil.Process(run.pid)
    while True:
        if run.poll() is not None:
            raise AssertionError(f"the run ended early: {run.stderr.read().decode()}")  # type: ignore[union-attr]
        descendants = parent.children(recursive=True)
        lines = {process.pid: command_line(process) for process in descendants}
        forkservers = {p.pid for p in descendants if "forkserver" in lines[p.pid]}
        workers = [p for p in descendants if p.ppid() in forkservers]
        if marker.exists() and workers and any("extract.lifeline" in line for line in lines.values()) and any(
            "spawn_main" in line for line in lines.values()
        ):
            return {process: lines[process.pid] for process in descendants}
        time.sleep(0.05)


def test_every_child_of_a_killed_run_ends_with_it(tmp_path: Path) -> None:
    marker = tmp_path / "started"
    run = subprocess.Popen([sys.executable, "-c", MINIATURE_RUN, str(marker)], stderr=subprocess.PIPE)
    try:
        started = wait_until_started(run, marker)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    kinds = ("extract.lifeline", "forkserver", "spawn_main", "resource_tracker")
    assert {kind for kind in kinds for line in started.values() if kind in line} == set(kinds)
    while not all(is_gone(process) for process in started):
        time.sleep(0.05)


def test_a_plain_fork_of_the_run_does_not_keep_its_children_alive(tmp_path: Path) -> None:
    marker = tmp_path / "pids"
    run = subprocess.Popen([sys.executable, "-c", FORKING_RUN, str(marker)], stderr=subprocess.PIPE)
    try:
        while not marker.exists() or not marker.read_text():
            assert run.poll() is None, run.stderr.read().decode()  # type: ignore[union-attr]
            time.sleep(0.05)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    watcher, bystander = (psutil.Process(int(pid)) for pid in marker.read_text().split())
    while not is_gone(watcher):
        time.sleep(0.05)
    assert not is_gone(bystander)  # the fork lives on (it was never on the lifeline), and held no write end
    bystander.kill()


def test_a_watching_process_lives_while_the_write_end_is_open() -> None:
    read_end = lifeline()
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from multiprocessing.connection import Connection\n"
         "from extract.lifeline import watch\nwatch(int(sys.argv[1]))\nprint('watching', flush=True)\nsys.stdin.read()",
         str(read_end.fileno())],
        pass_fds=(read_end.fileno(),), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdout.readline() == b"watching\n"
    child.stdin.close()  # type: ignore[union-attr]
    assert child.wait() == 0  # it ended by itself, not by the lifeline (EXIT_ORPHANED)


def test_the_watcher_exits_with_its_own_code_when_the_far_end_closes() -> None:
    read_fd, write_fd = os.pipe()
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom extract.lifeline import watch\nwatch(int(sys.argv[1]))\ntime.sleep(10**6)", str(read_fd)],
        pass_fds=(read_fd,),
    )
    os.close(read_fd)
    os.close(write_fd)
    assert child.wait() == EXIT_ORPHANED
    assert callable(watch)

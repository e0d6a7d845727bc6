"""`evidence-extract run` through its CLI, in a subprocess, against the run lock, kill -9, a refusing
disk, links out of raw/ and decisions files as people leave them."""

from __future__ import annotations

import codecs
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psutil
import pytest

from extract.review.decisions import DECISION_COLUMNS
from extract.runlock import lock_owner_path, lock_path
from test_lifeline import command_line, is_gone
from test_publish import all_tables, assert_complete_snapshot

SEED = Path(__file__).parent / "fixtures" / "seed" / "ivig-offlabel-2017.txt"
REPORT = SEED.stem
RUN = [sys.executable, "-m", "flows", "run", "--raw", "raw", "--curated", "curated"]


@dataclass(frozen=True)
class Done:
    """A finished run: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def user_environment(home: Path) -> dict[str, str]:
    """A user's shell: none of the Prefect settings this test session made."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}, "HOME": str(home)}


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    """A project folder with raw/ holding the seed report."""
    (tmp_path / "raw").mkdir()
    shutil.copyfile(SEED, tmp_path / "raw" / SEED.name)
    return tmp_path


def run(workdir: Path, *extra: str, command: list[str] = RUN) -> Done:
    done = subprocess.run([*command, *extra], cwd=workdir, env=user_environment(workdir), capture_output=True, text=True)
    return Done(done.returncode, done.stdout, done.stderr)


def start(workdir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*RUN, *extra], cwd=workdir, env=user_environment(workdir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# --- one run at a time ----------------------------------------------------------------------


def test_a_second_run_on_the_same_curated_folder_stops_at_once_naming_the_first(workdir: Path) -> None:
    """The first run holds the lock before it reads anything: here it waits on its decisions file (a FIFO)."""
    (workdir / "review").mkdir()
    os.mkfifo(workdir / "review" / "decisions.csv")
    first = start(workdir)
    try:
        while not lock_owner_path(workdir / "curated").exists():
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        second = run(workdir)
    finally:
        with open(workdir / "review" / "decisions.csv", "w", encoding="utf-8") as fifo:
            fifo.write(",".join(DECISION_COLUMNS) + "\n")  # lets the first run read on
    assert second.returncode == 1, second.output
    assert second.stdout == "" and second.stderr.startswith(
        f"evidence-extract run: another run is using curated/ (pid {first.pid}, started 20"
    )
    assert second.stderr.endswith(" UTC); try again when it ends\n") and "Traceback" not in second.output
    out, err = first.communicate()
    assert first.returncode == 0, out + err
    assert (workdir / "curated" / "studies.parquet").is_file() and not lock_owner_path(workdir / "curated").exists()


def test_a_killed_run_leaves_no_process_behind_and_the_next_run_takes_its_lock_over(workdir: Path) -> None:
    for n in range(2, 13):
        shutil.copyfile(SEED, workdir / "raw" / f"{REPORT}-copy{n}.txt")
    killed = start(workdir, "--workers", "1")
    parent = psutil.Process(killed.pid)
    try:
        while True:
            assert killed.poll() is None, killed.communicate()
            lines = {process: command_line(process) for process in parent.children(recursive=True)}
            found = " ".join(lines.values())
            if all(kind in found for kind in ("extract.lifeline flows.server", "spawn_main", "forkserver", "resource_tracker")):
                break
            time.sleep(0.05)
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.communicate()
    while not all(is_gone(process) for process in lines):  # the Prefect server, validation, parsing, tracker
        time.sleep(0.05)
    assert lock_owner_path(workdir / "curated").exists() and not (workdir / "curated").exists()
    after = run(workdir, "--workers", "1")
    assert after.returncode == 0, after.output
    assert after.stderr.startswith(
        f"evidence-extract run: taking over curated/ from a run that was stopped without releasing it (pid {killed.pid}, started 20"
    )
    assert "Reports: 12 of 12 processed" in after.stdout


# --- a disk that refuses ------------------------------------------------------------------------

def cli_after(patch: str) -> str:
    """A `python -c` script that applies `patch` in the run's own process, then runs the CLI."""
    return textwrap.dedent(patch) + textwrap.dedent(
        """
        from flows.cli import main

        if __name__ == "__main__":
            sys.exit(main(sys.argv[1:]))
        """
    )


FULL_DISK_RUN = cli_after(
    """
    import builtins, errno, os, sys
    import extract.publish as publish
    import prefect.filesystems

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def full_when_writing(path, mode="r", *args, **kwargs):
        if "w" in mode:
            full()
        return builtins.open(path, mode, *args, **kwargs)

    publish.open = full_when_writing  # the curated tables
    prefect.filesystems.LocalFileSystem.write_path = full  # the result cache
    """
)


def test_a_full_disk_fails_the_run_in_one_line_and_keeps_the_previous_tables(workdir: Path) -> None:
    publish_old = workdir / "curated"
    from extract.publish import publish

    publish(all_tables("old"), publish_old)
    done = run(workdir, "run", "--raw", "raw", "--curated", "curated", command=[sys.executable, "-c", FULL_DISK_RUN])
    assert done.returncode == 1, done.output
    assert "Traceback" not in done.output and "OSError" not in done.output
    nothing = [line for line in done.stdout.splitlines() if line.startswith("Nothing published:")]
    assert nothing == [
        f"Nothing published: could not publish to curated/: No space left on device ({nothing[0].split('(')[1].split(')')[0]}); "
        "the previous tables are unchanged"
    ]
    assert ".curated.snapshots/.staging-" in nothing[0]
    cache_lines = [line for line in done.output.splitlines() if "cannot be saved to the cache" in line]
    assert len(cache_lines) == 1 and "No space left on device" in cache_lines[0]
    assert_complete_snapshot(publish_old, "old")
    assert not lock_owner_path(publish_old).exists()


def test_a_curated_folder_that_cannot_be_locked_fails_at_once_in_one_line(workdir: Path) -> None:
    lock_path(workdir / "curated").mkdir()  # as a read-only or foreign folder would refuse the lock file
    done = run(workdir)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"evidence-extract run: cannot lock curated/: Is a directory ({lock_path(workdir / 'curated')})\n"


# --- raw/ -------------------------------------------------------------------------------------


def test_links_out_of_raw_are_not_read_and_are_named_in_the_summary(workdir: Path) -> None:
    outside = workdir / "outside"
    outside.mkdir()
    shutil.copyfile(SEED, outside / "somebody-elses.txt")  # a report, so reading it would show
    (workdir / "raw" / "linked.txt").symlink_to(outside / "somebody-elses.txt")
    (workdir / "raw" / "passwd.txt").symlink_to("/etc/passwd")
    done = run(workdir)
    assert done.returncode == 0, done.output
    assert "Skipped (outside raw/, not read): linked.txt, passwd.txt" in done.stdout.splitlines()
    assert "linked.txt" not in done.stdout.split("\n\n")[0] and "Reports: 1 of 1 processed" in done.stdout
    reports = pd.read_csv(workdir / "curated" / "reports.csv")
    assert reports["report_id"].tolist() == [REPORT]


# --- decisions files as people leave them -------------------------------------------------------


def test_a_decisions_file_saved_by_excel_with_a_bad_correction_is_applied_and_the_run_goes_on(workdir: Path) -> None:
    rows = [
        ",".join(DECISION_COLUMNS),
        f"{REPORT},{REPORT}:3,year,,correct,2012a,typed in a hurry,ana,",
        f'{REPORT},{REPORT}:17,authors_conclusions,,correct,"It helps, they say.",from the PDF,ana,',
    ]
    (workdir / "review").mkdir()
    (workdir / "review" / "decisions.csv").write_bytes(codecs.BOM_UTF8 + "\r\n".join(rows).encode())  # no final newline
    done = run(workdir)
    assert done.returncode == 0, done.output
    assert "Traceback" not in done.output
    studies = pd.read_csv(workdir / "curated" / "studies.csv", dtype=str, keep_default_na=False).set_index("study_key")
    assert studies.loc[f"{REPORT}:17", "authors_conclusions"] == "It helps, they say."
    assert studies.loc[f"{REPORT}:3", "year"] != "2012a" and studies.loc[f"{REPORT}:3", "year"].isdigit()
    failures = pd.read_csv(workdir / "curated" / "validation_failures.csv", dtype=str, keep_default_na=False)
    flagged = failures[failures["check"] == "invalid_correction"]
    assert flagged[["study_key", "column", "failure_case", "severity", "status"]].values.tolist() == [
        [f"{REPORT}:3", "year", "2012a", "warning", "open"]
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (",".join(DECISION_COLUMNS).encode() + f"\n{REPORT},{REPORT}:3,year,,accept,,caf\xe9,,\n".encode("latin-1"), "line 2: byte 0xe9 is not UTF-8"),
        (b"report;study;column\n", "line 1: the header must be exactly report_id,study_key,"),
        (",".join(DECISION_COLUMNS).encode() + f"\n{REPORT},{REPORT}:3,year,,reject,,,ana,,extra\n".encode(), "line 2: 10 fields where the header has 9"),
    ],
    ids=["latin-1", "header", "extra-field"],
)
def test_a_decisions_file_the_run_cannot_read_stops_it_in_one_line_naming_the_line(workdir: Path, content: bytes, expected: str) -> None:
    (workdir / "review").mkdir()
    (workdir / "review" / "decisions.csv").write_bytes(content)
    done = run(workdir)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("evidence-extract run: review/decisions.csv line ") and expected in done.stderr
    assert done.stderr.count("\n") == 1 and not (workdir / "curated").exists()


# --- a server that does not come up ---------------------------------------------------------------

DEAD_SERVER_RUN = cli_after(
    """
    import sys
    import flows.prefect_env as prefect_env

    prefect_env.server_command = lambda port: [sys.executable, "-c", "import sys; sys.exit(7)"]
    """
)


def test_a_server_that_does_not_start_fails_the_run_in_one_line_and_publishes_nothing(workdir: Path) -> None:
    publish_old = workdir / "curated"
    from extract.publish import publish

    publish(all_tables("old"), publish_old)
    done = run(workdir, "run", "--raw", "raw", "--curated", "curated", command=[sys.executable, "-c", DEAD_SERVER_RUN])
    assert done.returncode == 1, done.output
    assert "Traceback" not in done.output
    assert done.stderr.strip().splitlines() == [
        "evidence-extract run: the temporary Prefect server exited with code 7; nothing was published and curated/ is unchanged"
    ]
    assert_complete_snapshot(publish_old, "old")
    assert not lock_owner_path(publish_old).exists()

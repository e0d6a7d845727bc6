"""A lifeline from a run to every process it starts, so none outlives the run, even one killed by SIGKILL.

The run's process holds the only write end of one pipe; each process it starts gets a read end
and watches it from a daemon thread. When the run ends, however it ends, the kernel closes the
write end, the read returns end-of-file, and the child exits at once. A parent-death signal
(`prctl(PR_SET_PDEATHSIG)`) would not do: it fires when the *thread* that started the child
ends, and a run starts its validation and parsing processes from short-lived task threads.

The write end never leaves the run's process: pipes are opened non-inheritable, a child gets
only the read end (passed explicitly), and a forked copy of the run closes its copy of the
write end at once, so only the run itself keeps the pipe open.

`python -m extract.lifeline MODULE ARGS…` runs a module as `python -m MODULE ARGS…` would,
watching the read end named by the `EVIDENCE_EXTRACT_LIFELINE_FD` variable: that is how the run
starts its temporary Prefect server.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
from multiprocessing.connection import Connection

LIFELINE_FD_VARIABLE = "EVIDENCE_EXTRACT_LIFELINE_FD"
EXIT_ORPHANED = 70  # what a child exits with when the process that started it is gone

_pipe: tuple[int, Connection, int] | None = None  # (owning pid, read end, write end)


def lifeline() -> Connection:
    """The read end of this process's lifeline, for a child to watch; made on first use."""
    global _pipe
    if _pipe is None or _pipe[0] != os.getpid():
        read_fd, write_fd = os.pipe()
        _pipe = (os.getpid(), Connection(read_fd, writable=False), write_fd)
    return _pipe[1]


def _forget_in_forked_child() -> None:
    """A forked copy of a process must not hold its write end: the pipe would outlive the run."""
    global _pipe
    if _pipe is not None:
        _, read_end, write_fd = _pipe
        _pipe = None
        read_end.close()
        os.close(write_fd)


os.register_at_fork(after_in_child=_forget_in_forked_child)


def watch(read_end: Connection | int) -> None:
    """Exit this process as soon as the process holding the lifeline's write end has ended."""
    fd = os.dup(read_end if isinstance(read_end, int) else read_end.fileno())
    threading.Thread(target=_exit_at_end_of_file, args=(fd,), name="lifeline", daemon=True).start()


def _exit_at_end_of_file(fd: int) -> None:
    """Block until the pipe is closed at its far end (nothing is ever written to it), then exit."""
    while True:
        try:
            if not os.read(fd, 1):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    os._exit(EXIT_ORPHANED)


def child_environment(read_end: Connection) -> dict[str, str]:
    """The variable naming the read end for a `python -m extract.lifeline` child (pass the fd too)."""
    return {LIFELINE_FD_VARIABLE: str(read_end.fileno())}


def main(argv: list[str]) -> None:
    """Watch the inherited read end, then run MODULE as its `__main__` with the remaining arguments."""
    if not argv:
        raise SystemExit("usage: python -m extract.lifeline MODULE [ARGS...]")
    inherited = os.environ.pop(LIFELINE_FD_VARIABLE, None)
    if inherited is not None:
        watch(int(inherited))
        os.close(int(inherited))
    module, *arguments = argv
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""The resident runner's side (`flows.resident` is the client's): it serves the runs of its folder.

    python -m flows.resident_runner --home PROJECT/.prefect      # how `flows.resident` starts it

It takes the folder's lock (waiting a little for a runner being stopped; another one that keeps
it is the folder's runner, and this one exits), starts Prefect's server with a secret
of its own, loads what a run loads, then answers on its socket: one run at a time, each with the
stdout and stderr its client passed, until it has been idle for long enough or is asked to stop.
"""

from __future__ import annotations

import _thread
import argparse
import fcntl
import hmac
import io
import json
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from flows.resident import (
    INTERRUPTED_EXIT,
    MAX_ARGUMENTS,
    MAX_REQUEST_BYTES,
    Place,
    RequestRefused,
    idle_seconds,
    read_line,
    read_note,
    runner_key,
    write_note,
)

READ_REQUEST_TIMEOUT_S = 10.0
CRASHED_EXIT = 1  # Python's own status for an uncaught exception
# A runner that replaces one of older code waits this long for it to stop; another runner that
# keeps the lock past it is the folder's runner, and this one exits.
LOCK_WAIT_S = 30.0


@dataclass(frozen=True)
class Request:
    """A run a client asked for: its command line, its folder, whether its output is a terminal; or a stop."""

    argv: tuple[str, ...] = ()
    cwd: str = ""
    tty: bool = False
    stop: bool = False


def parse_request(data: bytes, token: str, descriptors: int) -> Request:
    """The request in a client's line, checked: the token, the shape, the sizes; RequestRefused otherwise."""
    try:
        asked = json.loads(data)
    except ValueError as error:
        raise RequestRefused("a request is one JSON object") from error
    if not isinstance(asked, dict) or not hmac.compare_digest(str(asked.get("token", "")), token):
        raise RequestRefused("a request needs the runner's token")
    if asked.get("stop") is True:
        return Request(stop=True)
    argv, cwd, tty = asked.get("argv"), asked.get("cwd"), asked.get("tty")
    if not isinstance(argv, list) or len(argv) > MAX_ARGUMENTS or not all(isinstance(a, str) and len(a) <= 4096 for a in argv):
        raise RequestRefused(f"argv must be at most {MAX_ARGUMENTS} strings")
    if not isinstance(cwd, str) or not isinstance(tty, bool):
        raise RequestRefused("a request names its folder and whether its output is a terminal")
    if descriptors != 2:
        raise RequestRefused("a run passes its stdout and stderr")
    return Request(tuple(argv), cwd, tty)


class ClientStream(io.TextIOWrapper):
    """A client's stdout or stderr, received as a descriptor; a terminal when the client's was one."""

    def __init__(self, descriptor: int, tty: bool):
        super().__init__(open(descriptor, "wb", buffering=0), encoding="utf-8", errors="replace", write_through=True)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:  # once the client is gone, what the run prints goes nowhere
        return len(text) if self.closed else super().write(text)

    def flush(self) -> None:
        if not self.closed:
            super().flush()


@contextmanager
def printing_to(out: TextIO, err: TextIO) -> Iterator[None]:
    """Everything the run prints, and the log lines Prefect's handlers write, sent to the client's streams."""
    moved: list[tuple[logging.Handler, TextIO]] = []
    for handler in all_stream_handlers():
        if handler.stream in (sys.stderr, sys.__stderr__, sys.stdout, sys.__stdout__):
            moved.append((handler, handler.stream))
            point_handler(handler, err)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            yield
    finally:
        for handler, stream in moved:
            point_handler(handler, stream)


def all_stream_handlers() -> list[logging.StreamHandler[TextIO]]:
    """Every stream handler of every logger there is now."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    return [h for log in loggers for h in getattr(log, "handlers", ()) if isinstance(h, logging.StreamHandler)]


def point_handler(handler: logging.StreamHandler[TextIO], stream: TextIO) -> None:
    """Point a stream handler (and the console of Prefect's, which keeps its own) at another stream."""
    handler.setStream(stream)
    if console := getattr(handler, "console", None):
        console.file = stream


def serve_request(request: Request, connection: socket.socket, descriptors: Sequence[int], run: Callable[[Sequence[str]], int]) -> int:
    """Run one client's command with its streams; a client that goes away interrupts its run, as Ctrl-C would."""
    out, err = ClientStream(descriptors[0], request.tty), ClientStream(descriptors[1], request.tty)
    running = threading.Lock()
    running.acquire()
    threading.Thread(target=interrupt_when_gone, args=(connection, running, (out, err)), daemon=True).start()
    try:
        with printing_to(out, err), interruptible():
            try:
                return run(request.argv)
            except SystemExit as leaving:  # argparse's errors
                return leaving.code if isinstance(leaving.code, int) else 0 if leaving.code is None else 1
            except Exception:  # a bug: shown to its client as a run of its own would show it; the runner goes on
                traceback.print_exc()
                return CRASHED_EXIT
    except KeyboardInterrupt:
        return INTERRUPTED_EXIT
    finally:
        running.release()
        out.close()
        err.close()


@contextmanager
def interruptible() -> Iterator[None]:
    """Python's own Ctrl-C handler while a run is served: `_thread.interrupt_main` does nothing
    where SIGINT is ignored, as it is in a process started from a shell's background job."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupt_when_gone(connection: socket.socket, running: threading.Lock, streams: Sequence[ClientStream]) -> None:
    """Interrupt the run when its client closes the connection before the run ends; print no more to it."""
    try:
        connection.recv(1)
    except OSError:
        pass
    if not running.acquire(blocking=False):  # still held: the run goes on
        for stream in streams:
            stream.close()
        _thread.interrupt_main()


def handle(connection: socket.socket, token: str, run: Callable[[Sequence[str]], int]) -> bool:
    """Serve one connection; False when it asked the runner to stop."""
    connection.settimeout(READ_REQUEST_TIMEOUT_S)
    descriptors: list[int] = []
    try:
        first, descriptors, _flags, _address = socket.recv_fds(connection, MAX_REQUEST_BYTES, 2, socket.MSG_CMSG_CLOEXEC)
        request = parse_request(read_line(connection, MAX_REQUEST_BYTES, first), token, len(descriptors))
        if request.stop:
            connection.sendall(b'{"stopped": true}\n')
            return False
        if Path(request.cwd).resolve() != Path.cwd().resolve():
            raise RequestRefused("a runner serves the runs of its own folder")
    except (RequestRefused, OSError) as refused:
        for descriptor in descriptors:
            os.close(descriptor)
        reply = json.dumps({"refused": str(refused)}) + "\n"
        try:
            connection.sendall(reply.encode())
        except OSError:
            pass
        return True
    connection.settimeout(None)
    try:
        code = serve_request(request, connection, descriptors, run)
        connection.sendall(json.dumps({"exit": code}).encode() + b"\n")
    except (OSError, KeyboardInterrupt):  # the client is gone (an interrupt that came as the run ended)
        pass
    return True


def locked(lock: TextIO, wait_s: float = LOCK_WAIT_S) -> bool:
    """Take the folder's runner lock, waiting a while for a runner that was just asked to stop to let it go."""
    waited = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > waited:
                return False
            time.sleep(0.1)


def serve(home: Path) -> int:
    """Be the folder's runner until idle for long enough or asked to stop; 0 when another one is."""
    place = Place(home)
    place.folder.mkdir(parents=True, exist_ok=True)
    with open(place.lock, "w", encoding="utf-8") as lock:
        if not locked(lock):
            return 0
        key, token, secret = runner_key(os.environ), secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        os.environ.update({"PREFECT_SERVER_API_AUTH_STRING": secret, "PREFECT_API_AUTH_STRING": secret})
        from flows.cli import main
        from flows.prefect_env import KEPT, MIN_SERVER_START_S, configure_prefect, start_temporary_server

        configure_prefect(home)
        KEPT.server = start_temporary_server(MIN_SERVER_START_S)
        try:
            warm_up()
            place.socket.unlink(missing_ok=True)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
                listener.bind(str(place.socket))
                listener.listen(8)
                listener.settimeout(idle_seconds(os.environ))
                write_note(place, token, key, KEPT.server.api_url)
                serving = True
                while serving and KEPT.server.process.poll() is None:
                    try:
                        connection, _address = listener.accept()
                    except TimeoutError:
                        break
                    with connection:
                        serving = handle(connection, token, lambda argv: main(argv, resident=False))
        finally:
            if (read_note(place) or {}).get("pid") == os.getpid():
                place.note.unlink(missing_ok=True)
            place.socket.unlink(missing_ok=True)
            KEPT.server.stop()
            KEPT.server = None
    return 0


def warm_up() -> None:
    """Load what a run loads (Prefect, pandas, the publishing modules) and start the parsing process server."""
    from extract.isolation import start_worker_server
    from flows.main import preload_run_modules

    preload_run_modules(True)
    start_worker_server()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.resident_runner", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", required=True, help="the project's Prefect home (./.prefect) this runner serves")
    return serve(Path(parser.parse_args(argv).home))


if __name__ == "__main__":
    sys.exit(main())

"""The resident runner: Prefect's server and the flow's modules kept loaded between the runs in a folder.

Most of a run over a few new reports is fixed cost: importing Prefect and starting its server.
At a terminal, the first `evidence-extract run` in a folder works as always, then leaves a runner
with all of that loaded; the next runs there hand it their command line and print what it prints.
It exits after ten idle minutes (`EVIDENCE_EXTRACT_RESIDENT_IDLE_S`), or at `evidence-extract stop`.

    EVIDENCE_EXTRACT_RESIDENT=1   use (and start) it even off a terminal (scripts, benchmarks)
    EVIDENCE_EXTRACT_RESIDENT=0   never: every run starts and stops its own server

Off a terminal (CI, cron, a pipe) nothing is left behind unless asked for. A runner serves only
runs of the same code (the source digest the result cache uses), the same Python and the same
Prefect and evidence-extract settings; any other run is run in its own process as before, and a
runner of older code is stopped and replaced.

The runner's side is `flows.resident_runner`. It listens on a Unix socket in a folder only this user can open, and does nothing for a
request without the token it wrote (mode 0600) into the project's `.prefect/resident/`. The
client passes its own stdout and stderr with the request, so the run prints straight to the
person's terminal. Its Prefect server requires a secret only the runner holds, for as long as it
stays up on its loopback port.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TextIO

RESIDENT_VARIABLE = "EVIDENCE_EXTRACT_RESIDENT"
IDLE_VARIABLE = "EVIDENCE_EXTRACT_RESIDENT_IDLE_S"
DEFAULT_IDLE_S = 600.0
MAX_IDLE_S = 24 * 3600.0
MAX_REQUEST_BYTES = 64 * 1024
MAX_ARGUMENTS = 64
CONNECT_TIMEOUT_S = 2.0
# The settings a runner is started with must be the settings of the runs it serves.
KEY_PREFIXES = ("PREFECT_", "EVIDENCE_EXTRACT_")
NOT_IN_KEY = frozenset({RESIDENT_VARIABLE, IDLE_VARIABLE})
ON, OFF = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})
INTERRUPTED_EXIT = 130


class RequestRefused(ValueError):
    """A request the runner does not serve, and why."""


def supported() -> bool:
    """Whether this platform can pass a terminal to another process over a Unix socket."""
    return os.name == "posix" and hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")


def wanted(environ: Mapping[str, str], stdout: TextIO) -> bool:
    """Whether runs use a resident runner: as the variable says, else when a person watches the output."""
    setting = environ.get(RESIDENT_VARIABLE, "").strip().lower()
    if setting in OFF or not supported():
        return False
    return setting in ON or stdout.isatty()


def idle_seconds(environ: Mapping[str, str]) -> float:
    """How long a runner waits for the next run before it exits (a value that is not a number: the default)."""
    try:
        seconds = float(environ.get(IDLE_VARIABLE, DEFAULT_IDLE_S))
    except ValueError:
        return DEFAULT_IDLE_S
    return min(max(seconds, 1.0), MAX_IDLE_S) if seconds == seconds else DEFAULT_IDLE_S


def runner_key(environ: Mapping[str, str]) -> str:
    """What a runner must share with the runs it serves: the code, the Python, the settings."""
    from flows.cache import code_digest

    settings = {name: value for name, value in environ.items() if name.startswith(KEY_PREFIXES) and name not in NOT_IN_KEY}
    described = json.dumps([code_digest(), sys.executable, sorted(settings.items())])
    return hashlib.sha256(described.encode()).hexdigest()


@dataclass(frozen=True)
class Place:
    """Where the runner of one project home (`./.prefect`) keeps its note, its lock and its socket."""

    home: Path

    @property
    def folder(self) -> Path:
        return self.home / "resident"

    @property
    def note(self) -> Path:
        return self.folder / "runner.json"

    @property
    def lock(self) -> Path:
        return self.folder / "runner.lock"

    @cached_property
    def socket(self) -> Path:
        """Raises PermissionError when the runtime folder is not private to this user."""
        # A socket's path is limited to about a hundred bytes, so it lives in a short private folder.
        name = hashlib.sha256(str(self.home.resolve()).encode()).hexdigest()[:24]
        return private_runtime_dir() / f"{name}.sock"


def private_runtime_dir() -> Path:
    """This user's folder for sockets (`$XDG_RUNTIME_DIR` or the temporary folder), made 0700 and checked to be so."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    folder = base / f"evidence-extract-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    status = folder.lstat()
    if status.st_uid != os.getuid() or status.st_mode & 0o077 or not folder.is_dir() or folder.is_symlink():
        raise PermissionError(f"{folder} is not a folder only this user can open")
    return folder


def read_note(place: Place) -> dict[str, object] | None:
    """The running runner's note (its token and key), or None when there is none that can be read."""
    try:
        note = json.loads(place.note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return note if isinstance(note, dict) and isinstance(note.get("token"), str) else None


def write_note(place: Place, token: str, key: str, api_url: str) -> None:
    """Write the runner's note (its token, key, process and Prefect API), readable by this user only, in one step."""
    partial = place.folder / f".runner.json.{os.getpid()}"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump({"token": token, "key": key, "pid": os.getpid(), "api": api_url}, out)
    os.replace(partial, place.note)


def ask(place: Place, token: str, request: dict[str, object], streams: Sequence[TextIO] = ()) -> dict[str, object] | None:
    """Send one request (with these streams' descriptors) and wait for the reply; None when no runner answers."""
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(CONNECT_TIMEOUT_S)
        connection.connect(str(place.socket))
    except OSError:
        return None
    with connection:
        for stream in streams:
            stream.flush()
        try:
            payload = json.dumps({**request, "token": token}).encode() + b"\n"
            socket.send_fds(connection, [payload], [stream.fileno() for stream in streams])
            connection.settimeout(None)
            reply = read_line(connection, MAX_REQUEST_BYTES)
        except (OSError, RequestRefused):  # no runner, or not one that answers as a runner does
            return None
    try:
        answer = json.loads(reply)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def read_line(connection: socket.socket, limit: int, first: bytes = b"") -> bytes:
    """Bytes up to the first newline (or the end), at most `limit` of them."""
    data = first
    while not data.endswith(b"\n") and len(data) <= limit:
        more = connection.recv(limit)
        if not more:
            break
        data += more
    if len(data) > limit:
        raise RequestRefused(f"a request is limited to {limit} bytes")
    return data


def run_in_resident(place: Place, argv: Sequence[str], key: str) -> int | None:
    """The exit status of this command run by the folder's runner; None when no runner of this key serves it."""
    note = read_note(place)
    if note is None or note.get("key") != key:
        return None
    request = {"argv": list(argv), "cwd": os.getcwd(), "tty": sys.stdout.isatty()}
    try:
        code = (ask(place, str(note["token"]), request, (sys.stdout, sys.stderr)) or {}).get("exit")
    except KeyboardInterrupt:  # the runner sees the connection close and stops the run
        return INTERRUPTED_EXIT
    return code if isinstance(code, int) else None


def stop_runner(place: Place) -> bool:
    """Ask the folder's runner to exit; whether one did."""
    reply = (note := read_note(place)) and ask(place, str(note["token"]), {"stop": True})
    return bool(reply and reply.get("stopped"))


def start_runner(place: Place, environ: Mapping[str, str]) -> None:
    """Start a runner for this folder in the background, in a session of its own (it outlives this process)."""
    subprocess.Popen(
        [sys.executable, "-m", "flows.resident_runner", "--home", str(place.home)],
        env=dict(environ), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )


def run_here_or_resident(argv: Sequence[str], home: Path, run_here: Callable[[], int]) -> int:
    """Run a command by the folder's runner when one serves it; else here, then leave a runner for the next run."""
    environ = dict(os.environ)  # before this run's Prefect settings are added to it
    if not wanted(environ, sys.stdout):
        return run_here()
    place, key = Place(home.absolute()), runner_key(environ)
    try:
        place.socket  # noqa: B018  (computed once here: a runtime folder that is not private turns the runner off)
    except OSError:
        return run_here()
    if (code := run_in_resident(place, argv, key)) is not None:
        return code
    code = run_here()
    stop_runner(place)  # one of older code or other settings, if any
    place.folder.mkdir(parents=True, exist_ok=True)
    start_runner(place, environ)
    print(f"Prefect stays loaded here for the next run ({idle_seconds(environ) / 60:.0f} min idle; `evidence-extract stop` ends it).", flush=True)
    return code

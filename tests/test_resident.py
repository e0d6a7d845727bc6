"""The resident runner: the next run in a folder is served by a process that keeps Prefect loaded.

The rules (when it is used, what a request must carry) are tested as pure functions; one test
runs the real thing: a run that leaves a runner, a run it serves, a request without its token,
and `evidence-extract stop`.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from flows.resident import (
    IDLE_VARIABLE,
    MAX_ARGUMENTS,
    MAX_REQUEST_BYTES,
    RESIDENT_VARIABLE,
    Place,
    RequestRefused,
    idle_seconds,
    private_runtime_dir,
    read_note,
    runner_key,
    wanted,
)
from flows.resident_runner import parse_request

CONSOLE_SCRIPT = Path(sys.executable).parent / "evidence-extract"
LEFT_BEHIND = "Prefect stays loaded here for the next run"


class Terminal:
    """A stand-in for sys.stdout that is, or is not, a terminal."""

    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def request_bytes(**fields: object) -> bytes:
    return json.dumps({"token": "secret", "argv": ["run"], "cwd": "/x", "tty": False, **fields}).encode()


def test_a_runner_is_used_at_a_terminal_or_when_asked_and_never_when_turned_off() -> None:
    assert wanted({}, Terminal(True))
    assert not wanted({}, Terminal(False))  # CI, cron, a pipe: nothing left behind
    assert wanted({RESIDENT_VARIABLE: "1"}, Terminal(False))
    assert not wanted({RESIDENT_VARIABLE: "0"}, Terminal(True))
    assert not wanted({RESIDENT_VARIABLE: "off"}, Terminal(True))


def test_idle_time_comes_from_the_variable_within_bounds() -> None:
    assert idle_seconds({}) == 600.0
    assert idle_seconds({IDLE_VARIABLE: "30"}) == 30.0
    assert idle_seconds({IDLE_VARIABLE: "0"}) == 1.0
    assert idle_seconds({IDLE_VARIABLE: "1e12"}) == 24 * 3600.0
    assert idle_seconds({IDLE_VARIABLE: "soon"}) == 600.0
    assert idle_seconds({IDLE_VARIABLE: "nan"}) == 600.0


def test_the_key_changes_with_the_settings_but_not_with_the_runner_switches() -> None:
    base = {"PATH": "/bin", "PREFECT_HOME": "/a"}
    assert runner_key(base) == runner_key({**base, "PATH": "/usr/bin", RESIDENT_VARIABLE: "1", IDLE_VARIABLE: "5"})
    assert runner_key(base) != runner_key({**base, "PREFECT_HOME": "/b"})
    assert runner_key(base) != runner_key({**base, "EVIDENCE_EXTRACT_PHASES": "/tmp/p"})


def test_a_request_is_served_only_with_the_token_and_in_shape() -> None:
    served = parse_request(request_bytes(argv=["run", "--raw", "r"], tty=True), "secret", 2)
    assert served.argv == ("run", "--raw", "r") and served.tty and not served.stop
    assert parse_request(json.dumps({"token": "secret", "stop": True}).encode(), "secret", 0).stop
    refused = {
        "no token": (json.dumps({"argv": ["run"], "cwd": "/x", "tty": False}).encode(), 2),
        "wrong token": (request_bytes(token="guess"), 2),
        "not JSON": (b"run --raw raw", 2),
        "not an object": (b'["run"]', 2),
        "too many arguments": (request_bytes(argv=["x"] * (MAX_ARGUMENTS + 1)), 2),
        "an argument that is not text": (request_bytes(argv=["run", 3]), 2),
        "no folder": (request_bytes(cwd=None), 2),
        "no streams": (request_bytes(), 0),
    }
    for reason, (data, descriptors) in refused.items():
        with pytest.raises(RequestRefused):
            parse_request(data, "secret", descriptors)
        assert reason


def test_a_stop_without_the_token_is_refused() -> None:
    with pytest.raises(RequestRefused):
        parse_request(json.dumps({"token": "guess", "stop": True}).encode(), "secret", 0)


def test_sockets_live_in_a_folder_only_this_user_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = private_runtime_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert Place(tmp_path / "project" / ".prefect").socket.parent == folder
    assert len(str(Place(tmp_path / ("deep" * 40) / ".prefect").socket)) < len(str(folder)) + 32
    folder.chmod(0o755)
    with pytest.raises(PermissionError):
        private_runtime_dir()


@pytest.fixture
def runtime_dir() -> Iterator[Path]:
    """A short private folder for the runner's socket (a socket path is limited to about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="ee-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def run_cli(folder: Path, environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CONSOLE_SCRIPT), *arguments], cwd=folder, env=environment, capture_output=True, text=True)


def wait_for_note(place: Place, deadline_s: float = 300.0) -> dict[str, object]:
    """The runner's note once it is written (the runner imports Prefect and starts its server first)."""
    waited = time.monotonic() + deadline_s
    while (note := read_note(place)) is None:
        assert time.monotonic() < waited, "the runner never wrote its note"
        time.sleep(0.2)
    return note


def process_ended(pid: int, deadline_s: float = 60.0) -> bool:
    waited = time.monotonic() + deadline_s
    while time.monotonic() < waited:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_run_leaves_a_runner_that_serves_the_next_run_and_stops_when_asked(
    raw_with_seed: Path, tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_dir))  # where this test finds the runner's socket
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")},
        RESIDENT_VARIABLE: "1", IDLE_VARIABLE: "300", "XDG_RUNTIME_DIR": str(runtime_dir), "HOME": str(tmp_path),
    }
    place = Place(tmp_path / ".prefect")
    first = run_cli(tmp_path, environment, "run", "--raw", "raw", "--curated", "curated")
    assert first.returncode == 0, first.stdout + first.stderr
    assert LEFT_BEHIND in first.stdout
    note = wait_for_note(place)
    pid = int(note["pid"])  # type: ignore[call-overload]
    try:
        assert place.note.stat().st_mode & 0o777 == 0o600
        # its Prefect server, up between runs on a loopback port, answers only with the runner's secret
        api = str(note["api"])
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, whatever proxy is configured
        assert direct.open(f"{api}/health", timeout=10).status == 200
        for credentials in ({}, {"Authorization": "Basic " + base64.b64encode(b"guess").decode()}):
            asked = urllib.request.Request(f"{api}/flows/filter", data=b"{}", headers={"Content-Type": "application/json", **credentials})
            with pytest.raises(urllib.error.HTTPError) as refused:
                direct.open(asked, timeout=10)
            assert refused.value.code == 401
        studies_before = pd.read_parquet(tmp_path / "curated" / "studies.parquet")
        second = run_cli(tmp_path, environment, "run", "--raw", "raw", "--curated", "elsewhere")
        assert second.returncode == 0, second.stdout + second.stderr
        assert LEFT_BEHIND not in second.stdout  # served by the runner, which left nothing new behind
        assert second.stdout.startswith("Extracting 1 report from raw/") and "Tables in elsewhere/" in second.stdout
        assert second.stderr == ""
        assert read_note(place)["pid"] == pid  # type: ignore[index]
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "elsewhere" / "studies.parquet"), studies_before)

        missing = run_cli(tmp_path, environment, "run", "--raw", "nowhere")
        assert missing.returncode == 2 and "no raw folder at nowhere/" in missing.stderr  # its errors reach the client too

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as intruder:
            intruder.connect(str(place.socket))
            intruder.sendall(json.dumps({"token": "guess", "stop": True}).encode() + b"\n")
            assert "refused" in json.loads(intruder.recv(MAX_REQUEST_BYTES))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as flood:
            flood.connect(str(place.socket))
            flood.sendall(b"x" * (MAX_REQUEST_BYTES + 2))
            assert "refused" in json.loads(flood.recv(MAX_REQUEST_BYTES))
        assert not process_ended(pid, deadline_s=0.5)

        # a run with other settings is not served by this runner: it runs by itself and replaces it
        other = {**environment, "EVIDENCE_EXTRACT_CACHE_DIR": str(tmp_path / "templates")}
        replaced = run_cli(tmp_path, other, "run", "--raw", "raw", "--curated", "curated")
        assert replaced.returncode == 0 and LEFT_BEHIND in replaced.stdout, replaced.stdout + replaced.stderr
        assert process_ended(pid)
        pid = int(wait_for_note(place)["pid"])  # type: ignore[call-overload]
        environment = other

        stopped = run_cli(tmp_path, environment, "stop")
        assert stopped.stdout.strip() == "Stopped this folder's resident runner."
        assert process_ended(pid)
        assert not place.note.exists() and not place.socket.exists()
        assert run_cli(tmp_path, environment, "stop").stdout.strip() == "No resident runner runs for this folder."
    finally:
        if not process_ended(pid, deadline_s=0.1):
            os.kill(pid, 9)


def test_a_client_that_goes_away_interrupts_its_run_and_the_run_prints_no_more() -> None:
    """Also in a runner started from a shell's background job, where SIGINT starts ignored."""
    import signal

    from flows.resident_runner import INTERRUPTED_EXIT, Request, serve_request

    runner_side, client_side = socket.socketpair()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    printed_after: list[str] = []

    def endless_run(argv: object) -> int:
        print("started", flush=True)
        try:  # entered before the client goes, so the interrupt cannot land ahead of it
            client_side.close()  # the person pressed Ctrl-C: the client is gone
            for _ in range(6000):  # never ends in time by itself: an interrupt that never lands fails the test, not hangs it
                time.sleep(0.01)
            return 0
        finally:
            print("after the interrupt", flush=True)  # goes nowhere: the client's streams are closed
            printed_after.append("tried")

    ignoring = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        code = serve_request(Request(("run",), "/", False), runner_side, [out_write, err_write], endless_run)
    finally:
        signal.signal(signal.SIGINT, ignoring)
    runner_side.close()
    assert code == INTERRUPTED_EXIT
    assert printed_after == ["tried"]
    with os.fdopen(out_read) as out, os.fdopen(err_read) as err:
        assert out.read() == "started\n" and err.read() == ""


def test_what_a_run_prints_and_logs_goes_to_its_client_and_the_runner_gets_its_streams_back() -> None:
    import logging

    from flows.resident_runner import ClientStream, printing_to

    handler = logging.StreamHandler(sys.stderr)
    logger = logging.getLogger("tests.resident.client")
    logger.addHandler(handler)
    logger.propagate = False  # only this handler: Prefect's own, when configured, is pointed the same way
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    out, err = ClientStream(out_write, tty=True), ClientStream(err_write, tty=False)
    try:
        with printing_to(out, err):
            print("a report line")
            logger.warning("a warning line")
            assert sys.stdout.isatty() and not sys.stderr.isatty()
        assert handler.stream is sys.stderr
    finally:
        logger.removeHandler(handler)
        out.close()
        err.close()
    with os.fdopen(out_read) as printed, os.fdopen(err_read) as logged:
        assert printed.read() == "a report line\n" and logged.read() == "a warning line\n"


def test_a_run_that_crashes_shows_its_traceback_to_its_client_and_the_runner_goes_on() -> None:
    from flows.resident_runner import CRASHED_EXIT, Request, serve_request

    runner_side, client_side = socket.socketpair()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()

    def broken_run(argv: object) -> int:
        raise LookupError("a bug in a run")

    with client_side:
        assert serve_request(Request(("run",), "/", False), runner_side, [out_write, err_write], broken_run) == CRASHED_EXIT
    runner_side.close()
    with os.fdopen(out_read) as out, os.fdopen(err_read) as err:
        shown = err.read()
        assert out.read() == "" and "Traceback" in shown and "LookupError: a bug in a run" in shown


def test_a_socket_that_answers_not_as_a_runner_does_is_no_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An endless or unreadable reply is no answer: the client runs the command itself."""
    import threading

    from flows.resident import ask

    monkeypatch.setenv("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="ee-"))
    place = Place(tmp_path / ".prefect")
    for reply in (b"x" * (MAX_REQUEST_BYTES + 2), b"not json\n", b'["a list"]\n'):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(str(place.socket))
            listener.listen(1)

            def answer(sent: bytes = reply) -> None:
                connection, _ = listener.accept()
                with connection:
                    connection.recv(MAX_REQUEST_BYTES)
                    connection.sendall(sent)

            server = threading.Thread(target=answer)
            server.start()
            assert ask(place, "token", {"stop": True}) is None
            server.join()
        place.socket.unlink()
    assert ask(place, "token", {"stop": True}) is None  # nothing listens
    shutil.rmtree(place.socket.parent.parent, ignore_errors=True)

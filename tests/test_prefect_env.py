"""The run's temporary Prefect server: started as its own process, answering, stopped after the run."""

from __future__ import annotations

import socket
import sys
import urllib.request

import psutil
import pytest

from flows import prefect_env
from flows.prefect_env import (
    TemporaryServer,
    free_port,
    is_healthy,
    shared_api_server,
    start_temporary_server,
)


def server_children() -> list[psutil.Process]:
    """This process's descendants that run a temporary Prefect server (`flows.server`)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "flows.server" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def test_a_run_without_a_configured_server_gets_one_that_answers_and_is_stopped_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    others = {child.pid for child in server_children()}  # another test's session server, if any
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        assert not get_current_settings().api.url
        with shared_api_server():
            api_url = get_current_settings().api.url
            assert api_url and api_url.startswith("http://127.0.0.1:")
            with urllib.request.urlopen(f"{api_url}/health", timeout=10) as response:
                assert response.status == 200
            servers = [child for child in server_children() if child.pid not in others]
            assert len(servers) == 1
        assert not get_current_settings().api.url
    assert not servers[0].is_running() or servers[0].status() == psutil.STATUS_ZOMBIE
    assert not is_healthy(api_url)


def test_a_configured_server_is_used_as_it_is() -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    team_server = "http://127.0.0.1:9/api"
    before = {child.pid for child in server_children()}
    with temporary_settings({PREFECT_API_URL: team_server}):
        with shared_api_server():
            assert get_current_settings().api.url == team_server
            assert {child.pid for child in server_children()} == before


def test_a_server_that_exits_at_start_is_reported_with_its_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefect_env, "server_command", lambda port: [sys.executable, "-c", "raise SystemExit(1)"])
    with pytest.raises(RuntimeError, match="exited with code 1"):
        start_temporary_server(timeout_s=30)


def test_a_server_that_never_answers_is_stopped_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefect_env, "server_command", lambda port: [sys.executable, "-c", "import time; time.sleep(60)"])
    started: list[TemporaryServer] = []
    real_server = prefect_env.TemporaryServer

    def remembered(process, port):  # type: ignore[no-untyped-def]
        server = real_server(process, port)
        started.append(server)
        return server

    monkeypatch.setattr(prefect_env, "TemporaryServer", remembered)
    with pytest.raises(RuntimeError, match="did not answer"):
        start_temporary_server(timeout_s=1)
    assert started and started[-1].process.poll() is not None


def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_the_event_queue_draining_at_a_run_end_says_nothing_to_the_person(tmp_path: Path) -> None:
    """'EventsWorker - Still processing items: 1 items remaining...' reached a resident run's stderr on a busy machine."""
    import logging

    from flows.prefect_env import configure_prefect

    configure_prefect(tmp_path / ".prefect")
    drain = logging.getLogger("EventsWorker")
    assert not drain.isEnabledFor(logging.WARNING)
    assert drain.isEnabledFor(logging.CRITICAL)

"""Prefect's local settings, set in one place before Prefect is first imported.

Prefect runs here in its embedded mode: a temporary local server per process, no install, no
account. Its defaults talk too much for a command-line tool (telemetry, INFO logs, the
temporary server's shutdown tracebacks), so they are quieted here. Every value is a default:
a variable the user has already set wins.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from extract.lifeline import child_environment, lifeline
from flows import phases

SERVER_ENVIRONMENT = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# The temporary server's services, as defaults a user's own variables override. Marked ephemeral,
# it already skips the scheduler, late runs, foreman, repossessor and the other periodic services.
# Of those it still starts, a run's history needs only the task run recorder (task runs and their
# states, built from the client's events); flow runs, their states and artifacts go through the API.
SERVER_SERVICE_DEFAULTS = {
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",  # automations: reactive and proactive triggers, actions
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",  # events to websocket subscribers: there is no UI
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",  # the raw event feed, never vacuumed here
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",  # one transaction per event by default
    # Block types are registered for the UI and for deployments' storage blocks; a run saves no
    # block. Memoized, the registration would still import every installed Prefect collection
    # (prefect-dask: all of Dask, a second) on every start, only to hash them.
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
    "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
}
# A flow run on the run's own server sends no heartbeats: they let a server's automations find
# crashed runs, and this server has none and ends with the run. Their thread sleeps in one-second
# steps and is joined when the flow ends: up to a second added to every run.
TEMPORARY_SERVER_RUN_SETTINGS: dict[str, object] = {"flows.heartbeat_frequency": None}
PORT_IN_USE_EXIT = 3  # uvicorn's exit code when it cannot bind its port
# The least time the run's server is given to answer, whatever Prefect's settings said when they
# were first read: a busy machine can take many seconds to import and start it.
MIN_SERVER_START_S = 120.0


class ServerStartFailed(RuntimeError):
    """The run's temporary Prefect server exited or did not answer in time."""

# Loggers whose messages are housekeeping, not news for the person running: the web server's, and
# Prefect's event queue telling, as a run ends on a busy machine, that it is still draining.
QUIET_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic", "httpx", "httpcore", "docket", "EventsWorker")


def prefect_settings(home: Path) -> dict[str, str]:
    """The environment Prefect needs to run quietly and keep its state under `home`."""
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_LOG_PRINTS": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }


def configure_prefect(home: Path) -> None:
    """Set Prefect's settings as environment defaults; call before the first `import prefect`."""
    for name, value in prefect_settings(home.resolve()).items():
        os.environ.setdefault(name, value)
    for logger_name in QUIET_LOGGERS:
        logging.getLogger(logger_name).setLevel(logging.CRITICAL)


COMMIT_FAILURE = "An error was encountered while committing transaction"


class CacheWriteFailures(logging.Filter):
    """Prefect logs a traceback for each report whose result cannot be saved to the cache (a full or
    read-only disk); this says it once, in one line, and lets the run go on without the cache."""

    def __init__(self, cache_dir: Path):
        super().__init__()
        self.cache_dir = cache_dir
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, OSError) or not str(record.msg).startswith(COMMIT_FAILURE):
            return True
        if self.said:
            return False
        self.said = True
        reason = error.strerror or str(error)
        record.msg = f"Results cannot be saved to the cache in {self.cache_dir}/ ({reason}); reports will be parsed again next run."
        record.args, record.exc_info, record.exc_text = (), None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_cache_failures(cache_dir: Path) -> None:
    """Replace Prefect's per-report tracebacks of a result cache that cannot be written with one line."""
    logger = logging.getLogger("prefect.task_runs")
    for old in [f for f in logger.filters if isinstance(f, CacheWriteFailures)]:
        logger.removeFilter(old)
    logger.addFilter(CacheWriteFailures(cache_dir))


@contextmanager
def shared_api_server() -> Iterator[None]:
    """One temporary Prefect server for the enclosed block, its process, and every worker it starts.

    A configured PREFECT_API_URL (a team's server) is left alone. `run_api_server` is the same
    server split in two: launched at once, connected to only when the flow needs it.
    """
    with run_api_server() as run, run.connected():
        yield


@contextmanager
def run_api_server() -> Iterator[RunServer]:
    """The run's temporary server, launched now (Prefect is not imported for it) and stopped after the block.

    Without an API URL Prefect would start such a server itself, importing the whole server
    package into this process first (seconds). Here it is started as its own process without
    that import, so it boots while this process goes on: reading reports ahead, importing the
    flow. `RunServer.connected` waits for it, once the flow needs the API.
    """
    if (kept := KEPT.server) is not None and kept.process.poll() is None:
        run = RunServer(kept, owned=False)
    else:
        run = RunServer(None if api_url_already_configured() else launch_server())
    try:
        yield run
    finally:
        run.stop()


def api_url_already_configured() -> bool:
    """Whether a PREFECT_API_URL is known to be set without importing Prefect: in the environment,
    or in settings Prefect has already loaded. A profile's URL is found once Prefect is imported."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect.settings" not in sys.modules:
        return False
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


@dataclass
class RunServer:
    """A run's API: its own temporary server (None when one is configured), used once it answers.

    A server the run does not own (a resident runner's, `KEPT`) is used the same way and left running.
    """

    server: TemporaryServer | None
    owned: bool = True

    @contextmanager
    def connected(self) -> Iterator[None]:
        """Point Prefect at the run's server once it answers, or at the configured one; send the
        run's last events before leaving, while the server still listens."""
        from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

        settings = get_current_settings()
        if settings.api.url:
            self.stop()  # a profile names a server after all: ours is not needed
            yield
            return
        if self.server is None:
            self.server = launch_server()
        deadline = self.server.launched + max(settings.server.ephemeral.startup_timeout_seconds, MIN_SERVER_START_S)
        self.server = wait_until_healthy(self.server, deadline)
        with temporary_settings({PREFECT_API_URL: self.server.api_url, **TEMPORARY_SERVER_RUN_SETTINGS}):
            try:
                yield
            finally:
                drain_prefect_events()

    def stop(self) -> None:
        """Stop the run's server, if it has one of its own."""
        if self.server is not None and self.owned:
            with phases.phase("server stop"):
                self.server.stop()
            self.server = None


@dataclass
class KeptServer:
    """The server every run of this process uses instead of starting its own: a resident runner's
    (`flows.resident`), started once and kept between its runs. None in any other process."""

    server: TemporaryServer | None = None


KEPT = KeptServer()


def drain_prefect_events(timeout_s: float = 30.0) -> None:
    """Send the run's last events while its server still listens; sent at exit, they would fail noisily."""
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(timeout=timeout_s, at_exit=False)


@dataclass
class TemporaryServer:
    """A Prefect API server process on a loopback port, for one run."""

    process: subprocess.Popen[bytes]
    port: int
    launched: float = field(default_factory=time.monotonic)
    launched_at: float = field(default_factory=time.time)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def stop(self) -> None:
        """Stop the server, killing it if it does not stop within five seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(port: int) -> list[str]:
    """The server's command: `flows.server` (its database made ready, then uvicorn on Prefect's app), on this run's lifeline."""
    return [sys.executable, "-m", "extract.lifeline", "flows.server", "--host", "127.0.0.1", "--port", str(port)]


def server_environment() -> dict[str, str]:
    """This process's environment and Prefect settings, marked as a temporary server without UI,
    with the lifeline it watches so that it stops when this process ends, even when killed.

    Prefect's settings come from the environment, its profile and the project's files, which the
    server reads as this process does; settings this process holds only in memory are passed on
    when Prefect is already loaded here.

    The recorder's batches matter beyond CPU: written one event per transaction, the task runs
    lagged seconds behind a busy run, and those not yet written when the server stopped were lost.
    Batched, the recorder keeps up with its queue and writes what is left of it at shutdown.
    """
    loaded: dict[str, str] = {}
    if "prefect.settings" in sys.modules:
        from prefect.settings import get_current_settings

        loaded = get_current_settings().to_environment_variables(exclude_unset=True)
    return {
        **SERVER_SERVICE_DEFAULTS,
        **os.environ,
        **loaded,
        **SERVER_ENVIRONMENT,
        **child_environment(lifeline()),
    }


def start_server_process(port: int) -> subprocess.Popen[bytes]:
    """The server's process, handed the read end of this process's lifeline."""
    return subprocess.Popen(server_command(port), env=server_environment(), pass_fds=(lifeline().fileno(),))


def launch_server() -> TemporaryServer:
    """Start a server process on a free port, without waiting for it."""
    return TemporaryServer(start_server_process(port := free_port()), port)


def is_healthy(api_url: str) -> bool:
    """Whether the server answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def wait_until_healthy(server: TemporaryServer, deadline: float) -> TemporaryServer:
    """The server once it answers (relaunched on another port when its port was taken); stopped and raised at the deadline."""
    waited_from = server.launched
    while time.monotonic() < deadline:
        if is_healthy(server.api_url):
            phases.record("server start", server.launched_at, time.time(), f"port {server.port}")
            return server
        if server.process.poll() == PORT_IN_USE_EXIT:
            server = launch_server()
        elif server.process.poll() is not None:
            raise ServerStartFailed(f"the temporary Prefect server exited with code {server.process.returncode}")
        time.sleep(0.02)
    server.stop()
    raise ServerStartFailed(f"the temporary Prefect server did not answer within {deadline - waited_from:.0f} s")


def start_temporary_server(timeout_s: float) -> TemporaryServer:
    """Start a server process and wait until it answers; another port when one was taken."""
    return wait_until_healthy(launch_server(), time.monotonic() + timeout_s)

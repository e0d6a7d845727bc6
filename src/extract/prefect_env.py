"""Prefect's local settings, set in one place before Prefect is first imported.

Prefect runs here in its embedded mode: a temporary local server per process, no install, no
account. Its defaults talk too much for a command-line tool (telemetry, INFO logs, the
temporary server's shutdown tracebacks), so they are quieted here. Every value is a default:
a variable the user has already set wins.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

QUIET_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic", "httpx", "httpcore", "docket")


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


@contextmanager
def shared_api_server() -> Iterator[None]:
    """One temporary Prefect server for this process and every process-pool worker it starts.

    Without an API URL each worker process would start a temporary server of its own (seconds
    per worker, then CPU for the whole run); with it set, workers inherit the parent's URL. A
    configured PREFECT_API_URL (a team's server) is left alone.
    """
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if get_current_settings().api.url:
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the process's default temporary server, stopped at exit
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield

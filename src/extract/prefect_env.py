"""Prefect's local settings, set in one place before Prefect is first imported.

Prefect runs here in its embedded mode: a temporary local server per process, no install, no
account. Its defaults talk too much for a command-line tool (telemetry, INFO logs, the
temporary server's shutdown tracebacks), so they are quieted here. Every value is a default:
a variable the user has already set wins.
"""

from __future__ import annotations

import logging
import os
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

"""Shared fixtures: the seed report, and one Prefect server for every flow test of a session.

Prefect is configured here, at import, exactly as the CLI configures it, so flow tests see the
same quiet settings a user's run does. Prefect itself is imported only by the fixture that needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from flows.prefect_env import configure_prefect
from flows.resident import RESIDENT_VARIABLE

PROJECT_DIR = Path(__file__).resolve().parents[1]
SEED_DIR = PROJECT_DIR / "tests" / "fixtures" / "seed"
SEED_REPORT = SEED_DIR / "ivig-offlabel-2017.txt"

configure_prefect(PROJECT_DIR / ".prefect")
# No run of the tests leaves a resident runner behind (a test that wants one asks for it), even
# when pytest's output is a terminal.
os.environ.setdefault(RESIDENT_VARIABLE, "0")

# No wall-clock limits in tests: hypothesis's per-example deadline is one, and the first
# example pays for loading the word list, so it is turned off for every property test.
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server and database shared by the session's flow tests."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=None):
        yield


@pytest.fixture
def seed_report() -> Path:
    """The seed report's text, as a PDF-to-text tool produced it."""
    return SEED_REPORT


@pytest.fixture
def raw_with_seed(tmp_path: Path) -> Path:
    """A raw/ folder holding only the seed report."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED_REPORT.name).write_bytes(SEED_REPORT.read_bytes())
    return raw


@pytest.fixture(scope="session")
def forge_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Renderings of forged reports by every producer, made once per session (FORGE_CACHE_DIR keeps them).

    The folder sits beside the test workers' own temporary folders, so under pytest-xdist every
    worker of a session reads the same renderings (the cache locks while it renders).
    """
    import os

    from tests.forge.cache import RenderCache

    folder = os.environ.get("FORGE_CACHE_DIR")
    shared = tmp_path_factory.getbasetemp().parent / "forge-cache" if os.environ.get("PYTEST_XDIST_WORKER") else None
    return RenderCache(Path(folder) if folder else shared or tmp_path_factory.mktemp("forge-cache"))

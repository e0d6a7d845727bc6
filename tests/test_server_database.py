"""The run's Prefect database made ready before its server starts, and kept so across runs (`flows.server`).

Prefect's migrations are stood in for by one that records its calls and writes what a migrated
database records (its newest migration), so these tests read the decisions, not Prefect's schema.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from flows import server
from flows.server import DATABASE_NOTE, TEMPLATE_DIR_VARIABLE, migration_of, prepare_database, sqlite_path

VERSION = "3.9.1"


def migrated(database: Path, revision: str = "head1") -> None:
    """What a migration leaves: the database, recording its newest migration."""
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("DELETE FROM alembic_version")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    connection.close()


@pytest.fixture
def migrations(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Every database the stand-in migration ran on; the template folder is the test's own."""
    ran: list[Path] = []

    def migrate(database: Path) -> None:
        ran.append(database)
        database.parent.mkdir(parents=True, exist_ok=True)
        migrated(database)

    monkeypatch.setattr(server, "migrate", migrate)
    monkeypatch.setenv(TEMPLATE_DIR_VARIABLE, str(tmp_path / "user-cache"))
    return ran


def url(database: Path) -> str:
    return f"sqlite+aiosqlite:///{database}"


def test_a_fresh_home_is_migrated_once_and_its_unused_database_kept_as_the_template(migrations: list[Path], tmp_path: Path) -> None:
    database = tmp_path / "checkout" / ".prefect" / "prefect.db"
    state = prepare_database(url(database), VERSION)
    assert (state.how, state.ready, migrations) == ("migrated", True, [database])
    assert migration_of(server.template_path(VERSION)) == "head1"
    assert json.loads((database.parent / DATABASE_NOTE).read_text()) == {"prefect_version": VERSION, "migration": "head1"}


def test_the_next_fresh_checkout_copies_the_template_instead_of_migrating(migrations: list[Path], tmp_path: Path) -> None:
    prepare_database(url(tmp_path / "first" / "prefect.db"), VERSION)
    second = tmp_path / "second" / "prefect.db"
    state = prepare_database(url(second), VERSION)
    assert (state.how, len(migrations)) == ("template", 1) and migration_of(second) == "head1"
    assert not list(server.template_path(VERSION).parent.glob("*-wal"))  # the template is one file


def test_a_database_this_version_migrated_is_kept_without_a_migration(migrations: list[Path], tmp_path: Path) -> None:
    database = tmp_path / "home" / "prefect.db"
    prepare_database(url(database), VERSION)
    assert prepare_database(url(database), VERSION).how == "kept" and len(migrations) == 1


def test_another_prefect_version_or_a_changed_database_is_migrated_again(migrations: list[Path], tmp_path: Path) -> None:
    database = tmp_path / "home" / "prefect.db"
    prepare_database(url(database), VERSION)
    assert prepare_database(url(database), "3.10.0").how == "migrated"
    migrated(database, "head2")  # someone else's server moved it on: the note no longer holds
    assert prepare_database(url(database), "3.10.0").how == "migrated" and len(migrations) == 3


def test_a_damaged_note_is_no_note(migrations: list[Path], tmp_path: Path) -> None:
    database = tmp_path / "home" / "prefect.db"
    prepare_database(url(database), VERSION)
    (database.parent / DATABASE_NOTE).write_text("{not json")
    assert prepare_database(url(database), VERSION).how == "migrated"


def test_a_database_that_is_not_a_local_sqlite_file_is_left_to_prefect(migrations: list[Path]) -> None:
    assert sqlite_path("postgresql+asyncpg://user@db/prefect") is None
    assert sqlite_path("sqlite+aiosqlite:///file::memory:?cache=shared&uri=true") is None
    state = prepare_database("postgresql+asyncpg://user@db/prefect", VERSION)
    assert (state.how, state.ready, migrations) == ("not ours", False, [])

"""The run's temporary Prefect server, as its own process: its database made ready, then uvicorn.

    python -m extract.lifeline flows.server --port PORT      # how `flows.prefect_env` starts it
    python -m flows.server --template-only                   # `make install`: the template, once per machine

Prefect's server checks its database against every migration on each start and, on a database
that does not exist yet, runs them all (seconds: the longest wait of a first run). Here the
database is made ready before the server starts, and kept so across runs:

- a database this process brought to the newest migration is noted beside it (`DATABASE_NOTE`:
  Prefect's version and the migration it reached); while the note holds, the server starts with
  Prefect's own check turned off (`migrate_on_start`);
- a database migrated from nothing is first copied, untouched by any run, into the user's cache
  (`template_path`, one per Prefect version), so a fresh checkout's first run copies it instead
  of migrating again;
- anything else (another Prefect version, no note, a damaged note) is migrated as Prefect would.

A database that is not a local SQLite file (a configured PostgreSQL, say) is left to Prefect.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flows import phases

SERVER_APP = "prefect.server.api.server:create_app"
DATABASE_NOTE = "evidence-extract-database.json"
SQLITE_PREFIX = "sqlite+aiosqlite:///"


@dataclass(frozen=True)
class DatabaseState:
    """What a start found: the database file (None when not a local SQLite file) and whether it is ready."""

    path: Path | None
    ready: bool
    how: str  # "kept" (the note holds), "template" (copied), "migrated", or "not ours"


def sqlite_path(connection_url: str) -> Path | None:
    """The file of a local SQLite connection URL; None for any other database or an in-memory one."""
    if not connection_url.startswith(SQLITE_PREFIX):
        return None
    location = connection_url.removeprefix(SQLITE_PREFIX)
    return None if ":memory:" in location or location.startswith("file:") or not location else Path(location)


TEMPLATE_DIR_VARIABLE = "EVIDENCE_EXTRACT_CACHE_DIR"


def template_dir() -> Path:
    """Where migrated, never-used databases are kept for fresh checkouts: the user's cache
    (`$XDG_CACHE_HOME/evidence-extract`, or the folder `EVIDENCE_EXTRACT_CACHE_DIR` names)."""
    if named := os.environ.get(TEMPLATE_DIR_VARIABLE):
        return Path(named)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "evidence-extract"


def template_path(prefect_version: str) -> Path:
    """The template database of one Prefect version (its migrations are the version's)."""
    return template_dir() / f"prefect-{prefect_version}.db"


def migration_of(database: Path) -> str | None:
    """The newest migration a SQLite database records, read without Prefect; None when it records none."""
    if not database.is_file():
        return None
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def note_holds(database: Path, prefect_version: str) -> bool:
    """Whether the note beside the database says this Prefect version migrated it to what it records now."""
    try:
        note = json.loads((database.parent / DATABASE_NOTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    recorded = migration_of(database)
    return recorded is not None and note.get("prefect_version") == prefect_version and note.get("migration") == recorded


def write_note(database: Path, prefect_version: str) -> None:
    """Note that this Prefect version brought the database to the migration it records (atomic)."""
    note = {"prefect_version": prefect_version, "migration": migration_of(database)}
    partial = database.parent / f".{DATABASE_NOTE}.{os.getpid()}"
    partial.write_text(json.dumps(note) + "\n", encoding="utf-8")
    os.replace(partial, database.parent / DATABASE_NOTE)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included) in one file, put in place atomically.

    The copy keeps no write-ahead log of its own (rollback journal mode), so reading it leaves
    nothing beside it and copying its one file copies all of it; Prefect turns the log back on
    when it opens the database.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.parent / f".{target.name}.{os.getpid()}"
    reader, writer = sqlite3.connect(source), sqlite3.connect(partial)
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=DELETE")
    finally:
        reader.close()
        writer.close()
    os.replace(partial, target)


def copy_template(database: Path, prefect_version: str) -> bool:
    """Put this Prefect version's template in place of a missing database; False when there is none."""
    template = template_path(prefect_version)
    if migration_of(template) is None:
        return False
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, database)
    return True


def keep_template(database: Path, prefect_version: str) -> None:
    """Save a just-migrated, unused database as the template; a cache that cannot be written is skipped."""
    try:
        copy_database(database, template_path(prefect_version))
    except (OSError, sqlite3.Error):
        pass


def migrate(database: Path) -> None:
    """Run Prefect's migrations on the configured database, as its server does when it starts."""
    import asyncio

    from prefect.server.database import provide_database_interface

    database.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(provide_database_interface().create_db())


def prepare_database(connection_url: str, prefect_version: str) -> DatabaseState:
    """Bring the run's database to the newest migration the cheapest way there is, and say how."""
    database = sqlite_path(connection_url)
    if database is None:
        return DatabaseState(None, False, "not ours")
    if database.exists() and note_holds(database, prefect_version):
        return DatabaseState(database, True, "kept")
    fresh = not database.exists()
    if fresh and copy_template(database, prefect_version):
        how = "template"
    else:
        migrate(database)
        if fresh:
            keep_template(database, prefect_version)
        how = "migrated"
    write_note(database, prefect_version)
    return DatabaseState(database, True, how)


def serve(host: str, port: int) -> None:
    """Make the database ready, then serve Prefect's API until stopped (exit code 3: the port is taken)."""
    import prefect
    import uvicorn
    from prefect.settings import PREFECT_API_DATABASE_MIGRATE_ON_START, get_current_settings, temporary_settings

    started = time.time()
    settings = get_current_settings()
    url = settings.server.database.connection_url
    state = prepare_database(url.get_secret_value() if url is not None else "", prefect.__version__)
    phases.record("database", started, time.time(), state.how)
    updates = {PREFECT_API_DATABASE_MIGRATE_ON_START: False} if state.ready else {}
    with temporary_settings(updates=updates):
        uvicorn.run(SERVER_APP, factory=True, host=host, port=port, log_level="error", lifespan="on")


def prepare_template() -> str:
    """Make this Prefect version's template database in the user's cache, if it is not there yet (`make install` does).

    A fresh checkout's first run then copies it instead of migrating: the migrations are run once
    per machine and Prefect version, at install time, not in front of a user waiting for a report.
    """
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        os.environ.update({"PREFECT_HOME": home, "PREFECT_LOGGING_LEVEL": "ERROR", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
        import prefect

        if migration_of(template_path(prefect.__version__)) is not None:
            return "kept"
        return prepare_database(f"{SQLITE_PREFIX}{Path(home) / 'prefect.db'}", prefect.__version__).how


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flows.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="serve Prefect's API on this port")
    parser.add_argument("--template-only", action="store_true", help="only make the database template, then exit")
    args = parser.parse_args(argv)
    if args.template_only:
        prepare_template()
    elif args.port is None:
        parser.error("--port is needed to serve")
    else:
        serve(args.host, args.port)


if __name__ == "__main__":
    main(sys.argv[1:])

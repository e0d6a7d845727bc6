"""A run over what curated/ was already made from is not run again: nothing changed since.

After a run publishes, the CLI notes in the snapshot it published (`RUN_NOTE`) what the tables
were made from (`RunInputs`): raw/'s visible entries, each report's cache key (its name and
bytes, the extractor's code, the Limits), the decisions file's digest, and the year (validation
bounds a study's year by next year). It notes the summary it printed and every file of the
snapshot with its size, too.

The next run in the folder compares, before Prefect or pandas is loaded (`unchanged_since`).
When the inputs are the same, every report's result is still in the cache, and curated/ still
points at that snapshot with every file as it was written, the flow would read every report
back from the cache and publish the same tables again. So nothing is started: the run says so
and repeats that run's summary. Anything else, including a note that cannot be read, runs the
flow as usual; `--force` runs it anyway.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from extract.sources import visible_entries
from flows.cache import KeyedReports, cached_result_exists

RUN_NOTE = ".run.json"
MAX_NOTE_BYTES = 4 * 1024 * 1024  # a note longer than this was not written by a run: it is ignored


@dataclass(frozen=True)
class RunInputs:
    """What a run's tables are made from; two runs with equal inputs publish the same tables."""

    raw_dir: str
    entries: tuple[str, ...]
    report_keys: tuple[str, ...]
    decisions: str
    year: int


@dataclass(frozen=True)
class Unchanged:
    """A run that need not run: when the run that published curated/ ran, and the summary it printed."""

    at: str
    summary: str


def decisions_digest(decisions: bytes | None) -> str:
    """The decisions file's SHA-256, or "absent"."""
    return "absent" if decisions is None else hashlib.sha256(decisions).hexdigest()


def run_inputs(raw_dir: Path, reports: KeyedReports, decisions: bytes | None) -> RunInputs | None:
    """This run's inputs; None when a report cannot be read (the flow records why)."""
    keys = tuple(reports.keys.values())
    if None in keys:
        return None
    entries = tuple(sorted(path.name for path in visible_entries(raw_dir)))
    return RunInputs(str(raw_dir.absolute()), entries, keys, decisions_digest(decisions), date.today().year)


def snapshot_sizes(snapshot: Path) -> dict[str, int]:
    """Every file of a published snapshot but the note, by path relative to it, with its size."""
    return {
        path.relative_to(snapshot).as_posix(): path.stat().st_size
        for path in snapshot.rglob("*")
        if path.is_file() and path.name != RUN_NOTE
    }


def read_note(snapshot: Path) -> dict[str, object] | None:
    """A snapshot's run note, or None when it has none that can be read."""
    note = snapshot / RUN_NOTE
    try:
        if note.stat().st_size > MAX_NOTE_BYTES:
            return None
        value = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def unchanged_since(curated_dir: Path, inputs: RunInputs | None, results: Path) -> Unchanged | None:
    """The run that published curated/ from these very inputs, when its snapshot is intact and every
    report's result is still in the result folder; else None."""
    if inputs is None or not curated_dir.is_symlink():
        return None
    if not all(cached_result_exists(results, key) for key in inputs.report_keys):
        return None
    snapshot = curated_dir.resolve()
    note = read_note(snapshot)
    if note is None or note.get("inputs") != json.loads(json.dumps(asdict(inputs))):
        return None
    try:
        intact = note.get("files") == snapshot_sizes(snapshot)
    except OSError:
        return None
    at, summary = note.get("at"), note.get("summary")
    if not intact or not isinstance(at, str) or not isinstance(summary, str):
        return None
    return Unchanged(at, summary)


def write_run_note(curated_dir: Path, inputs: RunInputs, summary: str) -> None:
    """Note in the snapshot curated/ points at what this run made it from (written whole, or not at all)."""
    snapshot = curated_dir.resolve()
    at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    note = {"inputs": asdict(inputs), "at": at, "summary": summary, "files": snapshot_sizes(snapshot)}
    staged = snapshot / f"{RUN_NOTE}.{os.getpid()}.tmp"
    staged.write_text(json.dumps(note, indent=1), encoding="utf-8")
    os.replace(staged, snapshot / RUN_NOTE)


def unchanged_message(curated_dir: Path, unchanged: Unchanged) -> str:
    """What a run that need not run prints: that nothing changed, and the summary of the run that published."""
    return (
        f"Nothing changed since the run of {unchanged.at}: the same reports, decisions, code and settings; "
        f"{curated_dir}/ is as that run published it (`--force` runs the flow anyway). Its summary:\n"
        f"{unchanged.summary}"
    )

"""What the review page reads, read once per version of the files: curated tables and the decisions file.

A batch's tables hold thousands of rows; reading and indexing them for every page load, crop and
save would make the page slow exactly when a steward needs it most. Each file is known by its
resolved path, inode, size and modification time (a run swaps `curated/` for a new snapshot, a
save replaces the decisions file whole), so a new version is read as soon as it exists and an
unchanged one never twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from extract.review.decisions import Decision, DecisionError, read_decisions

FileStamp = tuple[str, int, int, int] | None
STUDY_TABLES = (Path("studies"), Path("quarantine") / "studies")
TABLE_NAMES = ("validation_failures", "reports", "provenance", "references")


def file_stamp(path: Path) -> FileStamp:
    """A file's identity and version: resolved path, inode, size and mtime (None when it does not exist)."""
    try:
        resolved = path.resolve()
        stat = os.stat(resolved)
    except OSError:
        return None
    return (str(resolved), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def read_table(curated_dir: Path, name: str | Path) -> pd.DataFrame:
    """A curated table, or an empty frame when the run did not write it."""
    path = curated_dir / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


@dataclass(frozen=True)
class Tables:
    """The curated tables the page shows, published and quarantined studies together."""

    failures: pd.DataFrame
    studies: pd.DataFrame
    reports: pd.DataFrame
    provenance: pd.DataFrame
    references: pd.DataFrame  # empty when the curated folder has no references table


def table_stamps(curated_dir: Path) -> tuple[FileStamp, ...]:
    """The version of every table file the page reads."""
    names = [*STUDY_TABLES, *map(Path, TABLE_NAMES)]
    return tuple(file_stamp(curated_dir / f"{name}.parquet") for name in names)


@lru_cache(maxsize=2)
def tables_at(curated_dir: Path, stamps: tuple[FileStamp, ...]) -> Tables:
    """The tables of one version of the curated folder (`stamps`: `table_stamps` of it)."""
    studies = [read_table(curated_dir, name) for name in STUDY_TABLES]
    studies = [frame for frame in studies if len(frame.columns)]
    return Tables(
        failures=read_table(curated_dir, "validation_failures"),
        studies=pd.concat(studies, ignore_index=True) if studies else pd.DataFrame(),
        reports=read_table(curated_dir, "reports"),
        provenance=read_table(curated_dir, "provenance"),
        references=read_table(curated_dir, "references"),
    )


@dataclass(frozen=True)
class DecisionsRead:
    """The decisions file as read: its decisions, or why it cannot be read (then none)."""

    decisions: tuple[Decision, ...]
    error: str | None = None


@lru_cache(maxsize=2)
def _decisions(path: Path, stamp: FileStamp) -> DecisionsRead:
    try:
        return DecisionsRead(read_decisions(path))
    except DecisionError as error:
        return DecisionsRead((), str(error))


def load_decisions(path: Path) -> DecisionsRead:
    """The decisions file as it is now, parsed again only when it changed."""
    return _decisions(path, file_stamp(path))

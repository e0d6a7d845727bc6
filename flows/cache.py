"""Which results a run may reuse, decided without Prefect: the report cache key and where results live.

A report's tables are cached by what determines them — the file's bytes and name, the
extractor's code, and the Limits — and persisted by the report task (`flows.main`) under the key
`report_cache_key` gives, as one file named by the key in the result folder. Nothing here imports
Prefect, so a run can tell which reports it must read before Prefect is loaded (`flows.readahead`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import extract
from extract.settings import Limits
from extract.sources import file_sha256, report_paths

CACHE_FOLDER = Path(".prefect") / "results"
SOURCE_SUFFIXES: tuple[str, ...] = (".py", ".toml")
FLOWS_DIR = Path(__file__).resolve().parent


def default_workers() -> int:
    """The cores this process may use, so a run keeps every one of them busy."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # platforms without CPU affinity
        return max(1, os.cpu_count() or 1)


def cache_dir_for(curated_dir: Path) -> Path:
    """The default result cache: `.prefect/results` beside the curated folder (itself a symlink, not followed)."""
    return curated_dir.absolute().parent / CACHE_FOLDER


def source_files(root: Path) -> list[Path]:
    """The code and settings files under a package folder, relative to it, in a fixed order."""
    return sorted(
        path.relative_to(root)
        for path in root.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts
    )


def code_digest() -> str:
    """SHA-256 over the extractor's and the flows' source, so any code change invalidates cached results."""
    digest = hashlib.sha256()
    for root in (Path(extract.__file__).parent, FLOWS_DIR):
        for relative in source_files(root):
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update((root / relative).read_bytes())
    return digest.hexdigest()


def code_version() -> str:
    """The package version plus the source digest: computed once per run, in the flow, for every key."""
    return f"{extract.__version__}+{code_digest()}"


def limits_digest(limits: Limits) -> str:
    """A stable hash of the run's Limits (a frozen dataclass whose repr lists every field)."""
    return hashlib.sha256(repr(limits).encode()).hexdigest()


def report_cache_key(path: Path, limits: Limits, code: str) -> str:
    """The key of one report's result: its name and bytes, the code version, the Limits.

    The name is part of it because report_id and source_file are derived from it.
    """
    parts = (path.name, file_sha256(path), code, limits_digest(limits))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def cached_result_exists(results: Path, key: str) -> bool:
    """Whether the result folder holds a result under this key (readable or not: the flow decides)."""
    return (results / key).is_file()


def cache_key_or_none(path: Path, limits: Limits, code: str) -> str | None:
    """A report's cache key; None when the file cannot be read (the task records why)."""
    try:
        return report_cache_key(path, limits, code)
    except OSError:
        return None


@dataclass(frozen=True)
class KeyedReports:
    """A raw folder's reports, in run order, each with its cache key (None: it cannot be read)."""

    keys: dict[Path, str | None]
    code: str
    limits: Limits


def keyed_reports(raw_dir: Path, limits: Limits, code: str | None = None) -> KeyedReports:
    """Every report of a raw folder keyed under these Limits and the code (this code's version by
    default): each file hashed once per run."""
    code = code if code is not None else code_version()
    return KeyedReports({path: cache_key_or_none(path, limits, code) for path in report_paths(raw_dir)}, code, limits)

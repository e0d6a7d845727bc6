"""Which files of a raw folder are reports, and a file's identity: the one place that decides both.

An entry that resolves outside the raw folder (a symlink to /etc/passwd, say) is never read: it
is listed apart, so the summary can name it.

The flow lists its work here, the readers record a file's digest from here, and the result cache
keys a report by the same digest, so a report is identified the same way at every stage.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

TEXT_SUFFIXES: tuple[str, ...] = (".txt", ".text")
PDF_SUFFIXES: tuple[str, ...] = (".pdf",)
REPORT_SUFFIXES: tuple[str, ...] = PDF_SUFFIXES + TEXT_SUFFIXES
READ_CHUNK_BYTES = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks so a large file is never held whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(READ_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def report_paths(raw_dir: Path) -> list[Path]:
    """The report files of raw_dir, sorted by name so runs list them in the same order."""
    return sorted(path for path in visible_files(raw_dir) if is_report_file(path))


def skipped_paths(raw_dir: Path) -> list[Path]:
    """Visible files of raw_dir that are not reports, so the summary can name them."""
    return sorted(path for path in visible_files(raw_dir) if not is_report_file(path))


def outside_paths(raw_dir: Path) -> list[Path]:
    """Visible entries of raw_dir that resolve outside it (a link to a system file, say): never read, named instead."""
    return sorted(path for path in visible_entries(raw_dir) if not resolves_inside(path, raw_dir))


def visible_entries(raw_dir: Path) -> list[Path]:
    """The entries of raw_dir whose names do not start with a dot."""
    return [path for path in raw_dir.iterdir() if not path.name.startswith(".")]


def visible_files(raw_dir: Path) -> list[Path]:
    """The visible regular files of raw_dir that resolve inside it: the only files a run reads."""
    return [path for path in visible_entries(raw_dir) if path.is_file() and resolves_inside(path, raw_dir)]


def resolves_inside(path: Path, raw_dir: Path) -> bool:
    """Whether a path, its links followed, stays within raw_dir (itself resolved, so raw/ may be a link)."""
    return path.resolve().is_relative_to(raw_dir.resolve())


def is_report_file(path: Path) -> bool:
    """Whether a file's suffix is one a reader takes."""
    return path.suffix.lower() in REPORT_SUFFIXES

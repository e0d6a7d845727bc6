"""The run lock: one run at a time per curated folder, from before it reads anything until it has published.

For `curated_dir = out/curated` the lock is `out/.curated.lock` (the kernel's flock, through
filelock), beside the folder so it survives snapshot swaps, and `out/.curated.lock.owner` says
who holds it (pid and start time), since filelock truncates the lock file. A run killed with
SIGKILL cannot release anything, but the kernel frees its flock at once; the owner record it
leaves behind is how the next run knows it took over from a killed one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import filelock

from extract.errors import describe_os_error


class PublishError(RuntimeError):
    """Publishing could not happen; the message says why in one line, and the CLI prints it as is."""


class PublishLocked(PublishError):
    """Another run holds the lock on this curated folder."""

    def __init__(self, curated_dir: Path, pid: int | None, since: str | None):
        holder = f"pid {pid}, started {since}" if pid is not None and since else "its pid is not recorded"
        super().__init__(f"another run is using {curated_dir}/ ({holder}); try again when it ends")
        self.curated_dir = curated_dir
        self.pid = pid
        self.since = since


class PublishFailed(PublishError):
    """The file system refused a step (disk full, read-only, permission): what and where, in one line."""


@dataclass(frozen=True)
class StaleHolder:
    """A run that ended without releasing the lock (killed): the lock was free, its record was left."""

    pid: int | None
    since: str | None

    def __str__(self) -> str:
        return f"pid {self.pid}, started {self.since}" if self.pid is not None else "pid not recorded"


def lock_path(curated_dir: Path) -> Path:
    """The lock file guarding curated_dir, beside it so it survives snapshot swaps."""
    return curated_dir.parent / f".{curated_dir.name}.lock"


def lock_owner_path(curated_dir: Path) -> Path:
    """The sidecar saying which process holds the lock (filelock truncates the lock file)."""
    return curated_dir.parent / f".{curated_dir.name}.lock.owner"


_held_locks: dict[Path, int] = {}


def _read_lock_owner(curated_dir: Path) -> tuple[int | None, str | None] | None:
    """The recorded holder's pid and start time; None when no record is left, Nones when it is unreadable."""
    try:
        text = lock_owner_path(curated_dir).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return (None, None)
    try:
        owner = json.loads(text)
        return int(owner["pid"]), str(owner["since"])
    except (ValueError, KeyError, TypeError):
        return (None, None)


def _write_lock_owner(curated_dir: Path) -> None:
    """Record this process as the holder so a second run can say who it is waiting for (written whole, then renamed)."""
    since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    owner_path = lock_owner_path(curated_dir)
    written = owner_path.with_name(f"{owner_path.name}.{os.getpid()}")
    try:
        written.write_text(json.dumps({"pid": os.getpid(), "since": since}), encoding="utf-8")
        os.replace(written, owner_path)
    finally:
        written.unlink(missing_ok=True)


def _acquire(curated_dir: Path) -> tuple[filelock.BaseFileLock, StaleHolder | None]:
    """Take the lock at once or raise PublishLocked; an OS error becomes PublishFailed naming the file."""
    lock = filelock.FileLock(lock_path(curated_dir), timeout=0)
    try:
        curated_dir.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except filelock.Timeout:
        raise PublishLocked(curated_dir, *(_read_lock_owner(curated_dir) or (None, None))) from None
    except OSError as error:
        raise PublishFailed(f"cannot lock {curated_dir}/: {describe_os_error(error, lock_path(curated_dir))}") from None
    left = _read_lock_owner(curated_dir)
    try:
        _write_lock_owner(curated_dir)
    except OSError as error:
        lock.release()
        raise PublishFailed(f"cannot lock {curated_dir}/: {describe_os_error(error, lock_owner_path(curated_dir))}") from None
    return lock, None if left is None else StaleHolder(*left)


@contextmanager
def run_lock(curated_dir: Path) -> Iterator[StaleHolder | None]:
    """Hold the lock on curated_dir for a whole run, so two runs cannot interleave; re-entrant in one process.

    The lock is the kernel's (flock), so a killed run's lock is free at once; its owner record is
    left behind, and is what this yields: the stale holder taken over, or None.
    """
    key = curated_dir.absolute()
    if _held_locks.get(key, 0) > 0:
        _held_locks[key] += 1
        try:
            yield None
        finally:
            _held_locks[key] -= 1
        return
    lock, stale = _acquire(curated_dir)
    _held_locks[key] = 1
    try:
        yield stale
    finally:
        _held_locks.pop(key, None)
        lock_owner_path(curated_dir).unlink(missing_ok=True)
        lock.release()

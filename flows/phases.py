"""Where a run's seconds go: each process of a run appends its phases to one file, when asked.

With `EVIDENCE_EXTRACT_PHASES=FILE` set, the run's own process (imports, read-ahead, flow,
publish, server stop) and its temporary server (database, server start) append one JSON line per
phase to FILE: its name, wall-clock start and end (Unix seconds) and a detail. Phases overlap —
the server starts while reports are parsed — so they are kept as intervals, not as a sum;
`bench/run.py` prints them, one line each, against the run's start. Without the variable nothing
is recorded and nothing is written.

Nothing here imports Prefect or pandas: the CLI imports it first thing, before the flow.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

PHASES_VARIABLE = "EVIDENCE_EXTRACT_PHASES"
_write_lock = threading.Lock()


@dataclass(frozen=True)
class Phase:
    """One interval of a run: what ran, from when to when (Unix seconds), in which process."""

    name: str
    start: float
    end: float
    detail: str = ""
    pid: int = 0

    @property
    def seconds(self) -> float:
        return self.end - self.start


def phases_file() -> Path | None:
    """The file phases go to, or None when nobody asked for them."""
    value = os.environ.get(PHASES_VARIABLE)
    return Path(value) if value else None


def record(name: str, start: float, end: float, detail: str = "") -> None:
    """Append one phase to the run's phases file, if there is one (one short line: appends stay whole)."""
    target = phases_file()
    if target is None:
        return
    line = json.dumps(asdict(Phase(name, start, end, detail, os.getpid()))) + "\n"
    with _write_lock, open(target, "a", encoding="utf-8") as handle:
        handle.write(line)


@contextmanager
def phase(name: str, detail: str = "") -> Iterator[None]:
    """Record the enclosed block as one phase (also when it raises)."""
    start = time.time()
    try:
        yield
    finally:
        record(name, start, time.time(), detail)


def read_phases(path: Path) -> list[Phase]:
    """Every phase a run recorded, in the order of their start."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return sorted((Phase(**json.loads(line)) for line in lines if line.strip()), key=lambda p: p.start)

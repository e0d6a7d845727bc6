"""Peak memory of one parsing worker, measured inside the isolation process that reads the report.

Kept apart from `bench.measure` so the worker importing it does not also import pandas or
Prefect: the figure is the parsing process's own footprint, as a flow's isolation worker has it.
"""

from __future__ import annotations

import pickle
import resource
from pathlib import Path

import psutil

from extract.extraction import extract_for_transfer
from extract.settings import Limits

MIB = 1024 * 1024


def extraction_rss_mib(path: Path, limits: Limits) -> tuple[float, float, float]:
    """Resident memory of this process before reading path, its peak after, and the size of what the read returns (pickled), in MiB.

    The last figure is what the extraction has to hold however it reads: the report's blocks and
    rows. Peak memory that grows with the page count by about that much is flat working memory.
    """
    before = psutil.Process().memory_info().rss / MIB
    extraction = extract_for_transfer(path, limits)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return before, peak, len(pickle.dumps(extraction)) / MIB

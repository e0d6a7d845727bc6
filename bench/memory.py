"""Peak memory of one extraction, measured inside the isolation worker that performs it.

Kept apart from `bench.measure` so the worker importing it does not also import Prefect: the
figure is the parsing process's own footprint.
"""

from __future__ import annotations

import resource
from datetime import datetime, timezone
from pathlib import Path

import psutil

from extract.pipeline import extract_report, report_tables
from extract.settings import Limits
from extract.validate import validate_report

EXTRACTED_AT = datetime(2024, 1, 1, tzinfo=timezone.utc)
MIB = 1024 * 1024


def extraction_rss_mib(path: Path, limits: Limits) -> tuple[float, float]:
    """Resident memory of this process before extracting path, and its peak after, in MiB."""
    before = psutil.Process().memory_info().rss / MIB
    validated_studies(path, limits)
    return before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def validated_studies(path: Path, limits: Limits) -> int:
    """Our whole extraction of one report under explicit Limits (long reports need a longer budget)."""
    extraction = extract_report(path, limits)
    return len(validate_report(report_tables(extraction, "bench", EXTRACTED_AT), extraction)["studies"])



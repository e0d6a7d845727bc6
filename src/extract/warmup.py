"""Imported by the isolation forkserver (`isolation.WORKER_PRELOAD`): loads, once, what the first
extraction of every forked worker would otherwise load again.

Each report is read in a process forked from that server; modules and caches loaded lazily on
first use (pandera's backends and schemas, the word list) would be loaded again by every worker
— seconds per report. Validating one empty report here, at import, loads them before the fork.
"""

from __future__ import annotations

from datetime import datetime, timezone

from extract.model import Document, Extraction, ReportMeta
from extract.pipeline import report_tables
from extract.text import is_word
from extract.validate import validate_report

WARMUP_AT = datetime(2000, 1, 1, tzinfo=timezone.utc)


def warm_up() -> None:
    """Validate an empty report and look up one word, for their lazily loaded modules and caches."""
    empty = Extraction(Document("warmup", "warmup.txt", "text", "", ()), ReportMeta(), ())
    validate_report(report_tables(empty, "warmup", WARMUP_AT), empty)
    is_word("report")


warm_up()

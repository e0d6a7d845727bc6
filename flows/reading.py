"""One report read and validated inside its isolation process: the body of the cached report task.

Kept free of Prefect so the isolation process (forked from a server that preloaded the
extractor) does not import it: the whole CPU-bound part of a report — parsing, table finding,
shaping and validation — runs in that process, and the task's thread only waits for the result.
That is why a thread pool of N task threads keeps N cores busy: each thread drives one process.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from extract.errors import UnreadableReport
from extract.isolation import run_isolated
from extract.model import Extraction
from extract.pipeline import extract_report, report_tables, unreadable_tables
from extract.readers.guard import classify_exception
from extract.settings import Limits
from extract.validate import validate_report


@dataclass(frozen=True)
class ReadReport:
    """What the cached task keeps of one report: everything decisions need, nothing they change.

    `tables` are before validation and `validated` after it; `extraction` is None for a file
    that could not be read, whose `validated` tables hold only its failure row.
    """

    report_id: str
    tables: dict[str, pd.DataFrame]
    validated: dict[str, pd.DataFrame]
    extraction: Extraction | None = None


def without_page_geometry(extraction: Extraction) -> Extraction:
    """The extraction without its pages' words and rulings: tables are found, and caching them is costly."""
    return dataclasses.replace(extraction, document=dataclasses.replace(extraction.document, pages=()))


def validated_read(path: Path, limits: Limits, extractor_version: str, extracted_at: datetime) -> ReadReport:
    """Read, shape and validate one report; runs in the isolation process."""
    extraction = extract_report(path, limits)
    tables = report_tables(extraction, extractor_version, extracted_at)
    validated = validate_report(tables, extraction)
    return ReadReport(path.stem, tables, validated, without_page_geometry(extraction))


def read_report(path: Path, limits: Limits, extractor_version: str, extracted_at: datetime) -> ReadReport:
    """One report read and validated, or its report-level failure row when it cannot be read.

    Everything runs in a worker process with the time budget of `limits`, so a file that hangs
    a parser or exhausts memory is stopped and recorded instead of stopping the batch.
    """
    try:
        return run_isolated(
            validated_read, path, limits, extractor_version, extracted_at,
            timeout_s=limits.timeout_s, source_file=path.name,
        )
    except UnreadableReport as unreadable:
        return ReadReport(path.stem, {}, unreadable_tables(unreadable))
    except Exception as error:  # any bug or bad input becomes this report's failure, not the run's
        return ReadReport(path.stem, {}, unreadable_tables(classify_exception(error, path)))

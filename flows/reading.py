"""One report parsed in its isolation process, then shaped and validated: the body of the report task.

The parsing — the PDF or text reader, table finding, cleanup — runs in an isolation process
forked from a server that preloaded only the extractor (no pandas, no Prefect), so that process
stays small and can be stopped at the time budget. It sends back the Extraction (plain frozen
dataclasses, without page geometry). Shaping it into DataFrames and validating it (a large share
of a report's work, see bench/RESULTS.md) run, on a local run, in one of as many long-lived validation processes as
there are workers — so N task threads keep N cores busy and the flow's own process, bound by one
GIL, does only the orchestration; on a Dask worker they run in the task's thread.
"""

from __future__ import annotations

import multiprocessing
import pickle
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from extract.errors import UnreadableReport
from extract.extraction import extract_for_transfer
from extract.isolation import run_isolated
from extract.lifeline import lifeline, watch
from extract.model import Extraction
from extract.readers.guard import classify_exception
from extract.review.decisions import Decision, decisions_for
from extract.settings import Limits
from flows import phases

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ReadReport:
    """What the cached task keeps of one report: everything decisions need, nothing they change.

    `undecided` is the published tables when no steward has decided anything about the report
    (as plain object columns, the form `combine` joins and types once), so an unchanged report
    with no decisions costs a lookup. `validated` (validation's result) and `extraction` (None
    for a file that could not be read, whose tables hold only its failure row) are kept pickled
    (`decision_inputs`) and unpickled on first use: only a report a decision touches needs them,
    and a re-run reading every report back from the cache would otherwise unpickle them all. The
    tables before validation are not kept: `decided_tables` rebuilds them from the extraction
    (exactly, with the original timestamp) for the rare report a decision touches.
    """

    report_id: str
    undecided: dict[str, pd.DataFrame]
    decision_inputs: bytes  # pickled (validated, extraction)
    extractor_version: str = ""
    extracted_at: datetime | None = None

    @classmethod
    def made(
        cls,
        report_id: str,
        validated: dict[str, pd.DataFrame],
        undecided: dict[str, pd.DataFrame],
        extraction: Extraction | None = None,
        extractor_version: str = "",
        extracted_at: datetime | None = None,
    ) -> ReadReport:
        """A ReadReport from its parts, the validated tables and the extraction pickled away."""
        inputs = pickle.dumps((validated, extraction), protocol=pickle.HIGHEST_PROTOCOL)
        return cls(report_id, undecided, inputs, extractor_version, extracted_at)

    @cached_property
    def _decision_inputs(self) -> tuple[dict[str, pd.DataFrame], Extraction | None]:
        return pickle.loads(self.decision_inputs)

    @property
    def validated(self) -> dict[str, pd.DataFrame]:
        """Validation's result, before any decision."""
        return self._decision_inputs[0]

    @property
    def extraction(self) -> Extraction | None:
        """What was read (without page geometry); None for a file that could not be read."""
        return self._decision_inputs[1]

    def __getstate__(self) -> dict[str, object]:
        """Pickled without what was unpickled on use: the bytes hold it already."""
        return {name: value for name, value in self.__dict__.items() if name != "_decision_inputs"}


def validated_read(extraction: Extraction, extractor_version: str, extracted_at: datetime) -> ReadReport:
    """Shape one extraction into its tables, validate them, and settle them without decisions.

    pandas and pandera are imported here, where they are used: a run that validates nothing
    (every report cached) or validates in processes of its own never loads pandera.
    """
    from extract.datasets import report_tables
    from extract.review.apply import decide_report
    from extract.validate import validate_report

    tables = report_tables(extraction, extractor_version, extracted_at)
    validated = validate_report(tables, extraction)
    undecided = decide_report(tables, extraction, (), validate_report, validated=validated)
    return ReadReport.made(
        extraction.document.report_id, validated, undecided, extraction, extractor_version, extracted_at
    )


def unreadable_read(report_id: str, error: UnreadableReport) -> ReadReport:
    """The ReadReport of a file that could not be read: its one failure row."""
    from extract.datasets import unreadable_tables
    from extract.review.apply import decide_unreadable

    failed = unreadable_tables(error)
    return ReadReport.made(report_id, failed, decide_unreadable(failed, report_id, ()))


def decided_tables(read: ReadReport, decisions: Sequence[Decision]) -> dict[str, pd.DataFrame]:
    """One report's published tables: its validated tables with the stewards' decisions applied."""
    mine = decisions_for(decisions, [read.report_id])
    if not mine:
        return read.undecided
    from extract.datasets import report_tables
    from extract.review.apply import decide_report, decide_unreadable
    from extract.validate import validate_report

    if read.extraction is None or read.extracted_at is None:
        return decide_unreadable(read.validated, read.report_id, mine)
    before = report_tables(read.extraction, read.extractor_version, read.extracted_at)
    return decide_report(before, read.extraction, mine, validate_report, validated=read.validated)


@cache
def validation_processes(count: int) -> ProcessPoolExecutor:
    """`count` long-lived processes that shape and validate extractions, started once per process.

    Each watches this process's lifeline, so none is left waiting for work when this process is
    killed (a pool's processes hold their own end of the task queue and would wait for ever).
    """
    return ProcessPoolExecutor(
        max_workers=count, mp_context=multiprocessing.get_context("spawn"),
        initializer=warm_validation, initargs=(lifeline(),),
    )


def warm_validation(caller_lifeline: Connection | None = None) -> None:
    """Load pandas, pandera, the validation modules and the table schemas once, when a validation process starts.

    Pandera builds a model's schema on first use, importing its optional backends then (Dask,
    here: over a second); built at start, that cost overlaps the first report's parsing instead
    of being added to it. The caller's lifeline is watched first, so a process still starting
    also stops with its caller.
    """
    if caller_lifeline is not None:
        watch(caller_lifeline)
        caller_lifeline.close()
    import extract.warmup  # noqa: F401  (the word list the leftover-artifact check looks words up in)
    from extract.schemas import ContractTable
    from extract.validate import validate_report  # noqa: F401

    for model in ContractTable.__subclasses__():
        model.to_schema()


def validated_elsewhere(
    extraction: Extraction, extractor_version: str, extracted_at: datetime, validators: int
) -> ReadReport:
    """validated_read in a validation process when `validators` > 0, else in this thread.

    A pool broken by a crashed process is replaced, and this report validated here instead.
    """
    started = time.time()
    try:
        if validators < 1:
            return validated_read(extraction, extractor_version, extracted_at)
        try:
            return validation_processes(validators).submit(validated_read, extraction, extractor_version, extracted_at).result()
        except BrokenProcessPool:
            validation_processes.cache_clear()
            return validated_read(extraction, extractor_version, extracted_at)
    finally:
        where = f"in {validators} validation processes" if validators else "in the flow's process"
        phases.record("validate", started, time.time(), f"{extraction.document.source_file} {where}")


def read_report(
    path: Path, limits: Limits, extractor_version: str, extracted_at: datetime, validators: int = 0
) -> ReadReport:
    """One report read and validated, or its report-level failure row when it cannot be read.

    Reading runs in a worker process with the time budget of `limits`, so a file that hangs a
    parser or exhausts memory is stopped and recorded instead of stopping the batch. With
    `validators` > 0 the shaping and validation run in that many long-lived processes.
    """
    try:
        with phases.phase("parse", path.name):
            extraction = run_isolated(
                extract_for_transfer, path, limits, timeout_s=limits.timeout_s, source_file=path.name
            )
        return validated_elsewhere(extraction, extractor_version, extracted_at, validators)
    except UnreadableReport as unreadable:
        return unreadable_read(path.stem, unreadable)
    except Exception as error:  # any bug or bad input becomes this report's failure, not the run's
        return unreadable_read(path.stem, classify_exception(error, path))

"""One report's extraction shaped into the contract's tables, and every report's tables joined for publishing.

`report_tables` builds one report's tables before validation; `combine` joins every report's
validated tables into the typed, sorted frames that are published. No Prefect here: the flow
calls these functions, and tests call them directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from extract.casts import as_utc, with_column_types
from extract.errors import UnreadableReport
from extract.model import Document, Extraction, Failure, ReportMeta
from extract.links import linked_studies, references_frame, study_index_frame
from extract.rows import cell_provenance, study_records
from extract.tables_spec import CRITERIA, STUDY_COLUMNS, TABLES, failure_record


def report_tables(
    extraction: Extraction, extractor_version: str, extracted_at: datetime
) -> dict[str, pd.DataFrame]:
    """Shape one extraction into the contract's tables, so validation sees what will be published.

    `extraction.failures` are left to `validate_report`, which adds them to validation_failures.
    """
    report_id = extraction.document.report_id
    references = extraction.meta.references
    studies = with_column_types(
        linked_studies(studies_frame(study_records(report_id, extraction.tables)), references), STUDY_COLUMNS
    )
    return {
        "studies": studies,
        "references": references_frame(report_id, references),
        "provenance": typed_frame(
            [{"report_id": report_id, **place} for place in cell_provenance(report_id, extraction.tables)],
            "provenance",
        ),
        "reports": reports_frame(
            extraction.document, extraction.meta, len(studies), extractor_version, extracted_at
        ),
        "selection_criteria": selection_criteria_frame(report_id, extraction.meta),
        "abbreviations": abbreviations_frame(report_id, extraction.meta),
    }


def studies_frame(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Study records as a frame: contract columns in order, then any further columns the rows carry."""
    further = sorted({key for record in records for key in record} - set(STUDY_COLUMNS))
    frame = pd.DataFrame([dict(record) for record in records], columns=[*STUDY_COLUMNS, *further])
    return with_column_types(frame, STUDY_COLUMNS)


def reports_frame(
    document: Document,
    meta: ReportMeta,
    n_studies: int,
    extractor_version: str,
    extracted_at: datetime,
) -> pd.DataFrame:
    """The report's one row: provenance, what it says about itself, and when it was extracted."""
    row = {
        "report_id": document.report_id,
        "source_file": Path(document.source_file).name,
        "source_sha256": document.source_sha256,
        "source_format": document.source_format,
        "title": meta.title,
        "publication_date": meta.publication_date,
        "research_questions": "\n".join(meta.research_questions) or None,
        "search_start": meta.search_start,
        "search_end": meta.search_end,
        "n_studies": n_studies,
        "pages": document.n_pages,
        "extractor_version": extractor_version,
        "extracted_at": as_utc(extracted_at),
        "languages": "\n".join(meta.languages) or None,
        "databases": "\n".join(meta.databases) or None,
        "declared_counts": json.dumps(dict(meta.declared_counts), sort_keys=True),
        "summary_counts": json.dumps(dict(meta.summary_counts), sort_keys=True),
    }
    return with_column_types(pd.DataFrame([row]), TABLES["reports"].kinds)


def selection_criteria_frame(report_id: str, meta: ReportMeta) -> pd.DataFrame:
    """One row per selection criterion the report states."""
    rows = [
        {"report_id": report_id, "criterion": criterion, "text": text}
        for criterion, text in meta.selection_criteria.items()
    ]
    return typed_frame(rows, "selection_criteria")


def abbreviations_frame(report_id: str, meta: ReportMeta) -> pd.DataFrame:
    """One row per abbreviation the report defines."""
    rows = [
        {"report_id": report_id, "abbreviation": abbreviation, "expansion": expansion}
        for abbreviation, expansion in meta.abbreviations.items()
    ]
    return typed_frame(rows, "abbreviations")


def failures_as_frame(failures: Iterable[Failure]) -> pd.DataFrame:
    """Failures as a validation_failures frame, typed even when there are none."""
    return typed_frame([failure_record(failure) for failure in failures], "validation_failures")


def unreadable_failure(error: UnreadableReport) -> Failure:
    """A report-level failure for a file that could not be read, naming file, page and reason."""
    source = Path(error.source_file)
    where = source.name if error.page_no is None else f"{source.name}, page {error.page_no}"
    return Failure(
        check=error.reason,
        message=f"{where}: {error.reason}: {error.message}",
        report_id=source.stem,
        table="reports",
        severity="error",
        page_no=error.page_no,
    )


def unreadable_tables(error: UnreadableReport) -> dict[str, pd.DataFrame]:
    """The tables an unreadable report contributes: its one failure row and nothing else."""
    return {"validation_failures": failures_as_frame([unreadable_failure(error)])}


def combine(per_report: Sequence[Mapping[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Join every report's tables into one frame per table, sorted and typed the same every run; the study index is drawn from the joined studies."""
    names = [*TABLES, *sorted({n for t in per_report for n in t} - set(TABLES))]
    combined = {name: combined_table(name, [t[name] for t in per_report if name in t]) for name in names}
    index = study_index_frame(combined["studies"], combined["references"])
    return {**combined, "study_index": sorted_rows(index, TABLES["study_index"].sort_keys)}


def combined_table(name: str, frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate one table's frames, then type and sort it so output does not depend on order."""
    spec = TABLES.get(name)
    kinds = spec.kinds if spec else {}
    present = [frame for frame in frames if len(frame.columns) > 0]
    if present:
        combined = pd.concat([as_objects(frame) for frame in present], ignore_index=True)
    else:
        combined = pd.DataFrame(columns=list(kinds))
    typed = with_column_types(combined, kinds)
    return sorted_rows(typed, spec.sort_keys if spec else ("report_id",))


def as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with object columns, the one form combine concatenates (typed once, after)."""
    return frame if (frame.dtypes == object).all() else frame.astype(object)


def tables_as_objects(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """One report's tables in the form combine concatenates: cheaper to keep, cache and join."""
    return {name: as_objects(frame) for name, frame in tables.items()}


def sorted_rows(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Sort by the table's stable keys (missing values last), keeping ties in their given order."""
    present = [key for key in keys if key in frame.columns]
    if not present or frame.empty:
        return frame.reset_index(drop=True)
    ordered = frame.sort_values(present, kind="mergesort", na_position="last", key=sort_key)
    return ordered.reset_index(drop=True)


def sort_key(column: pd.Series) -> pd.Series:
    """Criteria sort in the contract's order; every other column sorts by its own values."""
    if column.name != "criterion":
        return column
    rank = {criterion: position for position, criterion in enumerate(CRITERIA)}
    return column.map(lambda value: f"{rank.get(value, len(rank)):02d}:{value}", na_action="ignore")


def typed_frame(rows: Sequence[Mapping[str, Any]], name: str) -> pd.DataFrame:
    """Rows as a frame with exactly the table's columns and types, even when there are no rows."""
    kinds = TABLES[name].kinds
    return with_column_types(pd.DataFrame(list(rows), columns=list(kinds)), kinds)

"""Composes the pure stages for one report, and shapes their output into the contract's tables.

No Prefect here: the flow in `flows/main.py` calls these functions, and tests call them directly.
`report_tables` builds one report's tables before validation; `combine` joins every report's
validated tables into the typed, sorted frames that are published.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from extract.errors import UnreadableReport
from extract.model import Document, Extraction, Failure, ReportMeta, Table
from extract.readers.guard import precheck
from extract.readers.pdf import read_pdf
from extract.readers.text import read_text
from extract.rows import cell_provenance, study_records
from extract.sections import report_meta
from extract.settings import Limits
from extract.tables.blocks import tables_from_blocks
from extract.tables.geometry import tables_from_pages

ColumnKind = Literal["string", "int", "float", "date", "timestamp"]

TEXT_SUFFIXES: tuple[str, ...] = (".txt", ".text")
PDF_SUFFIXES: tuple[str, ...] = (".pdf",)
REPORT_SUFFIXES: tuple[str, ...] = PDF_SUFFIXES + TEXT_SUFFIXES

STUDY_COLUMNS: dict[str, ColumnKind] = {
    "report_id": "string",
    "study_key": "string",
    "ref_no": "int",
    "first_author": "string",
    "year": "int",
    "design": "string",
    "design_label": "string",
    "indication": "string",
    "population": "string",
    "results": "string",
    "authors_conclusions": "string",
    "source_page": "int",
    "table_label": "string",
    "study_design": "string",
    "intervention": "string",
    "comparator": "string",
    "outcomes": "string",
    "extra": "string",
}

# Columns after the contract's: the stewards' audit trail, and where each cell was found.
REVIEW_AUDIT: dict[str, ColumnKind] = {"review_audit": "string"}
PROVENANCE_COLUMNS: dict[str, ColumnKind] = {
    "report_id": "string",
    "study_key": "string",
    "column": "string",
    "page_no": "int",
    "x0": "float",
    "top": "float",
    "x1": "float",
    "bottom": "float",
}

TABLE_COLUMNS: dict[str, dict[str, ColumnKind]] = {
    "studies": {**STUDY_COLUMNS, **REVIEW_AUDIT},
    "quarantine_studies": {**STUDY_COLUMNS, **REVIEW_AUDIT, "quarantine_reason": "string"},
    "reports": {
        "report_id": "string",
        "source_file": "string",
        "source_sha256": "string",
        "source_format": "string",
        "title": "string",
        "publication_date": "date",
        "research_questions": "string",
        "search_start": "date",
        "search_end": "date",
        "n_studies": "int",
        "pages": "int",
        "extractor_version": "string",
        "extracted_at": "timestamp",
        "languages": "string",
        "databases": "string",
        "declared_counts": "string",
        "summary_counts": "string",
    },
    "selection_criteria": {"report_id": "string", "criterion": "string", "text": "string"},
    "abbreviations": {"report_id": "string", "abbreviation": "string", "expansion": "string"},
    "validation_failures": {
        "report_id": "string",
        "table": "string",
        "study_key": "string",
        "ref_no": "int",
        "column": "string",
        "check": "string",
        "severity": "string",
        "failure_case": "string",
        "message": "string",
        "source_page": "int",
        "status": "string",
        "decision": "string",
    },
    "provenance": PROVENANCE_COLUMNS,
}

SORT_KEYS: dict[str, tuple[str, ...]] = {
    "studies": ("report_id", "ref_no", "study_key"),
    "quarantine_studies": ("report_id", "ref_no", "study_key"),
    "reports": ("report_id",),
    "selection_criteria": ("report_id", "criterion"),
    "abbreviations": ("report_id", "abbreviation", "expansion"),
    "provenance": ("report_id", "study_key", "column"),
    "validation_failures": (
        "report_id",
        "table",
        "ref_no",
        "study_key",
        "column",
        "check",
        "severity",
        "message",
    ),
}

CRITERIA_ORDER: tuple[str, ...] = ("population", "intervention", "comparator", "outcomes", "study_designs")

NO_SUMMARY_TABLE = "no_summary_table"


# ---------------------------------------------------------------------------------------------
# One report: read → metadata → tables


def reader_for(path: Path) -> Callable[[Path, Limits], Document]:
    """Pick the reader by file suffix, so a new input format is one entry here."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return read_pdf
    if suffix in TEXT_SUFFIXES:
        return lambda text_path, _limits: read_text(text_path)
    raise UnreadableReport(
        "unsupported_format",
        f"files ending in {suffix or '(no suffix)'} are not read; use .pdf or .txt",
        path.name,
    )


def study_tables(document: Document) -> tuple[Table, ...]:
    """Find the study tables: PDF geometry first, the text-block strategy for text or as fallback."""
    if document.source_format == "pdf":
        found = tables_from_pages(document)
        if found:
            return found
    return tables_from_blocks(document)


def extract_report(path: Path, limits: Limits) -> Extraction:
    """Read one report and find its metadata and study tables; raise when it has no study table."""
    read = reader_for(path)
    precheck(path, limits)
    document = read(path, limits)
    tables = study_tables(document)
    if not any(table.rows for table in tables):
        raise UnreadableReport(
            NO_SUMMARY_TABLE,
            "no summary-of-included-studies table was found",
            Path(document.source_file).name,
        )
    return Extraction(
        document=document, meta=report_meta(document), tables=tables, failures=document.warnings
    )


# ---------------------------------------------------------------------------------------------
# One report's contract tables, before validation


def report_tables(
    extraction: Extraction, extractor_version: str, extracted_at: datetime
) -> dict[str, pd.DataFrame]:
    """Shape one extraction into the contract's tables, so validation sees what will be published.

    `extraction.failures` are left to `validate_report`, which adds them to validation_failures.
    """
    report_id = extraction.document.report_id
    studies = studies_frame(study_records(report_id, extraction.tables))
    return {
        "studies": studies,
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
    return with_column_types(pd.DataFrame([row]), TABLE_COLUMNS["reports"])


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


def failure_row(failure: Failure) -> dict[str, Any]:
    """One Failure in the validation_failures column layout."""
    return {
        "report_id": failure.report_id,
        "table": failure.table,
        "study_key": failure.study_key,
        "ref_no": failure.ref_no,
        "column": failure.column,
        "check": failure.check,
        "severity": failure.severity,
        "failure_case": failure.failure_case,
        "message": failure.message,
        "source_page": failure.page_no,
    }


def failures_as_frame(failures: Iterable[Failure]) -> pd.DataFrame:
    """Failures as a validation_failures frame, typed even when there are none."""
    return typed_frame([failure_row(failure) for failure in failures], "validation_failures")


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


# ---------------------------------------------------------------------------------------------
# Every report: concatenate, sort, fix types


def combine(per_report: Sequence[Mapping[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Join every report's tables into one frame per table, sorted and typed the same every run."""
    names = [*TABLE_COLUMNS, *sorted({n for t in per_report for n in t} - set(TABLE_COLUMNS))]
    return {name: combined_table(name, [t[name] for t in per_report if name in t]) for name in names}


def combined_table(name: str, frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate one table's frames, then type and sort it so output does not depend on order."""
    kinds = TABLE_COLUMNS.get(name, {})
    present = [frame for frame in frames if len(frame.columns) > 0]
    if present:
        combined = pd.concat([frame.astype(object) for frame in present], ignore_index=True)
    else:
        combined = pd.DataFrame(columns=list(kinds))
    typed = with_column_types(combined, kinds)
    return sorted_rows(typed, SORT_KEYS.get(name, ("report_id",)))


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
    rank = {criterion: position for position, criterion in enumerate(CRITERIA_ORDER)}
    return column.map(lambda value: f"{rank.get(value, len(rank)):02d}:{value}", na_action="ignore")


def typed_frame(rows: Sequence[Mapping[str, Any]], name: str) -> pd.DataFrame:
    """Rows as a frame with exactly the table's columns and types, even when there are no rows."""
    kinds = TABLE_COLUMNS[name]
    return with_column_types(pd.DataFrame(list(rows), columns=list(kinds)), kinds)


def with_column_types(frame: pd.DataFrame, kinds: Mapping[str, ColumnKind]) -> pd.DataFrame:
    """Listed columns first with their fixed types, then the others as text, so schemas are stable."""
    listed = list(kinds)
    others = [column for column in frame.columns if column not in kinds]
    columns = {
        column: typed_column(frame[column] if column in frame.columns else None, kinds[column], len(frame))
        for column in listed
    }
    columns.update({column: typed_column(frame[column], "string", len(frame)) for column in others})
    return pd.DataFrame(columns, index=frame.index)[[*listed, *others]]


def typed_column(values: pd.Series | None, kind: ColumnKind, length: int) -> pd.Series:
    """One column cast to its kind: Int64, string, calendar dates, or UTC timestamps."""
    raw = pd.Series([None] * length, dtype=object) if values is None else values.astype(object)
    if kind == "int":
        return pd.Series(pd.array([as_int(v) for v in raw], dtype="Int64"), index=raw.index)
    if kind == "float":
        return pd.Series(pd.array([None if is_missing(v) else float(v) for v in raw], dtype="Float64"), index=raw.index)
    if kind == "date":
        return pd.Series([as_date(v) for v in raw], index=raw.index, dtype=object)
    if kind == "timestamp":
        return pd.Series(pd.to_datetime(raw, utc=True), index=raw.index).astype("datetime64[ns, UTC]")
    return pd.Series([as_text(v) for v in raw], index=raw.index, dtype="string")


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA: the values that become nulls."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def as_int(value: Any) -> int | None:
    """A whole number, or None for a missing value."""
    return None if is_missing(value) else int(value)


def as_date(value: Any) -> date | None:
    """A calendar date from a date, datetime or ISO string; None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_text(value: Any) -> str | None:
    """Text for a string column: JSON for mappings and sequences, str() otherwise."""
    if is_missing(value):
        return None
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def as_utc(moment: datetime) -> datetime:
    """A timezone-aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)

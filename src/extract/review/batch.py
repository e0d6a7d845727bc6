"""One version of the curated tables, indexed once for the page: failures, study rows, cell places, references.

Built when a run publishes new tables (or a references table appears), then reused by every
page load, crop and save until the next one; a page of 25 cards then looks up what it needs
instead of scanning thousands of rows per card.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

from extract.review.decisions import cell_text_or_empty
from extract.review.desk import FailureRecord, failure_records
from extract.review.geometry import Place, located_cells, study_places
from extract.review.references import Reference, reference_index
from extract.review.store import FileStamp, Tables, file_stamp, table_stamps, tables_at
from extract.sources import resolves_inside
from extract.tables_spec import TABLES

STUDY_FIELDS: tuple[str, ...] = tuple(TABLES["quarantine_studies"].kinds)
K = TypeVar("K")
V = TypeVar("V")


class Lazy(Mapping[K, V]):
    """A mapping whose values are made on first use and kept: a page of 25 cards needs a few hundred of thousands."""

    def __init__(self, keys: Mapping[K, object], make: Callable[[K], V]):
        self._keys = keys
        self._make = make
        self._made: dict[K, V] = {}

    def __getitem__(self, key: K) -> V:
        if key not in self._made:
            if key not in self._keys:
                raise KeyError(key)
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True)
class Batch:
    """The curated tables of one run, indexed for the page."""

    tables: Tables
    records: tuple[FailureRecord, ...]
    studies: Mapping[str, Mapping[str, object]]  # study_key → the row, published or quarantined
    places: Mapping[str, tuple[Place, ...]]  # study_key → its cells on the page
    rows_of_table: Mapping[tuple[str, str], tuple[str, ...]]  # (report, table label) → study keys, in report order
    rows_of_report: Mapping[str, tuple[str, ...]]
    reports: Mapping[str, Mapping[str, object]]
    references: Mapping[tuple[str, int], Reference]
    published_at: str  # when the failures table was written (UTC, ISO 8601): what the last run applied

    def table_places(self, key: str) -> dict[str, tuple[Place, ...]]:
        """The cell places of every row of the table a study row belongs to."""
        row = self.studies.get(key, {})
        table = (cell_text_or_empty(row.get("report_id")), cell_text_or_empty(row.get("table_label")))
        return {other: self.places.get(other, ()) for other in self.rows_of_table.get(table, (key,))}

    def declared(self, report_id: str, column: str) -> dict[str, int]:
        """A report's declared or summary study counts by design (`declared_counts` or `summary_counts`)."""
        text = cell_text_or_empty(self.reports.get(report_id, {}).get(column))
        try:
            counts = json.loads(text) if text else {}
        except ValueError:
            return {}
        return counts if isinstance(counts, dict) else {}

    def source_path(self, report_id: str, raw_dir: Path) -> Path | None:
        """The report's source file in raw/ (by the name the run recorded), and only there."""
        name = cell_text_or_empty(self.reports.get(report_id, {}).get("source_file"))
        if not name:
            return None
        candidate = raw_dir / Path(name).name
        return candidate if candidate.is_file() and resolves_inside(candidate, raw_dir) else None


def ordered_studies(studies: pd.DataFrame) -> pd.DataFrame:
    """The study rows with their fields in the curated tables' order, each key once (published rows first)."""
    if studies.empty or "study_key" not in studies:
        return pd.DataFrame({"study_key": pd.Series(dtype=object)})
    ordered = [c for c in STUDY_FIELDS if c in studies.columns] + [c for c in studies.columns if c not in STUDY_FIELDS]
    keys = studies["study_key"].map(cell_text_or_empty)
    return studies.loc[~keys.duplicated(), ordered].assign(study_key=keys).reset_index(drop=True)


def first_positions(values: pd.Series) -> dict[str, int]:
    """Each value's first row position."""
    positions: dict[str, int] = {}
    for position, value in enumerate(values.tolist()):
        positions.setdefault(cell_text_or_empty(value), position)
    return positions


def cell_values(failures: pd.DataFrame, studies: pd.DataFrame, positions: Mapping[str, int]) -> dict[tuple[str, str], str]:
    """The extracted value of each failing cell by (study_key, column), for failures to show and be searched by."""
    if failures.empty or "column" not in failures:
        return {}
    values = {}
    columns = {name: index for index, name in enumerate(studies.columns)}
    for key, column in zip(failures["study_key"].map(cell_text_or_empty), failures["column"].map(cell_text_or_empty)):
        if key in positions and column in columns:
            values[(key, column)] = cell_text_or_empty(studies.iat[positions[key], columns[column]])
    return values


def table_rows(studies: pd.DataFrame) -> tuple[dict[tuple[str, str], tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Study keys by (report, table label) and by report, in the order the report prints them."""
    by_table: dict[tuple[str, str], list[str]] = {}
    by_report: dict[str, list[str]] = {}
    labels = studies["table_label"] if "table_label" in studies else pd.Series([""] * len(studies))
    reports = studies["report_id"] if "report_id" in studies else pd.Series([""] * len(studies))
    for key, report, label in zip(studies["study_key"], reports.map(cell_text_or_empty), labels.map(cell_text_or_empty)):
        by_table.setdefault((report, label), []).append(key)
        by_report.setdefault(report, []).append(key)
    return {k: tuple(v) for k, v in by_table.items()}, {k: tuple(v) for k, v in by_report.items()}


def written_at(stamp: FileStamp) -> str:
    """When a file was last written, in UTC (empty when it does not exist)."""
    if stamp is None:
        return ""
    return datetime.fromtimestamp(stamp[3] / 1e9, timezone.utc).isoformat(timespec="seconds")


@lru_cache(maxsize=2)
def _batch(curated_dir: Path, stamps: tuple[FileStamp, ...]) -> Batch:
    tables = tables_at(curated_dir, stamps)
    studies = ordered_studies(tables.studies)
    positions = first_positions(studies["study_key"])
    cells = located_cells(tables.provenance)
    cell_rows = {str(k): v for k, v in cells.groupby("study_key", sort=False).indices.items()} if len(cells) else {}
    by_table, by_report = table_rows(studies)
    reports = {cell_text_or_empty(r.get("report_id")): r for r in tables.reports.to_dict("records")} if not tables.reports.empty else {}
    return Batch(
        tables=tables,
        records=failure_records(tables.failures, cell_values(tables.failures, studies, positions)),
        studies=Lazy(positions, lambda key: studies.iloc[positions[key]].to_dict()),
        places=Lazy(cell_rows, lambda key: study_places(cells, cell_rows[key])),
        rows_of_table=by_table,
        rows_of_report=by_report,
        reports=reports,
        references=reference_index(tables.references),
        published_at=written_at(file_stamp(curated_dir / "validation_failures.parquet")),
    )


def load_batch(curated_dir: Path) -> Batch:
    """The curated folder's tables as they are now, indexed; indexed again only when a file changed."""
    return _batch(curated_dir, table_stamps(curated_dir))

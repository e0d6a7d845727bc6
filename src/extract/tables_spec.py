"""Every curated table declared once: its grain, its columns in order with their kinds, its sort keys.

The pipeline types and sorts its frames from here, publish derives each file's path and Arrow
schema from here, and the data dictionary takes each table's grain from here. The pandera models
in `extract.schemas` add the contract's rules (nullability, allowed values, ranges) to the
contract and optional columns declared here; a test keeps their column lists equal to these.

A column's role says who promises it: `contract` columns are listed in the data contract and
always present; `optional` ones are names the contract reserves for columns some reports have;
`extension` columns are ours (the stewards' audit trail, run bookkeeping, provenance) and follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from extract.model import Failure

ColumnKind = Literal["string", "int", "float", "date", "timestamp"]
ColumnRole = Literal["contract", "optional", "extension"]

CONTRACT_VERSION = "1.1"

# The lists a reference can be in: References Summarized, or the appendix of further references.
REFERENCE_SECTIONS: tuple[str, ...] = ("summarized", "additional")

# Each contract design as a reader names it: (singular, plural).
DESIGN_NAMES: Mapping[str, tuple[str, str]] = {
    "health_technology_assessment": ("health technology assessment", "health technology assessments"),
    "systematic_review": ("systematic review", "systematic reviews"),
    "meta_analysis": ("meta-analysis", "meta-analyses"),
    "randomized_controlled_trial": ("randomized controlled trial", "randomized controlled trials"),
    "non_randomized_study": ("non-randomized study", "non-randomized studies"),
    "prospective_observational": ("prospective observational study", "prospective observational studies"),
    "retrospective_observational": ("retrospective observational study", "retrospective observational studies"),
    "guideline": ("guideline", "guidelines"),
    "economic_evaluation": ("economic evaluation", "economic evaluations"),
    "other": ("study of another design", "studies of other designs"),
}
# The contract's selection criteria, in the order it lists them and rows are sorted by.
CRITERIA: tuple[str, ...] = ("population", "intervention", "comparator", "outcomes", "study_designs")


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its name, the kind its values are cast to, and who promises it."""

    name: str
    kind: ColumnKind
    role: ColumnRole


@dataclass(frozen=True)
class TableSpec:
    """One curated table: what a row is, its columns in order, how rows sort, where it is written."""

    name: str
    grain: str
    columns: tuple[ColumnSpec, ...]
    sort_keys: tuple[str, ...]
    path: str  # the file stem under the curated folder, e.g. `quarantine/studies`

    @property
    def kinds(self) -> dict[str, ColumnKind]:
        """Every declared column's kind, in table order."""
        return {column.name: column.kind for column in self.columns}

    @property
    def contract_columns(self) -> tuple[str, ...]:
        """The columns the contract lists for this table, which lead every file in this order."""
        return self.column_names("contract")

    def column_names(self, *roles: ColumnRole) -> tuple[str, ...]:
        """The names of the columns with one of the given roles, in table order."""
        return tuple(column.name for column in self.columns if column.role in roles)


def columns(role: ColumnRole, kinds: Mapping[str, ColumnKind]) -> tuple[ColumnSpec, ...]:
    """Columns sharing one role, in the given order, so each table reads as a few short lists."""
    return tuple(ColumnSpec(name, kind, role) for name, kind in kinds.items())


STUDY_CONTRACT_COLUMNS = columns(
    "contract",
    {
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
        "pmid": "string",
        "doi": "string",
        "reference_text": "string",
        "study_id": "string",
    },
)
STUDY_OPTIONAL_COLUMNS = columns(
    "optional",
    {
        "study_design": "string",
        "intervention": "string",
        "comparator": "string",
        "outcomes": "string",
        "extra": "string",
    },
)
REVIEW_AUDIT_COLUMNS = columns("extension", {"review_audit": "string"})
STUDY_SORT_KEYS: tuple[str, ...] = ("report_id", "ref_no", "study_key")

_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        name="studies",
        grain="One row per included study of a report (also the shape of `quarantine/studies`).",
        columns=(*STUDY_CONTRACT_COLUMNS, *STUDY_OPTIONAL_COLUMNS, *REVIEW_AUDIT_COLUMNS),
        sort_keys=STUDY_SORT_KEYS,
        path="studies",
    ),
    TableSpec(
        name="quarantine_studies",
        grain="One row per included study held back by an error-severity failure, "
        "with the columns of studies.",
        columns=(
            *STUDY_CONTRACT_COLUMNS,
            *STUDY_OPTIONAL_COLUMNS,
            *REVIEW_AUDIT_COLUMNS,
            *columns("extension", {"quarantine_reason": "string"}),
        ),
        sort_keys=STUDY_SORT_KEYS,
        path="quarantine/studies",
    ),
    TableSpec(
        name="reports",
        grain="One row per source report.",
        columns=(
            *columns(
                "contract",
                {
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
                },
            ),
            *columns(
                "extension",
                {
                    "languages": "string",
                    "databases": "string",
                    "declared_counts": "string",
                    "summary_counts": "string",
                },
            ),
        ),
        sort_keys=("report_id",),
        path="reports",
    ),
    TableSpec(
        name="selection_criteria",
        grain="One row per selection criterion of a report.",
        columns=columns("contract", {"report_id": "string", "criterion": "string", "text": "string"}),
        sort_keys=("report_id", "criterion"),
        path="selection_criteria",
    ),
    TableSpec(
        name="abbreviations",
        grain="One row per abbreviation a report defines.",
        columns=columns(
            "contract", {"report_id": "string", "abbreviation": "string", "expansion": "string"}
        ),
        sort_keys=("report_id", "abbreviation", "expansion"),
        path="abbreviations",
    ),
    TableSpec(
        name="references",
        grain="One row per numbered entry of a report's reference lists: References Summarized "
        "and the appendix of further references.",
        columns=(
            *columns(
                "contract",
                {
                    "report_id": "string",
                    "ref_no": "int",
                    "section": "string",
                    "group": "string",
                    "text": "string",
                    "first_author": "string",
                    "authors": "string",
                    "year": "int",
                    "title": "string",
                    "journal": "string",
                    "volume": "string",
                    "issue": "string",
                    "pages": "string",
                    "pmid": "string",
                    "doi": "string",
                    "url": "string",
                },
            ),
            *columns("extension", {"source_page": "int"}),
        ),
        sort_keys=("report_id", "ref_no", "section"),
        path="references",
    ),
    TableSpec(
        name="study_index",
        grain="One row per study_id: one study across every report that summarises it.",
        columns=(
            *columns(
                "contract",
                {
                    "study_id": "string",
                    "report_ids": "string",
                    "n_reports": "int",
                    "design_labels": "string",
                    "populations": "string",
                },
            ),
            *columns(
                "extension",
                {
                    "designs": "string",
                    "n_designs": "int",
                    "first_author": "string",
                    "year": "int",
                    "title": "string",
                    "pmid": "string",
                    "doi": "string",
                },
            ),
        ),
        sort_keys=("study_id",),
        path="study_index",
    ),
    TableSpec(
        name="validation_failures",
        grain="One row per failed check; nothing is silently dropped.",
        columns=(
            *columns(
                "contract",
                {
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
                },
            ),
            *columns("extension", {"status": "string", "decision": "string"}),
        ),
        sort_keys=(
            "report_id",
            "table",
            "ref_no",
            "study_key",
            "column",
            "check",
            "severity",
            "message",
        ),
        path="validation_failures",
    ),
    TableSpec(
        name="provenance",
        grain="One row per cell of a study row: the page and box its text was read from.",
        columns=columns(
            "extension",
            {
                "report_id": "string",
                "study_key": "string",
                "column": "string",
                "page_no": "int",
                "x0": "float",
                "top": "float",
                "x1": "float",
                "bottom": "float",
            },
        ),
        sort_keys=("report_id", "study_key", "column"),
        path="provenance",
    ),
)

TABLES: dict[str, TableSpec] = {table.name: table for table in _TABLES}

# Views derived from TABLES, for code that needs only names and kinds.
TABLE_COLUMNS: dict[str, dict[str, ColumnKind]] = {name: table.kinds for name, table in TABLES.items()}
STUDY_COLUMNS: dict[str, ColumnKind] = {
    column.name: column.kind for column in (*STUDY_CONTRACT_COLUMNS, *STUDY_OPTIONAL_COLUMNS)
}


def failure_record(failure: Failure) -> dict[str, Any]:
    """One Failure renamed into the validation_failures contract columns (page_no → source_page)."""
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

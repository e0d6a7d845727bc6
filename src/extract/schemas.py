"""The curated data contract's rules as code: one pandera model per checked curated table.

Tables, their grain, columns, kinds and order are declared once in `extract.tables_spec`; each
model adds the rules for the contract and optional columns declared there (nullability, allowed
values, ranges, uniqueness) and every column's meaning in its `description`, so the data
dictionary (`extract.dictionary`) is generated from both and cannot drift. A test keeps each
model's columns equal to its table's. `schema_failures` turns pandera's lazily collected failure
cases into `Failure` values with stable check codes, so the steward never sees pandera's
internal check names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series

from extract.casts import cell_int, cell_text, present
from extract.contract_types import ContractTable, DateColumn, IntColumn, StringColumn, UtcTimestampColumn
from extract.casts import is_missing as is_missing  # checks.py reads cells through this module
from extract.model import Failure
from extract.fields import DESIGNS
from extract.reference_models import PMID_PATTERN, ReferencesModel, StudyIndexModel
from extract.tables_spec import CRITERIA

SEVERITIES: tuple[str, ...] = ("error", "warning")
SOURCE_FORMATS: tuple[str, ...] = ("pdf", "text")
YEAR_MIN = 1900
YEAR_MAX = date.today().year + 1
STUDY_KEY_PATTERN = r"^[^:]+:(\d+|.+-\d{4})$"

class StudiesModel(ContractTable):
    """Rules for study rows (`studies` and `quarantine/studies`): keys, required cells, designs, years."""

    report_id: StringColumn = pa.Field(
        str_length={"min_value": 1}, description="The source file's stem in raw/."
    )
    study_key: StringColumn = pa.Field(
        unique=True,
        str_matches=STUDY_KEY_PATTERN,
        description="Unique key: `{report_id}:{ref_no}`, or `{report_id}:{first_author}-{year}` "
        "when the study has no reference number.",
    )
    ref_no: IntColumn = pa.Field(
        nullable=True, ge=1, description="The citation number printed beside the author."
    )
    first_author: StringColumn = pa.Field(
        str_length={"min_value": 1},
        description="First author's surname as printed; no year, no 'et al.'.",
    )
    year: IntColumn = pa.Field(
        ge=YEAR_MIN,
        description=f"Publication year of the study, from {YEAR_MIN} to the year after the run.",
    )
    @pa.check("year", name="year_not_after_next_year")
    def year_not_after_next_year(cls, years: Series[pd.Int64Dtype]) -> Series[bool]:
        """The upper bound moves with the calendar, so the data dictionary states it in words."""
        return years <= YEAR_MAX

    design: StringColumn = pa.Field(
        isin=list(DESIGNS), description="Study design, one of the contract's design values."
    )
    design_label: StringColumn = pa.Field(
        nullable=True,
        description="The design group heading as printed, e.g. 'Prospective Observational Studies'.",
    )
    indication: StringColumn = pa.Field(nullable=True, description="The condition studied.")
    population: StringColumn = pa.Field(nullable=True, description="The patients studied.")
    results: StringColumn = pa.Field(
        nullable=True, description="Main findings, one per line, bullet glyphs removed."
    )
    authors_conclusions: StringColumn = pa.Field(
        nullable=True, description="The authors' conclusions as printed."
    )
    source_page: IntColumn = pa.Field(
        nullable=True, ge=1, description="1-based page where the row starts; null for text input."
    )
    table_label: StringColumn = pa.Field(
        nullable=True, description="The table's caption as printed."
    )
    pmid: StringColumn = pa.Field(
        nullable=True,
        str_matches=PMID_PATTERN,
        description="PubMed ID of the reference ref_no points to (digits only); null when it gives none.",
    )
    doi: StringColumn = pa.Field(
        nullable=True, description="DOI of the reference ref_no points to, as printed; null when it gives none."
    )
    reference_text: StringColumn = pa.Field(
        nullable=True,
        description="The whole entry of References Summarized that ref_no points to, cleaned; "
        "null when the report lists no such entry.",
    )
    study_id: StringColumn = pa.Field(
        str_length={"min_value": 1},
        description="The study across reports: `pmid:N`, else `doi:…` (lower case), else "
        "`key:` + first author's surname + year + the title's first words, normalised.",
    )
    study_design: StringColumn = pa.Field(
        nullable=True, required=False, description="The Study Design cell as printed."
    )
    intervention: StringColumn = pa.Field(
        nullable=True, required=False, description="The intervention cell, cleaned."
    )
    comparator: StringColumn = pa.Field(
        nullable=True, required=False, description="The comparator cell, cleaned."
    )
    outcomes: StringColumn = pa.Field(
        nullable=True, required=False, description="The outcomes cell, cleaned."
    )
    extra: StringColumn = pa.Field(
        nullable=True,
        required=False,
        description="JSON object of header → text for columns the contract does not name.",
    )


class ReportsModel(ContractTable):
    """Rules for a report's row: a unique id, its file's checksum and format, counts."""

    report_id: StringColumn = pa.Field(
        unique=True, str_length={"min_value": 1}, description="The source file's stem in raw/."
    )
    source_file: StringColumn = pa.Field(description="The source file's name in raw/.")
    source_sha256: StringColumn = pa.Field(
        str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the source file, hex."
    )
    source_format: StringColumn = pa.Field(
        isin=list(SOURCE_FORMATS), description="How the source was read: pdf or text."
    )
    title: StringColumn = pa.Field(nullable=True, description="The report's title.")
    publication_date: DateColumn = pa.Field(
        nullable=True, description="The report's publication date."
    )
    research_questions: StringColumn = pa.Field(
        nullable=True, description="The report's research questions, one per line."
    )
    search_start: DateColumn = pa.Field(
        nullable=True, description="First publication date covered by the literature search."
    )
    search_end: DateColumn = pa.Field(
        nullable=True, description="Last publication date covered by the literature search."
    )
    n_studies: IntColumn = pa.Field(ge=0, description="Number of study rows extracted.")
    pages: IntColumn = pa.Field(nullable=True, ge=1, description="Page count; null for text.")
    extractor_version: StringColumn = pa.Field(description="Version of evidence-extract used.")
    extracted_at: UtcTimestampColumn = pa.Field(description="When the report was extracted, UTC.")


class SelectionCriteriaModel(ContractTable):
    """Rules for selection criteria: one of the contract's criteria, once per report."""

    report_id: StringColumn = pa.Field(description="The source file's stem in raw/.")
    criterion: StringColumn = pa.Field(
        isin=list(CRITERIA), description="Which criterion: population, intervention, ..."
    )
    text: StringColumn = pa.Field(description="The criterion as printed, cleaned.")

    class Config:
        unique = ["report_id", "criterion"]


class AbbreviationsModel(ContractTable):
    """Rules for abbreviations: every row names its report, abbreviation and expansion."""

    report_id: StringColumn = pa.Field(description="The source file's stem in raw/.")
    abbreviation: StringColumn = pa.Field(description="The abbreviation as printed.")
    expansion: StringColumn = pa.Field(description="What the abbreviation stands for.")


class ValidationFailuresModel(ContractTable):
    """Rules for failure rows: a stable check code, a severity, and a message for the steward."""

    report_id: StringColumn = pa.Field(description="The report the failure belongs to.")
    table: StringColumn = pa.Field(description="The curated table that was checked.")
    study_key: StringColumn = pa.Field(
        nullable=True, description="The failing study; null for report-level failures."
    )
    ref_no: IntColumn = pa.Field(nullable=True, description="The failing study's ref number.")
    column: StringColumn = pa.Field(nullable=True, description="The failing column, if one.")
    check: StringColumn = pa.Field(description="Stable check code, e.g. `required`.")
    severity: StringColumn = pa.Field(
        isin=list(SEVERITIES),
        description="error: the row is quarantined; warning: the row stays, flagged.",
    )
    failure_case: StringColumn = pa.Field(nullable=True, description="The offending value.")
    message: StringColumn = pa.Field(description="What is wrong, in a steward's words.")
    source_page: IntColumn = pa.Field(nullable=True, description="1-based page of the failure.")


TABLE_MODELS: dict[str, type[ContractTable]] = {
    "studies": StudiesModel,
    "references": ReferencesModel,
    "reports": ReportsModel,
    "selection_criteria": SelectionCriteriaModel,
    "abbreviations": AbbreviationsModel,
    "validation_failures": ValidationFailuresModel,
    "study_index": StudyIndexModel,
}

@dataclass(frozen=True)
class SchemaFailure:
    """A schema failure plus the position of the failing row (None for whole-table failures)."""

    row_position: int | None
    failure: Failure


def check_code(pandera_check: str, column: str | None) -> str:
    """Map pandera's check name to a stable code, so policy and stewards never see pandera names."""
    name = pandera_check.split("(")[0]
    if name in ("not_nullable", "str_length"):
        return "required"
    if name in ("dtype", "coerce_dtype"):
        return "type"
    if name == "column_in_dataframe":
        return "missing_column"
    if name in ("column_ordered", "listed_columns_first"):
        return "column_order"
    if name == "isin" and column:
        return f"{column}_enum"
    if name == "year_not_after_next_year" or (name.startswith("greater") and column == "year"):
        return "year_range"
    if name.startswith(("greater", "less", "in_range")):
        return "value_range"
    if name == "str_matches":
        return "study_key_format" if column == "study_key" else "value_format"
    if name == "field_uniqueness" and column:
        return f"unique_{column}"
    if name == "multiple_fields_uniqueness":
        return "unique_criterion"
    return "schema"


def validate_table(table: pd.DataFrame, model: type[ContractTable]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate lazily so every failure is collected; return the coerced table and failure cases."""
    try:
        return model.validate(table, lazy=True), pd.DataFrame()
    except SchemaErrors as errors:
        return errors.data, errors.failure_cases


def schema_failures(
    table: pd.DataFrame, failure_cases: pd.DataFrame, table_name: str, report_id: str
) -> list[SchemaFailure]:
    """Turn pandera's failure-cases frame into Failures carrying the failing row's identity."""
    return [
        _schema_failure(table, case, table_name, report_id)
        for case in collapse_key_cases(failure_cases).to_dict("records")
    ]


def collapse_key_cases(failure_cases: pd.DataFrame) -> pd.DataFrame:
    """Pandera reports a repeated multi-column key once per column; a steward needs one row."""
    if failure_cases.empty:
        return failure_cases
    is_key = failure_cases["check"] == "multiple_fields_uniqueness"
    keys = failure_cases[is_key].groupby("index", sort=False).agg(
        {"schema_context": "first", "check": "first", "failure_case": lambda v: " / ".join(map(str, v))}
    )
    keys = keys.reset_index().assign(column=None)
    return pd.concat([failure_cases[~is_key], keys], ignore_index=True) if len(keys) else failure_cases


def failing_column(case: dict[str, object]) -> str | None:
    """The column a failure case is about: its own column, or the one found missing."""
    if case.get("check") == "column_in_dataframe":
        return str(case.get("failure_case"))
    if case.get("schema_context") == "Column" and present(case.get("column")) is not None:
        return str(case["column"])
    return None


def _schema_failure(
    table: pd.DataFrame, case: dict[str, object], table_name: str, report_id: str
) -> SchemaFailure:
    """Build one Failure from one pandera failure case, looking up the row it points at."""
    column = failing_column(case)
    code = check_code(str(case["check"]), column)
    failure_case = present(case.get("failure_case"))
    position = _row_position(table, case.get("index"))
    row = table.iloc[position].to_dict() if position is not None else {}
    where = where_in_table(table_name, position, row)
    failure = Failure(
        check=code,
        message=schema_message(code, where, table_name, column, failure_case),
        report_id=report_id,
        table=table_name,
        study_key=cell_text(row.get("study_key")),
        ref_no=cell_int(row.get("ref_no")),
        column=column,
        failure_case=None if failure_case is None else str(failure_case),
        page_no=cell_int(row.get("source_page")),
    )
    return SchemaFailure(position, failure)


def where_in_table(table_name: str, position: int | None, row: dict[str, object]) -> str:
    """Point at a failing row the way a steward finds it: a study by ref, others by row number."""
    if position is None:
        return f"The {table_name} table"
    if "study_key" in row:
        return row_description(row)
    if table_name == "references" and cell_int(row.get("ref_no")) is not None:
        return f"Reference {cell_int(row.get('ref_no'))} ({cell_text(row.get('section'))})"
    return f"Row {position + 1} of {table_name}"


def schema_message(
    code: str, where: str, table_name: str, column: str | None, failure_case: object
) -> str:
    """Say what is wrong in words a data steward understands without reading code."""
    if code == "required":
        return f"{where}: {column_name(column or '')} is empty, but the contract requires it."
    if code == "type":
        return f"{where}: {column} holds {failure_case!r}, which is not of the contract's type."
    if code == "missing_column":
        return f"The {table_name} table has no {failure_case} column, which the contract lists."
    if code == "column_order":
        return f"The {table_name} table's listed columns are not first or not in contract order."
    if code == "year_range":
        return f"{where}: year {failure_case} lies outside {YEAR_MIN}–{YEAR_MAX}."
    if code.endswith("_enum"):
        return f"{where}: {column} {failure_case!r} is not one of the contract's allowed values."
    if code.startswith("unique_"):
        return f"{where}: {column or 'the key'} {failure_case!r} appears on more than one row."
    if code == "study_key_format":
        return f"{where}: study_key {failure_case!r} is not `report_id:ref_no` or `report_id:author-year`."
    return f"{where}: {column} value {failure_case!r} breaks the contract ({code})."


# Columns as a steward sees them: the usual printed header, or what the value is.
COLUMN_NAMES: dict[str, str] = {
    "first_author": "First Author",
    "design_label": "design heading",
    "table_label": "table caption",
    "indication": "Indication",
    "population": "Population",
    "results": "Results",
    "authors_conclusions": "Authors' Conclusions",
    "study_design": "Study Design",
    "intervention": "Intervention",
    "comparator": "Comparator",
    "outcomes": "Outcomes",
}


def column_name(column: str) -> str:
    """A column named as the report prints it, so a message reads without the contract at hand."""
    return COLUMN_NAMES.get(column, column.replace("_", " "))


def row_description(row: dict[str, object]) -> str:
    """Name a study row the way a steward would look it up: ref number, author and year."""
    ref_no = cell_int(row.get("ref_no"))
    author = cell_text(row.get("first_author"))
    year = cell_int(row.get("year"))
    label = f"Ref {ref_no}" if ref_no is not None else "Study"
    who = ", ".join(str(part) for part in (author, year) if part is not None)
    if who:
        return f"{label} ({who})"
    key = cell_text(row.get("study_key"))
    return f"{label} {key}" if key else "A row"


def _row_position(table: pd.DataFrame, index: object) -> int | None:
    """Find the positional row of a pandera failure index (None for whole-column failures)."""
    if present(index) is None or index not in table.index:
        return None
    position = table.index.get_loc(index)
    return position if isinstance(position, int) else None

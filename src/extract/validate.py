"""Run the contract's schemas and the cross-checks on one report's tables, and split the studies.

A study row with an error-severity failure moves to `quarantine_studies`; a warning keeps it in
`studies`. Every failure, including those found while reading, lands in `validation_failures`,
so nothing is silently dropped. Severity comes from one policy file, `severity.toml`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from importlib.resources import files
from typing import cast

import pandas as pd

from extract.checks import cross_check_failures
from extract.errors import VALIDATION_CHECKS
from extract.model import Extraction, Failure, Severity
from extract.schemas import (
    TABLE_MODELS,
    ContractTable,
    SchemaFailure,
    StudiesModel,
    ValidationFailuresModel,
    schema_failures,
    validate_table,
)
from extract.tables_spec import TABLES, failure_record

FAILURE_COLUMNS: tuple[str, ...] = TABLES["validation_failures"].contract_columns
CHECKED_TABLES: tuple[str, ...] = ("studies", "references", "reports", "selection_criteria", "abbreviations")


def load_severity_policy(toml_text: str | None = None) -> dict[str, Severity]:
    """Read check code → severity from the shipped policy file (or given TOML text)."""
    shipped = files("extract").joinpath("severity.toml")
    text = toml_text if toml_text is not None else shipped.read_text("utf-8")
    table = tomllib.loads(text).get("severity", {})
    wrong = {code: value for code, value in table.items() if value not in ("error", "warning")}
    if wrong:
        raise ValueError(f"severity.toml: severities must be 'error' or 'warning', got {wrong}")
    undeclared = sorted(set(table) - VALIDATION_CHECKS)
    if undeclared:
        raise ValueError(f"severity.toml names checks extract.errors does not declare: {', '.join(undeclared)}")
    return {code: cast(Severity, value) for code, value in table.items()}


def apply_severity(failures: Iterable[Failure], policy: Mapping[str, Severity]) -> list[Failure]:
    """Give each failure its policy severity; codes the policy does not name keep their own."""
    return [replace(f, severity=policy.get(f.check, f.severity)) for f in failures]


def empty_table(model: type[ContractTable]) -> pd.DataFrame:
    """A table with the model's listed columns and no rows, for reports that yield none."""
    columns = model.to_schema().columns
    return pd.DataFrame(columns=[name for name, column in columns.items() if column.required])


def failures_frame(failures: Sequence[Failure]) -> pd.DataFrame:
    """Failures as `validation_failures` rows: contract columns, typed, report-level rows first."""
    frame = pd.DataFrame([failure_record(f) for f in failures], columns=list(FAILURE_COLUMNS))
    return sort_failures(ValidationFailuresModel.validate(frame))


def merge_failures(earlier: pd.DataFrame | None, failures: Sequence[Failure]) -> pd.DataFrame:
    """Keep failure rows a table builder already recorded, next to the ones found here."""
    found = failures_frame(failures)
    if earlier is None or earlier.empty:
        return found
    merged = pd.concat([ValidationFailuresModel.validate(earlier), found], ignore_index=True)
    return sort_failures(merged)


def sort_failures(frame: pd.DataFrame) -> pd.DataFrame:
    """Deterministic order so golden diffs of validation_failures stay meaningful."""
    keys = ["report_id", "table", "ref_no", "study_key", "column", "check", "message"]
    return frame.sort_values(keys, na_position="first", kind="mergesort").reset_index(drop=True)


def quarantine_mask(
    studies: pd.DataFrame, schema_found: Sequence[SchemaFailure], failures: Sequence[Failure]
) -> pd.Series:
    """Rows with an error: by position for schema failures, by study_key for the rest."""
    positions = {
        s.row_position
        for s in schema_found
        if s.row_position is not None and s.failure.severity == "error"
    }
    keys = {f.study_key for f in failures if f.severity == "error" and f.study_key is not None}
    by_position = pd.Series(range(len(studies)), index=studies.index).isin(positions)
    by_key = studies["study_key"].isin(keys) if "study_key" in studies.columns else False
    return by_position | by_key


def validate_table_failures(
    table: pd.DataFrame, name: str, report_id: str, policy: Mapping[str, Severity]
) -> tuple[pd.DataFrame, list[SchemaFailure]]:
    """Validate one curated table, returning it coerced and its failures with policy severity."""
    coerced, cases = validate_table(table.reset_index(drop=True), TABLE_MODELS[name])
    found = schema_failures(coerced, cases, name, report_id)
    return coerced, [
        SchemaFailure(s.row_position, apply_severity([s.failure], policy)[0]) for s in found
    ]


def validate_report(
    tables: Mapping[str, pd.DataFrame],
    extraction: Extraction,
    policy: Mapping[str, Severity] | None = None,
) -> dict[str, pd.DataFrame]:
    """Validate a report's tables: split studies from quarantine and list every failure."""
    policy = load_severity_policy() if policy is None else policy
    report_id = extraction.document.report_id
    validated = dict(tables)
    validated.setdefault("studies", empty_table(StudiesModel))
    schema_found: dict[str, list[SchemaFailure]] = {}
    for name in CHECKED_TABLES:
        if name in validated:
            validated[name], schema_found[name] = validate_table_failures(
                validated[name], name, report_id, policy
            )
    studies = validated["studies"]
    crossed = apply_severity(cross_check_failures(studies, extraction), policy)
    passed_in = apply_severity(extraction.failures, policy)
    found = [s.failure for group in schema_found.values() for s in group]
    failures = [*passed_in, *found, *crossed]
    mask = quarantine_mask(studies, schema_found.get("studies", []), [*passed_in, *crossed])
    validated["studies"] = studies[~mask].reset_index(drop=True)
    validated["quarantine_studies"] = studies[mask].reset_index(drop=True)
    validated["validation_failures"] = merge_failures(tables.get("validation_failures"), failures)
    return validated

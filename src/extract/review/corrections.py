"""A steward's corrected value, checked like extracted data before it may replace anything.

The value is cast to its column's declared kind (`tables_spec`) and put through that column's
own contract rules (`schemas.StudiesModel`: required, ranges, allowed values, patterns). A value
that fails either is refused with the reason in a steward's words: the review page answers 400
with it, and a run keeps the extracted value and records an `invalid_correction` failure on the
cell (`review.apply`), instead of failing as a whole.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from extract.errors import REASONS
from extract.schemas import StudiesModel, check_code
from extract.tables_spec import TABLES, ColumnKind

WHOLE_NUMBER = re.compile(r"[+-]?\d+")
PANDAS_TYPES: dict[ColumnKind, str] = {"int": "Int64", "float": "Float64", "string": "string", "date": "object"}


class CorrectionRefused(ValueError):
    """A corrected value that cannot stand in its column; the message says why."""


def column_kind(column: str) -> ColumnKind:
    """The kind a studies column is cast to; a column the contract does not declare holds text."""
    return TABLES["studies"].kinds.get(column, "string")


def corrected_value(column: str, value: str) -> object:
    """The corrected text cast to its column's kind (None for an empty value), or CorrectionRefused."""
    kind, text = column_kind(column), value.strip()
    if kind == "string":
        return value if value != "" else None
    if not text:
        return None
    if kind == "int":
        if not WHOLE_NUMBER.fullmatch(text):
            raise CorrectionRefused(f"{value!r} is not a whole number, as {column} must be")
        return int(text)
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise CorrectionRefused(f"{value!r} is not a number, as {column} must be") from None
    if kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CorrectionRefused(f"{value!r} is not a date (YYYY-MM-DD), as {column} must be") from None
    raise CorrectionRefused(f"{column} cannot be corrected by hand")


@cache
def contract_column(column: str) -> pa.Column | None:
    """The contract's rules for one studies column, or None for a column it does not declare."""
    return StudiesModel.to_schema().columns.get(column)


def broken_rules(column: str, cast: object) -> list[str]:
    """The contract codes a cast value breaks in its column (empty when it passes every rule)."""
    rules = contract_column(column)
    if rules is None:
        return []
    frame = pd.DataFrame({column: pd.Series([cast], dtype=PANDAS_TYPES[column_kind(column)])})
    try:
        rules.validate(frame, lazy=True)
    except SchemaErrors as errors:
        return list(dict.fromkeys(check_code(str(name), column) for name in errors.failure_cases["check"]))
    return []


def correction_problem(column: str, value: str) -> str | None:
    """Why a corrected value cannot stand in its column, in a steward's words; None when it can."""
    try:
        cast = corrected_value(column, value)
    except CorrectionRefused as refused:
        return str(refused)
    codes = broken_rules(column, cast)
    if not codes:
        return None
    shown = "an empty value" if cast is None else repr(value)
    reasons = "; ".join(f"{REASONS[code].meaning} ({code})" for code in codes)
    return f"{shown} breaks the contract for {column}: {reasons}"

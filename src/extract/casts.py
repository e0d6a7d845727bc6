"""Value and column casts, in one place: what counts as null, and how a value becomes its kind.

The pipeline types its frames with `with_column_types`, publish writes Arrow arrays with the same
value casts, and schemas and checks read cells with `cell_text` / `cell_int`, so a value is
judged missing, textual or numeric the same way at every stage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timezone

import pandas as pd

from extract.tables_spec import ColumnKind


# Types whose values are never null: most cells are one of these, and pandas' checks cost more than the rest of a cast.
NEVER_NULL_TYPES: frozenset[type] = frozenset({str, int, bool})


def is_null(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA, the values that become nulls; containers never are."""
    if value is None:
        return True
    if type(value) in NEVER_NULL_TYPES:
        return False
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def present(value: object) -> object | None:
    """None for a null value, the value otherwise."""
    return None if is_null(value) else value


def as_int(value: object) -> int | None:
    """A whole number, or None for a missing value."""
    return None if is_null(value) else int(value)  # type: ignore[call-overload]


def as_float(value: object) -> float | None:
    """A float, or None for a missing value."""
    return None if is_null(value) else float(value)  # type: ignore[arg-type]


def as_date(value: object) -> date | None:
    """A calendar date from a date, datetime, Timestamp or ISO string; None when missing."""
    if is_null(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_text(value: object) -> str | None:
    """Text for a string column: JSON for mappings and sequences (sorted keys), str() otherwise."""
    if is_null(value):
        return None
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def as_utc(moment: datetime) -> datetime:
    """A timezone-aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def cell_text(value: object) -> str | None:
    """A cell as text, or None when missing or blank."""
    value = present(value)
    return str(value) if value is not None and str(value).strip() else None


def cell_int(value: object) -> int | None:
    """A cell as an int, or None when missing or not a whole number."""
    value = present(value)
    if value is None:
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def is_missing(value: object) -> bool:
    """A cell counts as missing when it is null or only whitespace."""
    return cell_text(value) is None


def typed_series(values: list[object], kind: ColumnKind, index: pd.Index) -> pd.Series:
    """Values cast to their kind as one column: Int64, Float64, string, calendar dates, or UTC timestamps."""
    if kind == "int":
        return pd.Series(pd.array([as_int(v) for v in values], dtype="Int64"), index=index)
    if kind == "float":
        return pd.Series(pd.array([as_float(v) for v in values], dtype="Float64"), index=index)
    if kind == "date":
        return pd.Series([as_date(v) for v in values], index=index, dtype=object)
    if kind == "timestamp":
        return pd.Series(pd.to_datetime(pd.Series(values, index=index, dtype=object), utc=True), index=index).astype("datetime64[ns, UTC]")
    return pd.Series(pd.array([as_text(v) for v in values], dtype="string"), index=index)


def typed_column(values: pd.Series | None, kind: ColumnKind, length: int) -> pd.Series:
    """One column cast to its kind: Int64, Float64, string, calendar dates, or UTC timestamps."""
    if values is None:
        return typed_series([None] * length, kind, pd.RangeIndex(length))
    return typed_series(values.tolist(), kind, values.index)


def with_column_types(frame: pd.DataFrame, kinds: Mapping[str, ColumnKind]) -> pd.DataFrame:
    """Listed columns first with their fixed types, then the others as text, so schemas are stable.

    Each column is cast from a plain list and the frame built once, in its final column order:
    pandas' conversions of whole columns to objects and the reordering copy cost more than the
    casts themselves.
    """
    others = [column for column in frame.columns if column not in kinds]
    missing = [None] * len(frame)
    columns = {
        column: typed_series(frame[column].tolist() if column in frame.columns else missing, kinds.get(column, "string"), frame.index)
        for column in [*kinds, *others]
    }
    return pd.DataFrame(columns, index=frame.index)

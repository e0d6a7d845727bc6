"""Value and column casts: one notion of null, and each kind's cast keeps what it is given."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from extract.casts import (
    as_date,
    as_int,
    as_text,
    as_utc,
    cell_int,
    cell_text,
    is_missing,
    is_null,
    typed_column,
    with_column_types,
)

NULLS = [None, float("nan"), pd.NA, pd.NaT]


def test_nulls_are_null_and_containers_never_are() -> None:
    assert all(is_null(value) for value in NULLS)
    assert not any(is_null(value) for value in ["", 0, [None], {}, (None,), date(2020, 1, 1)])


def test_every_cast_turns_a_null_into_none() -> None:
    for value in NULLS:
        assert as_int(value) is None and as_text(value) is None and as_date(value) is None
        assert cell_text(value) is None and cell_int(value) is None and is_missing(value)


@given(st.text())
def test_text_stays_text(text: str) -> None:
    assert as_text(text) == text


@given(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3))
def test_mappings_become_json_with_sorted_keys(mapping: dict[str, str]) -> None:
    text = as_text(mapping)
    assert text is not None and json.loads(text) == mapping
    assert text == as_text(dict(sorted(mapping.items(), reverse=True)))


@given(st.dates())
def test_dates_come_back_from_dates_datetimes_and_iso_text(day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 13, 5)
    assert as_date(day) == as_date(moment) == as_date(day.isoformat()) == day


@given(st.datetimes(timezones=st.none() | st.just(timezone(timedelta(hours=-5)))))
def test_as_utc_keeps_the_instant_and_says_utc(moment: datetime) -> None:
    utc = as_utc(moment)
    assert utc.utcoffset() == timedelta(0)
    assert utc == (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


@given(st.text().filter(lambda text: not text.strip()))
def test_blank_cells_are_missing_but_not_null(text: str) -> None:
    assert is_missing(text) and not is_null(text)


def test_cell_int_refuses_what_is_not_a_whole_number() -> None:
    assert cell_int("12") == 12 and cell_int("twelve") is None and cell_int(3.0) == 3


@given(st.lists(st.none() | st.integers(-(2**40), 2**40), max_size=8))
def test_int_column_keeps_values_and_nulls(values: list[int | None]) -> None:
    column = typed_column(pd.Series(values, dtype=object), "int", len(values))
    assert str(column.dtype) == "Int64"
    assert [None if pd.isna(v) else int(v) for v in column] == values


@given(st.lists(st.none() | st.floats(allow_nan=False, allow_infinity=False), max_size=8))
def test_float_column_keeps_values_and_nulls(values: list[float | None]) -> None:
    column = typed_column(pd.Series(values, dtype=object), "float", len(values))
    assert str(column.dtype) == "Float64"
    assert [None if pd.isna(v) else float(v) for v in column] == values


def test_missing_column_is_all_null_of_its_kind() -> None:
    column = typed_column(None, "timestamp", 2)
    assert str(column.dtype) == "datetime64[ns, UTC]" and column.isna().all()


def test_listed_columns_lead_in_order_and_others_follow_as_text() -> None:
    frame = pd.DataFrame({"note": [1.5], "year": ["2010"]})
    typed = with_column_types(frame, {"report_id": "string", "year": "int"})
    assert list(typed.columns) == ["report_id", "year", "note"]
    assert typed.loc[0, "year"] == 2010 and typed.loc[0, "note"] == "1.5"
    assert str(typed["note"].dtype) == "string" and pd.isna(typed.loc[0, "report_id"])

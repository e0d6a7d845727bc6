"""The table declarations are consistent: unique columns, contract columns first, sortable keys."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extract.errors import REASONS
from extract.model import Failure
from extract.tables_spec import CRITERIA, STUDY_COLUMNS, TABLE_COLUMNS, TABLES, failure_record

ROLE_ORDER = {"contract": 0, "optional": 1, "extension": 2}


def test_every_table_names_each_column_once() -> None:
    for name, table in TABLES.items():
        names = [column.name for column in table.columns]
        assert len(names) == len(set(names)), name
        assert table.name == name


def test_contract_columns_lead_then_optional_then_extension() -> None:
    for name, table in TABLES.items():
        ranks = [ROLE_ORDER[column.role] for column in table.columns]
        assert ranks == sorted(ranks), name


def test_sort_keys_are_columns_of_their_table() -> None:
    for name, table in TABLES.items():
        assert table.sort_keys and set(table.sort_keys) <= set(table.kinds), name


def test_every_table_states_its_grain_and_a_distinct_path() -> None:
    assert all(table.grain.startswith("One row per ") for table in TABLES.values())
    paths = [table.path for table in TABLES.values()]
    assert len(paths) == len(set(paths))
    assert TABLES["quarantine_studies"].path == "quarantine/studies"


def test_quarantine_has_the_studies_columns_then_its_reason() -> None:
    studies, quarantine = TABLES["studies"].kinds, TABLES["quarantine_studies"].kinds
    assert list(quarantine) == [*studies, "quarantine_reason"]


def test_extension_columns_are_the_ones_we_add_to_the_contract() -> None:
    extensions = {name: table.column_names("extension") for name, table in TABLES.items()}
    assert extensions["studies"] == ("review_audit",)
    assert extensions["quarantine_studies"] == ("review_audit", "quarantine_reason")
    assert extensions["validation_failures"] == ("status", "decision")
    assert extensions["reports"] == ("languages", "databases", "declared_counts", "summary_counts")
    assert extensions["provenance"] == tuple(TABLES["provenance"].kinds)
    assert not extensions["selection_criteria"] and not extensions["abbreviations"]


def test_derived_views_follow_the_declarations() -> None:
    assert TABLE_COLUMNS == {name: table.kinds for name, table in TABLES.items()}
    assert tuple(STUDY_COLUMNS) == TABLES["studies"].column_names("contract", "optional")
    assert CRITERIA[0] == "population" and len(set(CRITERIA)) == len(CRITERIA)


failures = st.builds(
    Failure,
    check=st.sampled_from(sorted(REASONS)),
    message=st.text(max_size=30),
    report_id=st.text(min_size=1, max_size=12),
    table=st.sampled_from(sorted(TABLES)),
    severity=st.sampled_from(["error", "warning"]),
    study_key=st.none() | st.text(max_size=12),
    ref_no=st.none() | st.integers(1, 999),
    column=st.none() | st.text(max_size=12),
    failure_case=st.none() | st.text(max_size=12),
    page_no=st.none() | st.integers(1, 999),
)


@given(failures)
def test_failure_record_fills_exactly_the_contract_columns(failure: Failure) -> None:
    record = failure_record(failure)
    assert tuple(record) == TABLES["validation_failures"].contract_columns
    assert record["source_page"] == failure.page_no
    assert (record["check"], record["message"], record["ref_no"]) == (failure.check, failure.message, failure.ref_no)

"""Golden tests: the seed report and invented reports in the same text style, read end to end.

Text → blocks → tables → study records must match the reference extraction field for field.
The invented reports vary what the seed holds fixed (column set, author formats, header order
per page, grouped or interleaved author cells, page furniture) so the alignment is shown to be
general rather than tuned to one file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from extract.readers.text import read_text
from extract.rows import STUDY_COLUMNS, study_records
from extract.tables.pieces import table_footnotes
from extract.tables.rebuild import tables_from_blocks

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "ivig-offlabel-2017.txt"
INT_COLUMNS = ("ref_no", "year", "source_page")


def expected_rows(path: Path) -> list[dict]:
    """Read a golden CSV: empty cells are None, integer columns are ints."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {key: (None if value == "" else int(value) if key in INT_COLUMNS else value) for key, value in row.items()}
        for row in rows
    ]


def records_for(path: Path) -> list[dict]:
    doc = read_text(path)
    return study_records(doc.report_id, tables_from_blocks(doc))


def assert_records_match(actual: list[dict], expected: list[dict]) -> None:
    assert [r["study_key"] for r in actual] == [r["study_key"] for r in expected]
    for got, want in zip(actual, expected):
        for column, value in want.items():
            assert got[column] == value, f"{want['study_key']} {column}"


def test_seed_matches_the_reference_extraction() -> None:
    records = records_for(SEED)
    expected = expected_rows(FIXTURES / "seed" / "expected-studies.csv")
    assert len(records) == 17
    assert_records_match(records, expected)


def test_seed_records_carry_contract_columns_in_order() -> None:
    records = records_for(SEED)
    assert list(records[0])[: len(STUDY_COLUMNS)] == list(STUDY_COLUMNS)
    assert all(r["table_label"] == "Table 2: Summary of Included Studies" for r in records)
    assert all(r["source_page"] is None for r in records)
    assert records[-1]["authors_conclusions"] is None


def test_seed_footnote_is_offered_to_metadata() -> None:
    notes = table_footnotes(read_text(SEED))
    assert len(notes) == 1 and notes[0].startswith("AE = ")


@pytest.mark.parametrize("name", ["design-column-interleaved", "grouped-authors-shuffled-headers", "two-tables"])
def test_invented_report_matches_its_golden_file(name: str) -> None:
    records = records_for(FIXTURES / "text" / f"{name}.txt")
    expected = json.loads((FIXTURES / "text" / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert_records_match(records, expected)

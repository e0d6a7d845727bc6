"""Fuzzing the text path with a damaged seed report: nothing but UnreadableReport escapes, no row is lost.

Blocks of the seed text are dropped, duplicated, swapped, or injected with PDF-to-text
artifacts and control characters, or the text is truncated. read_text → tables_from_blocks →
study_records must either raise UnreadableReport or return rows, and after validate_report
every row is in `studies` (and passes the schema) or in `quarantine_studies` with an error row
in `validation_failures` naming it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.errors import UnreadableReport
from extract.model import Extraction
from extract.datasets import report_tables
from extract.readers.text import read_text
from extract.rows import study_records
from extract.schemas import StudiesModel
from extract.meta.report import report_meta
from extract.tables.rebuild import tables_from_blocks
from extract.validate import validate_report

SEED_TEXT = (Path(__file__).parent / "fixtures" / "seed" / "ivig-offlabel-2017.txt").read_text(
    encoding="utf-8"
)
SEED_BLOCKS = SEED_TEXT.split("\n\n")
EXTRACTED_AT = datetime(2024, 1, 1, tzinfo=timezone.utc)
FUZZ_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

artifact = st.one_of(
    st.sampled_from(
        [
            "\uf0b7",
            "\ufffd",
            "\f",
            "(cid:12)",
            "Table 2: Summary of Included Studies",
            "Author, Year",
            "Study Design",
            "Authors’ Conclusions",
            "Systematic Reviews",
            "2017",
            "17",
            "Smith et al. (2015)4",
            "adv erse ev ents",
            "-",
            "",
            " ",
        ]
    ),
    st.characters(min_codepoint=0, max_codepoint=0x1F).map(str),
    st.text(max_size=40),
)

block_edit = st.one_of(
    st.tuples(st.just("drop"), st.integers(min_value=0)),
    st.tuples(st.just("duplicate"), st.integers(min_value=0)),
    st.tuples(st.just("swap"), st.integers(min_value=0)),
    st.tuples(st.just("inject"), st.integers(min_value=0), artifact),
    st.tuples(st.just("append"), st.integers(min_value=0), artifact),
)


def apply_block_edit(blocks: list[str], edit: tuple) -> list[str]:  # type: ignore[type-arg]
    """Apply one edit to a copy of the blocks; positions wrap around the block count."""
    if not blocks:
        return blocks
    kind, position = edit[0], edit[1] % len(blocks)
    if kind == "drop":
        return blocks[:position] + blocks[position + 1 :]
    if kind == "duplicate":
        return blocks[: position + 1] + blocks[position:]
    if kind == "swap":
        other = (position + 1) % len(blocks)
        swapped = list(blocks)
        swapped[position], swapped[other] = swapped[other], swapped[position]
        return swapped
    if kind == "inject":
        return blocks[:position] + [edit[2]] + blocks[position:]
    return blocks[:position] + [blocks[position] + edit[2]] + blocks[position + 1 :]


@st.composite
def damaged_seed_by_blocks(draw: st.DrawFn) -> str:
    """The seed text with a few block-level edits."""
    blocks = list(SEED_BLOCKS)
    for edit in draw(st.lists(block_edit, min_size=1, max_size=8)):
        blocks = apply_block_edit(blocks, edit)
    return "\n\n".join(blocks)


@st.composite
def damaged_seed_by_characters(draw: st.DrawFn) -> str:
    """The seed text truncated and sprinkled with control characters and artifacts."""
    text = SEED_TEXT[: draw(st.integers(min_value=0, max_value=len(SEED_TEXT)))]
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:position] + draw(artifact) + text[position:]
    return text


def write_report(directory: Path, text: str) -> Path:
    """Write the damaged text where read_text expects a report."""
    path = directory / "fuzzed-report.txt"
    path.write_text(text, encoding="utf-8")
    return path


def quarantined_rows_are_reported(validated: dict[str, pd.DataFrame]) -> bool:
    """Every quarantined study has an error failure naming its study_key (or a keyless one)."""
    failures = validated["validation_failures"]
    errors = failures[failures["severity"] == "error"]
    named = set(errors["study_key"].dropna())
    keyless = errors["study_key"].isna().any()
    return all(
        (key in named) if isinstance(key, str) else keyless
        for key in validated["quarantine_studies"]["study_key"]
    )


def check_no_row_is_lost(path: Path) -> None:
    """Run the text stages and validation; assert each row validates or is reported."""
    try:
        document = read_text(path)
        tables = tables_from_blocks(document)
        records = study_records(document.report_id, tables)
    except UnreadableReport as unreadable:
        assert unreadable.reason and unreadable.message
        return
    extraction = Extraction(document, report_meta(document), tables)
    validated = validate_report(report_tables(extraction, "fuzz", EXTRACTED_AT), extraction)
    assert len(validated["studies"]) + len(validated["quarantine_studies"]) == len(records)
    StudiesModel.validate(validated["studies"], lazy=True)
    assert quarantined_rows_are_reported(validated)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_the_undamaged_seed_keeps_all_seventeen_rows(fuzz_dir: Path) -> None:
    path = write_report(fuzz_dir, SEED_TEXT)
    check_no_row_is_lost(path)
    assert len(study_records(path.stem, tables_from_blocks(read_text(path)))) == 17


def test_regression_a_row_whose_lone_ref_number_block_is_lost_still_validates(
    fuzz_dir: Path,
) -> None:
    """Found by the block fuzz: a study row with a null ref_no made validate_report raise."""
    lone_ref_dropped = SEED_TEXT.replace("(2017)\n\n1\n\n", "(2017)\n\n", 1)
    assert lone_ref_dropped != SEED_TEXT
    check_no_row_is_lost(write_report(fuzz_dir, lone_ref_dropped))


@FUZZ_SETTINGS
@given(text=damaged_seed_by_blocks())
def test_block_edits_never_lose_a_row(fuzz_dir: Path, text: str) -> None:
    check_no_row_is_lost(write_report(fuzz_dir, text))


@FUZZ_SETTINGS
@given(text=damaged_seed_by_characters())
def test_truncation_and_injected_characters_never_lose_a_row(fuzz_dir: Path, text: str) -> None:
    check_no_row_is_lost(write_report(fuzz_dir, text))

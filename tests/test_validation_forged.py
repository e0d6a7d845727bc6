"""Validation a steward can trust: forged reports with injected defects, clean forged reports, the seed.

Each defect is injected into a forged report's spec, drawn as a PDF, extracted and validated, so
a check is shown catching what a real report's flaw would look like after extraction, and clean
reports (drawn with and without the character-spacing artifact) are shown to raise nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from extract.dictionary import data_package_json
from extract.model import Extraction
from extract.extraction import extract_report
from extract.datasets import report_tables
from extract.settings import Limits
from extract.summary import ARTIFACT_KEY
from extract.validate import validate_report
from tests.forge import ReportSpec, draw_report, random_spec
from tests.forge import content as forge_content
from tests.forge.spec import StudyRow, all_rows

EXTRACTED_AT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
FILLER = "The authors concluded that further research is needed."
DEFECT_BASE_SEED = 8  # one table of seven referenced rows, no empty-cell columns by design
CLEAN_SEEDS = (3, 7, 15, 19, 24)  # unreferenced, small, two-table and grouped/ungrouped layouts
CLEAN_SEEDS_WITH_SPACING_ARTIFACT = (4, 15)


def clean_row(row: StudyRow, year: int) -> StudyRow:
    """A row with every cell filled and the given year, so no check has anything to find."""
    cells = {name: items or (FILLER,) for name, items in row.cells.items()}
    return dataclasses.replace(row, year=year, cells=cells, year_suffix="")


def free_year(surname: str, years: range, taken: set[tuple[str, int]], preferred: int) -> int:
    """The preferred year when it is inside the window and unused by this surname, else the first free one."""
    candidates = [preferred, *years] if preferred in years else list(years)
    return next(year for year in candidates if (surname, year) not in taken)


def clean_spec(spec: ReportSpec) -> ReportSpec:
    """The random spec without its deliberate flaws: years inside the search window, no empty cells."""
    window = range(spec.search_start.year, spec.search_end.year + 1)
    taken: set[tuple[str, int]] = set()
    tables = []
    for table in spec.tables:
        rows = []
        for row in table.rows:
            year = free_year(row.surname, window, taken, row.year)
            taken.add((row.surname, year))
            rows.append(clean_row(row, year))
        tables.append(dataclasses.replace(table, rows=tuple(rows)))
    return dataclasses.replace(spec, tables=tuple(tables))


def with_rows(spec: ReportSpec, edit: Callable[[list[StudyRow]], list[StudyRow]]) -> ReportSpec:
    """The spec with its first table's rows edited (the defect base has one table)."""
    table = spec.tables[0]
    return dataclasses.replace(spec, tables=(dataclasses.replace(table, rows=tuple(edit(list(table.rows)))),))


def with_cell(row: StudyRow, field: str, items: tuple[str, ...]) -> StudyRow:
    """The row with one cell's printed items replaced."""
    return dataclasses.replace(row, cells={**row.cells, field: items})


def validated_pdf(spec: ReportSpec, pdf: Path) -> dict[str, pd.DataFrame]:
    """Draw the spec, then read, tabulate and validate it as a run does."""
    draw_report(spec, pdf)
    extraction = extract_report(pdf, Limits())
    return validate_report(report_tables(extraction, "0.0.0", EXTRACTED_AT), extraction)


def checks_of(validated: dict[str, pd.DataFrame]) -> set[str]:
    """The check codes that failed."""
    return set(validated["validation_failures"]["check"])


@pytest.fixture(scope="module")
def defect_base() -> ReportSpec:
    """The clean spec every defect is injected into."""
    return clean_spec(random_spec(DEFECT_BASE_SEED, spacing_artifact=False))


@pytest.fixture(scope="module")
def clean_base(
    defect_base: ReportSpec, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, pd.DataFrame], Extraction]:
    """The defect base drawn, extracted and tabulated (before validation), with its extraction."""
    pdf = tmp_path_factory.mktemp("base") / f"{defect_base.report_id}.pdf"
    draw_report(defect_base, pdf)
    extraction = extract_report(pdf, Limits())
    return report_tables(extraction, "0.0.0", EXTRACTED_AT), extraction


def test_the_defect_base_is_clean(
    clean_base: tuple[dict[str, pd.DataFrame], Extraction], defect_base: ReportSpec
) -> None:
    result = validate_report(*clean_base)
    assert result["validation_failures"].empty
    assert len(result["studies"]) == len(all_rows(defect_base))


@pytest.mark.parametrize("seed", CLEAN_SEEDS)
def test_clean_forged_reports_produce_zero_failures(seed: int, tmp_path: Path) -> None:
    spec = clean_spec(random_spec(seed, spacing_artifact=False))
    result = validated_pdf(spec, tmp_path / f"{spec.report_id}.pdf")
    assert result["validation_failures"]["message"].tolist() == []
    assert len(result["studies"]) == len(all_rows(spec)) and result["quarantine_studies"].empty


@pytest.mark.parametrize("seed", CLEAN_SEEDS_WITH_SPACING_ARTIFACT)
def test_clean_forged_reports_with_the_spacing_artifact_produce_zero_failures(seed: int, tmp_path: Path) -> None:
    spec = clean_spec(random_spec(seed, spacing_artifact=True))
    result = validated_pdf(spec, tmp_path / f"{spec.report_id}.pdf")
    assert result["validation_failures"]["message"].tolist() == []
    assert len(result["studies"]) == len(all_rows(spec))


def test_spaced_surnames_are_closed_up_so_no_study_row_fails(tmp_path: Path) -> None:
    """Regression: `Sandov al`, `v an Dijk` were published as first_author and flagged broken_word."""
    spec = clean_spec(random_spec(22, spacing_artifact=True))
    result = validated_pdf(spec, tmp_path / f"{spec.report_id}.pdf")
    row_failures = result["validation_failures"].dropna(subset=["study_key"])
    assert row_failures["message"].tolist() == []
    assert {"Sandoval", "van Dijk"} <= set(result["studies"]["first_author"])


@pytest.fixture
def overstated_counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Key Findings print one randomized controlled trial more than the table holds."""
    honest = forge_content.declared_counts

    def overstated(spec: ReportSpec) -> dict[str, int]:
        counts = honest(spec)
        return {**counts, "randomized_controlled_trial": counts.get("randomized_controlled_trial", 0) + 1}

    monkeypatch.setattr(forge_content, "declared_counts", overstated)
    yield


def test_a_declared_count_the_table_does_not_match_is_caught(
    overstated_counts: None, defect_base: ReportSpec, tmp_path: Path
) -> None:
    result = validated_pdf(defect_base, tmp_path / "count.pdf")
    failures = result["validation_failures"]
    assert checks_of(result) == {"declared_count"}
    listed = sum(row.design == "randomized_controlled_trial" for row in all_rows(defect_base))
    assert failures["failure_case"].tolist() == [f"randomized_controlled_trial={listed + 1}"]
    assert failures["message"].str.startswith("Key Findings declare").all()
    assert len(result["studies"]) == len(all_rows(defect_base))  # report-level: no row moves


def test_a_duplicated_reference_number_is_caught_and_both_rows_quarantined(
    defect_base: ReportSpec, tmp_path: Path
) -> None:
    def duplicate_last_ref(rows: list[StudyRow]) -> list[StudyRow]:
        return rows[:-1] + [dataclasses.replace(rows[-1], ref_no=rows[-2].ref_no)]

    result = validated_pdf(with_rows(defect_base, duplicate_last_ref), tmp_path / "dup.pdf")
    duplicated = all_rows(defect_base)[-2].ref_no
    assert checks_of(result) == {"duplicate_ref_no", "unique_study_key"}
    caught = result["validation_failures"].query("check == 'duplicate_ref_no'")
    assert caught["ref_no"].tolist() == [duplicated, duplicated]
    assert result["quarantine_studies"]["ref_no"].tolist() == [duplicated, duplicated]


def test_a_missing_reference_number_is_caught_as_a_gap(defect_base: ReportSpec, tmp_path: Path) -> None:
    lost = all_rows(defect_base)[3]
    result = validated_pdf(with_rows(defect_base, lambda rows: rows[:3] + rows[4:]), tmp_path / "gap.pdf")
    assert checks_of(result) == {"ref_no_gap"}
    assert result["validation_failures"]["failure_case"].tolist() == [str(lost.ref_no)]


def test_a_missing_cell_is_caught_and_its_row_quarantined(defect_base: ReportSpec, tmp_path: Path) -> None:
    blanked = all_rows(defect_base)[2]
    spec = with_rows(defect_base, lambda rows: [*rows[:2], with_cell(rows[2], "population", ()), *rows[3:]])
    result = validated_pdf(spec, tmp_path / "cell.pdf")
    failures = result["validation_failures"]
    assert checks_of(result) == {"required"}
    assert failures[["ref_no", "column"]].values.tolist() == [[blanked.ref_no, "population"]]
    assert result["quarantine_studies"]["ref_no"].tolist() == [blanked.ref_no]


def test_a_year_after_publication_is_caught(defect_base: ReportSpec, tmp_path: Path) -> None:
    late = defect_base.publication_date.year + 1
    spec = with_rows(defect_base, lambda rows: [dataclasses.replace(rows[0], year=late), *rows[1:]])
    result = validated_pdf(spec, tmp_path / "late.pdf")
    assert checks_of(result) == {"year_after_publication"}
    assert result["validation_failures"]["failure_case"].tolist() == [str(late)]
    assert result["quarantine_studies"]["year"].tolist() == [late]


def test_an_undecoded_glyph_code_left_in_a_cell_is_caught(defect_base: ReportSpec, tmp_path: Path) -> None:
    def glyph_in_population(rows: list[StudyRow]) -> list[StudyRow]:
        population = rows[1].cells["population"][0]
        return [rows[0], with_cell(rows[1], "population", (f"{population} (cid:12) lost",)), *rows[2:]]

    result = validated_pdf(with_rows(defect_base, glyph_in_population), tmp_path / "glyph.pdf")
    assert checks_of(result) == {"glyph_code"}
    assert result["validation_failures"][["column", "failure_case"]].values.tolist() == [["population", "(cid:12)"]]


@pytest.mark.parametrize(
    ("leftover", "check"),
    [
        ("more adv erse events", "broken_word"),
        ("\uf0b7 a bullet glyph", "private_use_char"),
        ("a lost \ufffd character", "replacement_char"),
    ],
)
def test_artifacts_the_cleanup_missed_are_caught(
    clean_base: tuple[dict[str, pd.DataFrame], Extraction], leftover: str, check: str
) -> None:
    """Cleanup repairs these on the way in, so they are planted in the extracted cell it would have missed."""
    tables, extraction = clean_base
    studies = tables["studies"].copy()
    studies.loc[0, "results"] = f"{studies.loc[0, 'results']} {leftover}"
    result = validate_report({**tables, "studies": studies}, extraction)
    failures = result["validation_failures"]
    assert failures[["check", "column", "ref_no"]].values.tolist() == [[check, "results", 1]]
    assert " the Results cell holds " in failures["message"].iloc[0]


def test_the_seed_reports_exactly_its_real_gap(seed_report: Path) -> None:
    extraction = extract_report(seed_report, Limits())
    result = validate_report(report_tables(extraction, "0.0.0", EXTRACTED_AT), extraction)
    failures = result["validation_failures"]
    assert failures[["ref_no", "column", "check", "severity"]].values.tolist() == [
        [17, "authors_conclusions", "required", "error"]
    ]
    assert result["quarantine_studies"]["ref_no"].tolist() == [17]
    assert len(result["studies"]) == 16
    assert "the Authors' Conclusions cell is empty" in failures["message"].iloc[0]


@pytest.mark.prefect
def test_a_run_publishes_the_data_dictionary_and_a_validation_summary_artifact(
    prefect_server: None, raw_with_seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from prefect.artifacts import Artifact

    from extract.console import format_summary
    from flows.main import extract_reports

    curated = tmp_path / "curated"
    summary = extract_reports(str(raw_with_seed), str(curated), show_progress=False)
    assert (curated / "datapackage.json").read_text(encoding="utf-8") == data_package_json()
    artifact = Artifact.get(ARTIFACT_KEY)
    assert artifact is not None and artifact.type == "markdown"
    assert "| `required` | error | 1 | 1 |" in str(artifact.data)
    printed = [line.split() for line in format_summary(summary).splitlines()]
    assert ["check", "severity", "failures", "reports"] in printed
    assert ["required", "error", "1", "1"] in printed

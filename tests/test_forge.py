"""The report forge draws what its ground truth says, where it says, reproducibly."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.forge import Flaws, GroundTruth, ReportSpec, draw_report, random_spec, seed_spec
from tests.forge.__main__ import main as forge_main
from tests.forge.draw import BodyRow, cell_widths, column_edges, table_entries
from tests.forge.layout import ARTIFACT_LETTERS, line_width, missing_glyphs
from tests.forge.random_spec import ALL_LAYOUTS, Layouts
from tests.forge.spec import COMBINED, STUDY_FIELDS, StudyRow, TableSpec, all_rows, column_key

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "tests" / "fixtures" / "seed"
SAMPLES = {"forged-cadth-style-1": 165, "forged-cadth-style-2": 4, "forged-cadth-style-3": 318}


def squeeze(text: str) -> str:
    """Text with all whitespace removed, so artifact-spaced and clean text compare equal."""
    return "".join(text.split())


def page_texts(path: Path) -> list[str]:
    """pdfplumber's text of every page."""
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def with_table(spec: ReportSpec, **changes: object) -> ReportSpec:
    """The spec with every study table's printing style changed."""
    tables = tuple(dataclasses.replace(table, **changes) for table in spec.tables)
    return dataclasses.replace(spec, tables=tables)


def test_same_spec_draws_byte_identical_pdfs(tmp_path: Path) -> None:
    first = draw_report(random_spec(7), tmp_path / "a.pdf")
    second = draw_report(random_spec(7), tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert first == second


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_committed_samples_regenerate_from_their_seed(tmp_path: Path, stem: str) -> None:
    out = tmp_path / f"{stem}.pdf"
    truth_file = tmp_path / f"{stem}.json"
    forge_main(["--seed", str(SAMPLES[stem]), "--out", str(out), "--truth", str(truth_file)])
    assert out.read_bytes() == (REPO / "raw" / f"{stem}.pdf").read_bytes()
    committed = json.loads((REPO / "tests" / "forge" / "truth" / f"{stem}.json").read_text())
    assert json.loads(truth_file.read_text()) == committed
    assert out.stat().st_size < 100_000


def test_seed_spec_ground_truth_equals_the_golden_csv(tmp_path: Path) -> None:
    truth = draw_report(seed_spec(), tmp_path / "seed.pdf")
    with (SEED_DIR / "expected-studies.csv").open(encoding="utf-8", newline="") as handle:
        golden = list(csv.DictReader(handle))
    assert len(truth.studies) == 17
    for record, expected in zip(truth.studies, golden):
        as_text = {k: "" if v is None else str(v) for k, v in record.items() if k in expected}
        assert as_text == expected
    assert truth.studies[-1]["ref_no"] == 17
    assert truth.studies[-1]["authors_conclusions"] is None


def test_seed_spec_report_metadata_matches_the_golden_json(tmp_path: Path) -> None:
    truth = draw_report(seed_spec(), tmp_path / "seed.pdf")
    golden = json.loads((SEED_DIR / "expected-report.json").read_text(encoding="utf-8"))
    for key in ("research_questions", "search_start", "search_end", "declared_counts"):
        assert truth.report[key] == golden["report"][key]
    assert truth.report["selection_criteria"] == golden["selection_criteria"]
    assert truth.report["abbreviations"] == golden["abbreviations"]
    text = squeeze(" ".join(page_texts(tmp_path / "seed.pdf")))
    assert squeeze("published between January 1, 2012 and October 26, 2017") in text
    assert squeeze("Five systematic reviews, three randomized controlled trials, and nine "
                   "non-randomized studies were identified") in text


def assert_rows_start_on_recorded_pages(truth: GroundTruth, pdf_path: Path) -> None:
    """Each study's surname and year are on the page the ground truth says its row starts.

    Surname words are looked up one by one, hyphenated ones part by part: a surname wrapped
    inside its cell (`van der` / `Berg`, `García-` / `Lopez`) is interleaved with the
    neighbouring cells' lines in the page text.
    """
    texts = [squeeze(text) for text in page_texts(pdf_path)]
    assert len(texts) == truth.pages
    for record in truth.studies:
        page = record["source_page"]
        assert isinstance(page, int)
        for word in re.findall(r"[^\s-]+-?", str(record["first_author"])):
            assert squeeze(word) in texts[page - 1], record["study_key"]
        assert str(record["year"]) in texts[page - 1]


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000))
@example(seed=3656)  # `van der Berg` wraps inside its cell
def test_every_row_starts_on_its_recorded_page(tmp_path_factory: pytest.TempPathFactory,
                                               seed: int) -> None:
    path = tmp_path_factory.mktemp("forge") / "report.pdf"
    truth = draw_report(random_spec(seed), path)
    assert_rows_start_on_recorded_pages(truth, path)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_random_specs_respect_the_contract_shape(seed: int) -> None:
    spec = random_spec(seed)
    rows = [row for table in spec.tables for row in table.rows]
    assert 3 <= len(rows) <= 30
    assert 1 <= len(spec.tables) <= 2
    refs = [row.ref_no for row in rows]
    assert refs == list(range(1, len(rows) + 1)) or refs == [None] * len(rows)
    printed = [f"{row.surname} ({row.year}{row.year_suffix})" for row in rows]
    assert len(set(printed)) == len(printed)
    keys = [row.ref_no or f"{row.surname}-{row.year}" for row in rows]
    assert len(set(keys)) == len(keys)
    for table in spec.tables:
        assert table.grouped or any(c.field == "study_design" for c in table.columns)


def window_years(spec: ReportSpec) -> range:
    """The years a clean report's studies can have: inside the search, not after publication."""
    return range(spec.search_start.year,
                 min(spec.search_end.year, spec.publication_date.year) + 1)


def empty_cells(spec: ReportSpec) -> list[tuple[str, str]]:
    """(surname, column header) of every printed cell left empty."""
    return [(row.surname, column.header) for table in spec.tables for row in table.rows
            for column in table.columns
            if column.field != "author" and not row.cells.get(column_key(column))]


def without_conclusions(row: StudyRow) -> StudyRow:
    """The row with its Authors' Conclusions cell emptied."""
    cells = {**row.cells, "authors_conclusions": ()} if "authors_conclusions" in row.cells else row.cells
    return dataclasses.replace(row, cells=cells)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_random_study_years_fall_inside_the_search_window_before_publication(seed: int) -> None:
    spec = random_spec(seed)
    assert {row.year for row in all_rows(spec)} <= set(window_years(spec))
    assert spec.search_start < spec.search_end < spec.publication_date


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_random_specs_print_no_empty_cell_by_default(seed: int) -> None:
    assert empty_cells(random_spec(seed)) == []


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_the_empty_conclusion_rate_empties_conclusions_and_changes_nothing_else(seed: int) -> None:
    emptied = random_spec(seed, flaws=Flaws(empty_conclusion_rate=1.0))
    clean = random_spec(seed)
    tables = tuple(dataclasses.replace(t, rows=tuple(map(without_conclusions, t.rows)))
                   for t in clean.tables)
    assert emptied == dataclasses.replace(clean, tables=tables)
    assert {header for _, header in empty_cells(emptied)} <= {"Authors' Conclusions", "Conclusions"}


def test_a_small_empty_conclusion_rate_leaves_some_conclusions_empty() -> None:
    specs = [random_spec(seed, flaws=Flaws(empty_conclusion_rate=0.1)) for seed in range(30)]
    conclusions = [row.cells["authors_conclusions"] for spec in specs for row in all_rows(spec)
                   if "authors_conclusions" in row.cells]
    empty = sum(1 for items in conclusions if not items)
    assert 0 < empty < 0.25 * len(conclusions)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_forged_study_years_come_from_the_given_years(seed: int) -> None:
    spec = random_spec(seed, flaws=Flaws(study_years=(2030, 2031)))
    assert {row.year for row in all_rows(spec)} <= {2030, 2031}
    assert all(row.year > spec.publication_date.year for row in all_rows(spec))


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9), year=st.integers(2000, 2030))
def test_study_years_follow_overridden_report_dates(seed: int, year: int) -> None:
    spec = random_spec(seed, search_start=date(year, 1, 1), search_end=date(year + 1, 6, 30),
                       publication_date=date(year + 1, 8, 1))
    assert {row.year for row in all_rows(spec)} <= {year, year + 1}
    assert (spec.search_start, spec.publication_date) == (date(year, 1, 1), date(year + 1, 8, 1))


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_unreferenced_study_keys_stay_unique_in_a_one_year_window(seed: int) -> None:
    spec = random_spec(seed, flaws=Flaws(study_years=(2015, 2015)))
    rows = all_rows(spec)
    keys = [row.ref_no or f"{row.surname}-{row.year}" for row in rows]
    assert len(set(keys)) == len(keys)


def test_a_window_without_years_is_refused() -> None:
    with pytest.raises(ValueError, match="no year"):
        random_spec(1, flaws=Flaws(study_years=(2020, 2019)))


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_committed_samples_are_clean_reports(stem: str) -> None:
    truth = json.loads((REPO / "tests" / "forge" / "truth" / f"{stem}.json").read_text())
    report = truth["report"]
    first = date.fromisoformat(report["search_start"]).year
    last = min(date.fromisoformat(report["search_end"]).year,
               date.fromisoformat(report["publication_date"]).year)
    assert all(first <= study["year"] <= last for study in truth["studies"])
    conclusions_by_table: dict[str, list[object]] = {}
    for study in truth["studies"]:
        conclusions_by_table.setdefault(study["table_label"], []).append(study["authors_conclusions"])
    assert all(all(cells) or not any(cells) for cells in conclusions_by_table.values())


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
@example(seed=1955)  # `García-Lopez` with its glued superscript was wider than its column
def test_cell_text_stays_inside_its_column(seed: int) -> None:
    spec = random_spec(seed)
    for table in spec.tables:
        widths = cell_widths(column_edges(table.columns))
        for entry in table_entries(table, widths, spec.table_size, spec.spacing_artifact):
            if isinstance(entry, BodyRow):
                for lines, width in zip(entry.cells, widths):
                    assert all(line_width(line, spec.spacing_artifact) <= width for line in lines)


def test_words_wider_than_a_column_break_after_their_hyphen(tmp_path: Path) -> None:
    spec = seed_spec()
    table = spec.tables[0]
    wide = "Community-acquired-ventilator-associated-pneumonia"
    first = dataclasses.replace(table.rows[0], cells={**table.rows[0].cells, "indication": (wide,)})
    spec = dataclasses.replace(spec, tables=(dataclasses.replace(
        table, rows=(first,) + table.rows[1:]),))
    truth = draw_report(spec, tmp_path / "wide.pdf")
    assert truth.studies[0]["indication"] == wide
    with pdfplumber.open(tmp_path / "wide.pdf") as pdf:
        page = pdf.pages[int(truth.studies[0]["source_page"]) - 1]  # type: ignore[arg-type]
        words = [w["text"] for w in page.extract_words()]
    assert "Community-" in words
    assert wide not in words


def spec_strings(value: object) -> list[str]:
    """Every string anywhere inside a spec, to check the font can draw all of them."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return spec_strings(dataclasses.astuple(value))  # type: ignore[arg-type]
    if isinstance(value, dict):
        return spec_strings(list(value.items()))
    if isinstance(value, (tuple, list)):
        return [text for item in value for text in spec_strings(item)]
    return []


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_the_font_can_draw_every_character_of_a_random_spec(seed: int) -> None:
    assert missing_glyphs(" ".join(spec_strings(random_spec(seed)))) == set()


def test_the_font_can_draw_the_seed_report_and_tricky_names() -> None:
    assert missing_glyphs(" ".join(spec_strings(seed_spec()))) == set()
    assert missing_glyphs("van der Berg O'Neil Müller Ødegaard ≥ • ’") == set()
    assert missing_glyphs("Nguy\u1ec5n") == {"\u1ec5"}


def test_records_have_the_contract_columns_and_unique_keys(tmp_path: Path) -> None:
    truth = draw_report(random_spec(2), tmp_path / "r.pdf")
    assert all(tuple(record) == STUDY_FIELDS for record in truth.studies)
    keys = [record["study_key"] for record in truth.studies]
    assert len(set(keys)) == len(keys)
    labels = {record["table_label"] for record in truth.studies}
    assert labels == set(truth.report["table_labels"])  # type: ignore[arg-type]
    assert len(labels) == 2


def test_running_header_and_footer_on_every_page(tmp_path: Path) -> None:
    spec = random_spec(5)
    path = tmp_path / "r.pdf"
    truth = draw_report(spec, path)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == truth.pages > 3
        for number, page in enumerate(pdf.pages, start=1):
            lines = (page.extract_text() or "").splitlines()
            assert lines[0] == spec.title
            assert lines[-1].endswith(f"Page {number}")
            assert spec.service_line in lines[-1]


def test_superscript_references_are_smaller_and_raised(tmp_path: Path) -> None:
    spec = with_table(seed_spec(), ref_placement="after_year")
    path = tmp_path / "seed.pdf"
    truth = draw_report(spec, path)
    record = truth.studies[1]
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[int(record["source_page"]) - 1].extract_words(  # type: ignore[arg-type]
            extra_attrs=["size"])
    year_word = next(w for w in words if w["text"] == f"({record['year']})")
    ref_word = next(w for w in words if w["text"] == str(record["ref_no"])
                    and abs(w["x0"] - year_word["x1"]) < 1.0)
    assert ref_word["size"] < year_word["size"] * 0.8
    assert ref_word["bottom"] < year_word["bottom"] - 1.0


def test_inline_references_keep_the_body_size(tmp_path: Path) -> None:
    spec = with_table(seed_spec(), ref_placement="inline")
    path = tmp_path / "seed.pdf"
    truth = draw_report(spec, path)
    record = truth.studies[4]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[int(record["source_page"]) - 1]  # type: ignore[arg-type]
        words = page.extract_words(extra_attrs=["size"])
    ref_word = next(w for w in words if w["text"] == f"[{record['ref_no']}]")
    assert ref_word["size"] == spec.table_size


def test_spacing_artifact_breaks_words_after_f_v_y(tmp_path: Path) -> None:
    clean_path, spaced_path = tmp_path / "clean.pdf", tmp_path / "spaced.pdf"
    clean = draw_report(random_spec(7, spacing_artifact=False), clean_path)
    spaced = draw_report(random_spec(7, spacing_artifact=True), spaced_path)
    assert clean.studies == spaced.studies
    with pdfplumber.open(clean_path) as pdf:
        clean_words = [w["text"] for w in pdf.pages[1].extract_words()]
    with pdfplumber.open(spaced_path) as pdf:
        spaced_words = [w["text"] for w in pdf.pages[1].extract_words()]
    assert "effectiveness" in clean_words
    assert "effectiveness" not in spaced_words
    assert {"ef", "f", "ectiv", "eness"} <= set(spaced_words)
    broken = [w for w in spaced_words[2:] if w[-1] in ARTIFACT_LETTERS]
    assert len(broken) > 20
    assert squeeze(" ".join(clean_words[2:])) == squeeze(" ".join(spaced_words[2:]))


def study_table_vertical_lines(path: Path, truth: GroundTruth) -> int:
    """How many vertical lines are drawn below the study table's caption on its pages."""
    label = str(truth.report["table_labels"][0])  # type: ignore[index]
    first = min(start for start, _ in truth.row_pages.values())
    last = max(end for _, end in truth.row_pages.values())
    count = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[first - 1:last]:
            found = page.search(label)
            caption_top = found[0]["top"] if found else 0.0
            count += sum(1 for line in page.lines
                         if line["x0"] == line["x1"] and line["top"] > caption_top)
    return count


def test_ruled_tables_have_grid_lines_and_unruled_only_rules(tmp_path: Path) -> None:
    ruled, unruled = tmp_path / "ruled.pdf", tmp_path / "unruled.pdf"
    ruled_truth = draw_report(with_table(random_spec(7), ruled=True), ruled)
    unruled_truth = draw_report(with_table(random_spec(7), ruled=False), unruled)
    assert study_table_vertical_lines(ruled, ruled_truth) > 10
    assert study_table_vertical_lines(unruled, unruled_truth) == 0
    with pdfplumber.open(unruled) as pdf:
        first_page = pdf.pages[unruled_truth.studies[0]["source_page"] - 1]  # type: ignore[operator]
        assert any(line["x0"] != line["x1"] for line in first_page.lines)


def long_row_spec() -> ReportSpec:
    """The seed report with one study's results made long enough to cross a page."""
    spec = seed_spec()
    table: TableSpec = spec.tables[0]
    rows = list(table.rows)
    findings = tuple(f"{rows[2].cells['results'][0]} (finding {n})" for n in range(1, 25))
    rows[2] = dataclasses.replace(rows[2], cells={**rows[2].cells, "results": findings})
    return dataclasses.replace(spec, tables=(dataclasses.replace(table, rows=tuple(rows)),))


def test_long_rows_break_across_pages_under_a_repeated_header(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    truth = draw_report(long_row_spec(), path)
    record = truth.studies[2]
    first, last = truth.row_pages[str(record["study_key"])]
    assert last > first == record["source_page"]
    texts = page_texts(path)
    assert "(finding 1)" in texts[first - 1]
    assert "(finding 24)" in texts[last - 1]
    assert "(finding 24)" not in texts[first - 1]
    for page in range(first, last + 1):
        assert "First Author," in texts[page - 1]
        assert "Indication" in texts[page - 1]
    assert str(record["results"]).count("\n") == 23


def test_unmapped_columns_land_in_extra_as_json(tmp_path: Path) -> None:
    spec = next(s for s in map(random_spec, range(100))
                if any(c.field == "extra" for t in s.tables for c in t.columns))
    path = tmp_path / "extra.pdf"
    truth = draw_report(spec, path)
    texts = [squeeze(text) for text in page_texts(path)]
    with_extra = [r for r in truth.studies if r["extra"] is not None]
    assert with_extra
    for record in with_extra:
        country = json.loads(str(record["extra"]))["Country"]
        assert squeeze(country) in texts[int(record["source_page"]) - 1]  # type: ignore[arg-type]
    assert all(r["intervention"] for r in with_extra)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_default_layouts_draw_exactly_the_original_spec(seed: int) -> None:
    assert random_spec(seed, layouts=Layouts()) == random_spec(seed)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_all_layouts_give_one_table_per_question_and_a_design_for_every_row(seed: int) -> None:
    spec = random_spec(seed, layouts=ALL_LAYOUTS)
    assert 1 <= len(spec.tables) == len(spec.research_questions) <= 3
    assert all(table.rows for table in spec.tables)
    for table in spec.tables:
        assert table.grouped or any(c.field == "study_design" for c in table.columns)
    assert empty_cells(spec) == []
    assert missing_glyphs(" ".join(spec_strings(spec))) == set()


def layout_seed(predicate) -> ReportSpec:  # type: ignore[no-untyped-def]
    """The first all-layouts spec of seeds 0..199 that `predicate` accepts."""
    return next(s for s in (random_spec(seed, layouts=ALL_LAYOUTS) for seed in range(200)) if predicate(s))


def test_a_combined_cell_puts_findings_in_results_and_the_paragraph_in_conclusions(tmp_path: Path) -> None:
    spec = layout_seed(lambda s: any(r.conclusion_label for t in s.tables for r in t.rows
                                     if any(c.field == COMBINED for c in t.columns)))
    truth = draw_report(spec, tmp_path / "combined.pdf")
    table = next(t for t in spec.tables if any(c.field == COMBINED for c in t.columns))
    labelled = next(r for r in table.rows if r.conclusion_label)
    record = next(s for s in truth.studies if s["first_author"] == labelled.surname
                  and s["table_label"] == table.label)
    assert record["results"] == "\n".join(labelled.cells["results"])
    assert record["authors_conclusions"] == labelled.cells["authors_conclusions"][0]
    assert labelled.conclusion_label not in str(record["authors_conclusions"])
    text = squeeze(" ".join(page_texts(tmp_path / "combined.pdf")))
    assert squeeze(f"{labelled.conclusion_label} {labelled.cells['authors_conclusions'][0]}") in text
    wordings = {r.conclusion_label or " ".join(r.cells["authors_conclusions"][0].split()[:3])
                for s in map(lambda n: random_spec(n, layouts=ALL_LAYOUTS), range(40))
                for t in s.tables if any(c.field == COMBINED for c in t.columns) for r in t.rows}
    assert {"The authors concluded", "The authors suggested", "Authors' conclusion:", "Conclusion \u2014"} <= wordings


def test_guideline_tables_give_recommendations_as_results_and_the_grade_as_extra(tmp_path: Path) -> None:
    spec = layout_seed(lambda s: "Guidelines" in s.tables[-1].label)
    truth = draw_report(spec, tmp_path / "guideline.pdf")
    table = spec.tables[-1]
    grade = next(c.header for c in table.columns if c.field == "extra")
    assert grade in ("Strength of Evidence", "Quality of Evidence")
    assert "guidelines" in spec.research_questions[-1]
    records = [s for s in truth.studies if s["table_label"] == table.label]
    assert {s["design"] for s in records} == {"guideline"}
    for row, record in zip(table.rows, records):
        assert record["results"] == "\n".join(row.cells["results"])
        assert json.loads(str(record["extra"])) == {grade: row.cells[grade][0]}


@pytest.mark.parametrize("style, marker", [("numbered", "2."), ("lettered_paren", "b)"), ("lettered_dot", "b.")])
def test_marked_research_questions_print_markers_the_truth_leaves_out(tmp_path: Path, style: str,
                                                                      marker: str) -> None:
    spec = layout_seed(lambda s: len(s.research_questions) >= 2)
    spec = dataclasses.replace(spec, question_markers=style)
    truth = draw_report(spec, tmp_path / "questions.pdf")
    assert truth.report["research_questions"] == list(spec.research_questions)
    assert not any(q[:2] in ("1.", "a)", "a.") for q in truth.report["research_questions"])  # type: ignore[union-attr]
    assert squeeze(f"{marker} {spec.research_questions[1]}") in squeeze(page_texts(tmp_path / "questions.pdf")[1])

"""Table pages read one at a time: a page's words go once its grid is cut, and the tables are the same.

The extraction hands each table page to `SummaryTables` as soon as pdfplumber has read it; the
whole-document path (`read_pdf` keeping every page, then `study_tables`) is what `inspect` and
older callers use. Both must find the same tables, and the streaming one must not hold pages.
"""

from __future__ import annotations

import dataclasses
import gc
import weakref
from pathlib import Path

import pytest

from extract.extraction import extract_report, read_pdf_report, study_tables
from extract.model import Page
from extract.readers.quality import TextCounts, text_counts, total_counts
from extract.settings import DEFAULT_LAYOUT
from extract.readers.pdfium import PageSurvey
from extract.readers.pdf import body_left_margin, read_pdf
from extract.layout.furniture import furniture_keys, is_furniture_key
from extract.settings import Limits
from extract.tables.pages import SummaryTables, read_summary_tables, summary_table_grids, tables_from_pages
from tests.forge import draw_report, long_table_rows, random_spec


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A forged report whose one study table runs over many pages."""
    path = tmp_path_factory.mktemp("long") / "long-table.pdf"
    base = random_spec(11, report_id=path.stem)
    table = dataclasses.replace(base.tables[0], rows=long_table_rows(40, 11))
    truth = draw_report(dataclasses.replace(base, tables=(table,)), path)
    assert truth.pages >= 8
    return path


@pytest.mark.parametrize("seed", [3, 21, 45])
def test_streamed_tables_equal_the_whole_document_path(tmp_path: Path, seed: int) -> None:
    path = tmp_path / f"forged-{seed}.pdf"
    draw_report(random_spec(seed, report_id=path.stem), path)
    document, streamed = read_pdf_report(path, Limits())
    whole = read_pdf(path, Limits())
    assert streamed.tables == study_tables(whole)
    assert document.blocks == whole.blocks and document.warnings == whole.warnings
    assert [(p.page_no, p.width, p.height) for p in document.pages] == [(p.page_no, p.width, p.height) for p in whole.pages]


def test_long_table_streamed_equals_whole_and_is_stitched_over_its_pages(long_report: Path) -> None:
    document, streamed = read_pdf_report(long_report, Limits())
    assert streamed.tables == study_tables(read_pdf(long_report, Limits()))
    (table,) = streamed.tables
    assert len(table.rows) == 40 and len(table.report.pages) >= 5


def test_streamed_document_keeps_no_words(long_report: Path) -> None:
    document, _ = read_pdf_report(long_report, Limits())
    assert not any(page.words or page.rulings for page in document.pages)
    assert any(page.words for page in read_pdf(long_report, Limits()).pages)


def test_each_table_page_is_released_once_the_next_one_is_read(long_report: Path) -> None:
    handed: list[weakref.ref[Page]] = []
    alive_when_handed: list[int] = []
    found = SummaryTables()

    def take(page: Page) -> None:
        gc.collect()
        alive_when_handed.append(sum(ref() is not None for ref in handed))
        handed.append(weakref.ref(page))
        found.add_page(page)

    read_pdf(long_report, Limits(), on_table_page=take)
    gc.collect()
    assert len(handed) >= 5
    assert max(alive_when_handed) == 0  # no earlier page is still held when the next arrives
    assert all(ref() is None for ref in handed)
    assert found.tables() == tables_from_pages(read_pdf(long_report, Limits()))


def test_blocks_are_numbered_in_reading_order_across_pages(long_report: Path) -> None:
    blocks = extract_report(long_report, Limits()).document.blocks
    assert [block.index for block in blocks] == list(range(len(blocks)))
    assert [block.page_no for block in blocks] == sorted(block.page_no for block in blocks)


def test_a_table_ends_where_a_page_is_missing(long_report: Path) -> None:
    pages = [page for page in read_pdf(long_report, Limits()).pages if page.words]
    (whole,) = read_summary_tables(pages).tables()
    gap = whole.report.pages[2]
    (cut,) = read_summary_tables([page for page in pages if page.page_no != gap]).tables()
    assert cut.report.pages == whole.report.pages[:2]
    assert len(cut.rows) < len(whole.rows)


def test_grids_are_kept_only_for_drawing(long_report: Path) -> None:
    doc = read_pdf(long_report, Limits())
    ((caption, grids),) = summary_table_grids(doc)
    assert [grid.page_no for grid in grids] == list(study_tables(doc)[0].report.pages)
    pages = [page for page in doc.pages if page.words]
    assert all(not grids for _, grids in read_summary_tables(pages).grids())


def survey(edge_lines: list[tuple[tuple[str, str], float]], body_left: float) -> PageSurvey:
    """A page survey with only the parts the margin and furniture need."""
    return PageSurvey(612.0, 792.0, tuple(edge_lines), body_left, TextCounts())


def test_furniture_keys_repeat_on_enough_pages() -> None:
    title = ("top", "a drawn report")
    keys = furniture_keys([[title], [title, ("bottom", "note")], [title]], DEFAULT_LAYOUT)
    assert keys == frozenset({title})


def test_page_numbers_are_furniture_without_repeating() -> None:
    assert is_furniture_key(("bottom", "page # of #"), frozenset())
    assert not is_furniture_key(("bottom", "see table #"), frozenset())
    assert not is_furniture_key(None, frozenset({("top", "x")}))


def test_body_margin_leaves_running_furniture_out() -> None:
    title = ("top", "a drawn report")
    surveys = [survey([(title, 20.0)], 72.0), survey([(title, 20.0), (("bottom", "a one-off note"), 60.0)], 90.0)]
    assert body_left_margin(surveys, frozenset({title})) == 60.0
    assert body_left_margin([survey([(title, 20.0)], float("inf"))], frozenset({title})) == 0.0



@pytest.mark.parametrize(
    "pages",
    [
        ["Plain words, and numbers 12.", "(cid:3)(cid:17) more (cid:9)", "", "  \n "],
        ["(cid:25)(cid:18)(cid:3)", "\x19\x12 ~~ ##"],
        ["Ünïcode – ‘quoted’ text / 50%", "(cid:1)"],
    ],
)
def test_page_counts_add_up_to_the_counts_of_the_joined_text(pages: list[str]) -> None:
    assert total_counts(map(text_counts, pages)) == text_counts("\n".join(pages))

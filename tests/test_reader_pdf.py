"""The PDF reader on small PDFs drawn here: furniture, blocks, triage and unreadable input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from extract.errors import UnreadableReport
from extract.readers.pdf import check_text_layer, decodable_share, read_pdf, DEFAULT_LAYOUT
from extract.settings import Limits

PAGE_HEIGHT = 792.0
TITLE = "Rapid Response Report: A Drawn Test Report"


def draw_pages(path: Path, bodies: list[list[tuple[str, str, float]]], furniture: bool = True) -> Path:
    """One page per body: (text, font, size) lines from the top margin down, with running furniture."""
    canvas = Canvas(str(path), pagesize=(612, PAGE_HEIGHT))
    for page_no, lines in enumerate(bodies, start=1):
        if furniture:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(54, PAGE_HEIGHT - 30, TITLE)
            canvas.drawString(500, 30, f"Page {page_no} of {len(bodies)}")
        y = PAGE_HEIGHT - 80
        for text, font, size in lines:
            canvas.setFont(font, size)
            canvas.drawString(54, y, text)
            y -= size * 1.3
        canvas.showPage()
    canvas.save()
    return path


def body(words: str) -> list[tuple[str, str, float]]:
    """A heading and a two-line paragraph."""
    return [
        (words, "Helvetica-Bold", 14),
        ("The first line of a paragraph about the evidence", "Helvetica", 10),
        ("and its second line, which wraps onto the next.", "Helvetica", 10),
    ]


def test_running_header_and_page_footer_are_left_out(tmp_path: Path) -> None:
    path = draw_pages(tmp_path / "repeated-header-footer.pdf", [body("Methods"), body("Results"), body("References")])
    doc = read_pdf(path, Limits())
    texts = [b.text for b in doc.blocks]
    assert not any(TITLE in t or "Page" in t for t in texts)
    assert [t for t in texts if "\n" not in t] == ["Methods", "Results", "References"]
    assert doc.n_pages == 3 and doc.source_format == "pdf" and doc.report_id == "repeated-header-footer"


def test_a_line_near_the_top_of_one_page_only_is_kept(tmp_path: Path) -> None:
    pages = [body("Methods"), body("Results")]
    path = draw_pages(tmp_path / "single-top-line.pdf", pages, furniture=False)
    assert [b.text for b in read_pdf(path, Limits()).blocks if "\n" not in b.text] == ["Methods", "Results"]


def test_heading_is_its_own_block_and_paragraph_lines_join(tmp_path: Path) -> None:
    path = draw_pages(tmp_path / "heading-then-paragraph.pdf", [body("Key Findings")], furniture=False)
    blocks = read_pdf(path, Limits()).blocks
    assert [b.text for b in blocks] == [
        "Key Findings",
        "The first line of a paragraph about the evidence\nand its second line, which wraps onto the next.",
    ]
    assert [b.index for b in blocks] == [0, 1]
    assert all(b.page_no == 1 and b.bbox is not None and b.bbox.top > 40 for b in blocks)


def test_only_table_pages_carry_words_with_fonts(tmp_path: Path) -> None:
    table_page = [("Table 2: Summary of Included Studies", "Helvetica-Bold", 10), ("Okafor (2016)", "Helvetica", 9)]
    path = draw_pages(tmp_path / "triage-table-page.pdf", [body("Methods"), table_page, body("References")])
    doc = read_pdf(path, Limits())
    assert [bool(p.words) for p in doc.pages] == [False, True, False]
    words = {w.text: w for w in doc.pages[1].words}
    assert words["Table"].fontname == "Helvetica-Bold" and words["Okafor"].size == 9
    assert TITLE.split()[0] not in words and "Page" not in words


def test_more_pages_than_the_limit_is_too_large(tmp_path: Path) -> None:
    path = draw_pages(tmp_path / "two-pages.pdf", [body("Methods"), body("Results")])
    with pytest.raises(UnreadableReport) as raised:
        read_pdf(path, Limits(max_pages=1))
    assert raised.value.reason == "too_large"


def test_pages_without_text_have_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "drawing-only.pdf"
    canvas = Canvas(str(path))
    canvas.rect(100, 100, 200, 200, fill=1)
    canvas.save()
    with pytest.raises(UnreadableReport) as raised:
        read_pdf(path, Limits())
    assert raised.value.reason == "no_text_layer" and raised.value.source_file == str(path)


def test_cid_glyphs_are_undecodable_text() -> None:
    with pytest.raises(UnreadableReport) as raised:
        check_text_layer(["(cid:25)(cid:18)(cid:3)", ""], "garbled.pdf", DEFAULT_LAYOUT)
    assert raised.value.reason == "undecodable_text" and raised.value.page_no == 1


def test_control_glyphs_of_a_font_without_unicode_map_are_undecodable() -> None:
    with pytest.raises(UnreadableReport) as raised:
        check_text_layer(["ok", '"7+%-\x19\x12\x19\x12'], "garbled.pdf", DEFAULT_LAYOUT)
    assert raised.value.reason == "undecodable_text" and raised.value.page_no == 2


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1))
def test_letters_and_digits_are_fully_decodable(text: str) -> None:
    assert decodable_share(text) == 1.0

"""The PDF reader on small PDFs drawn here: furniture, blocks, triage and unreadable input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from extract.errors import UnreadableReport
from extract.model import BBox
from extract.settings import DEFAULT_LAYOUT
from extract.layout.lines import TextLine, runs_to_segments
from extract.readers.quality import check_text_layer, decodable_share
from extract.readers.pdf import read_pdf
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


# ---------------------------------------------------------------- the character-spacing artifact

ARTIFACT_LETTERS = "fvy"
ARTIFACT_ADVANCE = 3.6  # extra advance after f, v and y, as in CADTH's PDFs: about one word space


def draw_spaced(canvas: Canvas, x: float, y: float, text: str, font: str, size: float) -> float:
    """Draw text as the artifact does (each piece ending in f, v or y followed by extra advance); returns the end x."""
    canvas.setFont(font, size)
    piece = ""
    for char in text:
        piece += char
        if char in ARTIFACT_LETTERS:
            canvas.drawString(x, y, piece)
            x += canvas.stringWidth(piece, font, size) + ARTIFACT_ADVANCE
            piece = ""
    if piece:
        canvas.drawString(x, y, piece)
        x += canvas.stringWidth(piece, font, size)
    return x


def draw_artifact_page(path: Path, lines: list[list[tuple[str, str, float]]]) -> Path:
    """One page of lines, each a list of (text, font, size) spans drawn with the artifact, 14 pt apart."""
    canvas = Canvas(str(path), pagesize=(612, PAGE_HEIGHT))
    y = PAGE_HEIGHT - 80
    for spans in lines:
        x = 54.0
        for text, font, size in spans:
            x = draw_spaced(canvas, x, y, text, font, size)
        y -= 14 if spans[0][2] <= 10 else 26
    canvas.showPage()
    canvas.save()
    return path


def squeezed(text: str) -> str:
    """Text without whitespace, to compare what the artifact may space apart."""
    return "".join(text.split())


def test_artifact_page_blocks_hold_whole_headings_and_sentences(tmp_path: Path) -> None:
    sentence = [
        ("Five systematic reviews, two economic evaluations, and five evidence-based", "Helvetica", 10),
        ("guidelines were identified regarding the use of supportive therapy.", "Helvetica", 10),
    ]
    path = draw_artifact_page(tmp_path / "artifact.pdf", [
        [("Publication Date: ", "Helvetica-Bold", 10), ("May 6, 2016", "Helvetica", 10)],
        [("Key Findings", "Helvetica-Bold", 12)],
        [sentence[0]],
        [sentence[1]],
    ])
    blocks = [squeezed(b.text) for b in read_pdf(path, Limits()).blocks]
    assert blocks == [
        squeezed("Publication Date: May 6, 2016"),
        squeezed("Key Findings"),
        squeezed(sentence[0][0] + sentence[1][0]),
    ]


def test_artifact_gaps_read_as_single_spaces_in_left_to_right_order(tmp_path: Path) -> None:
    path = draw_artifact_page(tmp_path / "one-line.pdf", [[("Key Findings of every survey", "Helvetica-Bold", 12)]])
    (block,) = read_pdf(path, Limits()).blocks
    assert block.text == "Key Findings of ev ery surv ey"


def test_columns_that_repeat_down_the_page_stay_apart(tmp_path: Path) -> None:
    path = tmp_path / "two-columns.pdf"
    canvas = Canvas(str(path), pagesize=(612, PAGE_HEIGHT))
    canvas.setFont("Helvetica", 10)
    for row, (label, cell) in enumerate([("Population", "Adults with chronic pain"), ("Outcomes", "Benefits and harms")]):
        y = PAGE_HEIGHT - 80 - 40 * row
        canvas.drawString(58, y, label)
        canvas.drawString(129, y, cell)  # a gap of under 1.2 em after the label, repeated on both rows
    canvas.save()
    texts = [b.text for b in read_pdf(path, Limits()).blocks]
    assert texts == ["Population", "Adults with chronic pain", "Outcomes", "Benefits and harms"]


def run(text: str, x0: float, width: float, top: float = 100.0, size: float = 10.0) -> TextLine:
    """A text run as pdfium reports it, for the pure line-assembly functions."""
    return TextLine(text, BBox(x0, top, x0 + width, top + size), 1, size, False)


@given(
    st.lists(st.tuples(st.integers(1, 60), st.floats(0.0, 7.9), st.floats(-0.6, 0.6)), min_size=1, max_size=12),
    st.randoms(use_true_random=False),
)
def test_a_line_with_gaps_under_a_column_gap_is_one_segment_in_reading_order(
    pieces: list[tuple[int, float, float]], shuffler: random.Random
) -> None:
    runs, x = [], 54.0
    for number, (width, gap, jitter) in enumerate(pieces):
        runs.append(run(f"w{number}", x, width, top=100.0 + jitter))
        x += width + gap
    shuffled = runs[:]
    shuffler.shuffle(shuffled)
    (segment,) = runs_to_segments(shuffled, DEFAULT_LAYOUT)
    assert segment.text == " ".join(r.text for r in runs)


def test_a_lone_gap_between_one_and_a_column_gap_em_does_not_split_but_a_wider_one_does() -> None:
    loose = [run("loosely", 54, 40), run("set", 104, 20)]  # a 1.0 em gap on a line of its own
    header = [run("Study", 54, 30), run("Country", 100, 40)]  # a 1.6 em gap: a table header
    assert [s.text for s in runs_to_segments(loose, DEFAULT_LAYOUT)] == ["loosely set"]
    assert [s.text for s in runs_to_segments(header, DEFAULT_LAYOUT)] == ["Study", "Country"]

"""The reader's lean geometry path gives the same Page as pdfplumber's own chars, edges, extract_words and find_tables.

The oracle is the path the reader used before: `plumber_page.edges`, `plumber_page.chars` and
`plumber_page.extract_words(...)`, computed here with pdfplumber directly. Every page of forged
reports (with and without the f/v/y spacing artifact), of every readable PDF of the bad-pdfs
corpus and of hand-made pages with an offset or rotated mediabox must come out equal, but for
two things the reader does on purpose: it leaves out what a page clips out of sight (compared
here with clipping set aside; `test_clip` covers it) and reads ligature glyphs as their letters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pdfplumber
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges
import pytest

from pdfminer.pdfinterp import PDFPageInterpreter

from extract.layout.spacing import word_breaks
import extract.readers.plumber as plumber_reader
from extract.text.clean import LIGATURES
from extract.model import Page
from extract.errors import READ_FAILURE_REASONS
from extract.readers.guard import classify_exception
from extract.settings import DEFAULT_LAYOUT
from extract.model import BBox
from extract.layout.bullets import MAX_MARK_PT, MIN_MARK_PT
from extract.readers.paths import MAX_RULE_THICKNESS_PT
from extract.readers.plumber import (
    drawn_bullets,
    inside_any as _inside_any,
    _ruling_from_edge,
    chars_and_edges,
    geometry_page,
)
from extract.readers.words import split_glued_word
from tests.forge import draw_report, random_spec

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus" / "bad-pdfs"
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.pdf"))
CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "doctop", "width", "height", "upright", "fontname", "size", "mcid")
EDGE_KEYS = ("x0", "top", "x1", "bottom", "orientation")


def is_plumber_shading(shape: dict) -> bool:
    """The reader's shading rule on a pdfplumber rect or curve: filled, unstroked, thicker than a rule."""
    return bool(shape["fill"]) and not shape["stroke"] and min(shape["width"], shape["height"]) > MAX_RULE_THICKNESS_PT


def plumber_edges(plumber_page: pdfplumber.page.Page) -> list[dict]:
    """pdfplumber's own edges, in its order, without those of shadings."""
    return [
        *map(line_to_edge, plumber_page.lines),
        *(edge for rect in plumber_page.rects if not is_plumber_shading(rect) for edge in rect_to_edges(rect)),
        *(edge for curve in plumber_page.curves if not is_plumber_shading(curve) for edge in curve_to_edges(curve)),
    ]


def plumber_marks(plumber_page: pdfplumber.page.Page) -> list[BBox]:
    """pdfplumber's small filled rects and curves, as the reader's bullet marks."""
    return [
        BBox(shape["x0"], shape["top"], shape["x1"], shape["bottom"])
        for shape in (*plumber_page.rects, *plumber_page.curves)
        if shape["fill"] and MIN_MARK_PT <= min(shape["width"], shape["height"]) and max(shape["width"], shape["height"]) <= MAX_MARK_PT
    ]


def plumber_geometry_page(plumber_page: pdfplumber.page.Page, page_no: int) -> Page:
    """The former path: pdfplumber's own edges, chars, extract_words and find_tables, with the reader's rules
    (the page's word-gap rule, words parted by a font change only across a gap, shadings are no
    rulings, marks that open a line are bullets), no furniture."""
    settings = DEFAULT_LAYOUT
    rulings = tuple(r for edge in plumber_edges(plumber_page) if (r := _ruling_from_edge(edge, settings)) is not None)
    verticals = [r for r in rulings if r.orientation == "v"]
    raw_words = plumber_page.extract_words(
        x_tolerance=settings.word_x_tolerance, x_tolerance_ratio=word_breaks(plumber_page.chars).word_gap_em(),
        y_tolerance=settings.word_y_tolerance,
        keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"], return_chars=True,
    )
    stream_index = {id(char): index for index, char in enumerate(plumber_page.chars)}
    words = tuple(word for raw in raw_words for word in split_glued_word(raw, verticals, stream_index, page_no))
    words = (*words, *drawn_bullets(plumber_marks(plumber_page), words))
    rotation = int(plumber_page.rotation or 0)
    lattices = tuple(
        tuple(tuple(BBox(*cell) if cell is not None else None for cell in row.cells) for row in table.rows)
        for table in plumber_page.find_tables()
    )
    return Page(page_no, float(plumber_page.width), float(plumber_page.height), words, rulings, rotation, lattices=lattices)


def as_read(text: str) -> str:
    """pdfplumber's text as the reader gives it: ligature glyphs as their letters (`text.clean.LIGATURES`)."""
    return text.translate(LIGATURES)


def compare_every_page(path: Path) -> Counter:
    """Assert both paths agree on every page of a PDF, clipping set aside (pdfplumber draws what a
    page clips out of sight, the reader does not: `test_clip`); count what was compared."""
    seen: Counter = Counter()
    with pdfplumber.open(path) as pdf, pytest.MonkeyPatch.context() as patch:
        patch.setattr(plumber_reader, "ClipInterpreter", PDFPageInterpreter)
        for plumber_page in pdf.pages:
            page_no = plumber_page.page_number
            try:
                old = plumber_geometry_page(plumber_page, page_no)
            except Exception as exc:  # a damaged page: the lean path must fail on it too
                with pytest.raises(type(exc)):
                    plumber_page.close()
                    geometry_page(plumber_page, page_no, [], DEFAULT_LAYOUT)
                seen["failing pages"] += 1
                continue
            new = geometry_page(plumber_page, page_no, [], DEFAULT_LAYOUT)
            old = replace(old, words=tuple(replace(word, text=as_read(word.text)) for word in old.words))
            assert new == old, f"{path.name} page {page_no}"
            chars, edges = chars_and_edges(plumber_page)
            assert chars == [{key: as_read(c[key]) if key == "text" else c[key] for key in CHAR_KEYS} for c in plumber_page.chars]
            assert [{key: e[key] for key in EDGE_KEYS} for e in edges] == [{key: e[key] for key in EDGE_KEYS} for e in plumber_page.edges]
            plumber_page.close()
            seen["pages"] += 1
            seen["words"] += len(new.words)
            seen["rulings"] += len(new.rulings)
            seen["sideways words"] += sum(not w.upright for w in new.words)
            seen["rotated pages"] += new.rotation != 0
    return seen


@pytest.mark.parametrize("seed, artifact", [(3, True), (22, True), (4, False), (318, False)])
def test_forged_report_pages_are_read_as_pdfplumber_reads_them(tmp_path: Path, seed: int, artifact: bool) -> None:
    path = tmp_path / f"forged-{seed}.pdf"
    draw_report(random_spec(seed, spacing_artifact=artifact), path)
    seen = compare_every_page(path)
    assert seen["pages"] >= 2 and seen["words"] > 200 and not seen["failing pages"]


def opened_page_count(path: Path) -> int | None:
    """How many pages pdfplumber opens, or None for a file the reader turns away (after checking its stable reason)."""
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception as exc:  # the reader classifies whatever opening raises
        assert classify_exception(exc, path).reason in READ_FAILURE_REASONS - {"internal_error"}
        return None


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_bad_pdf_pages_are_read_as_pdfplumber_reads_them(name: str) -> None:
    path = CORPUS / name
    n_pages = opened_page_count(path)
    if n_pages is not None:
        seen = compare_every_page(path)
        assert seen["pages"] + seen["failing pages"] == n_pages


def test_most_of_the_corpus_opens_and_is_compared() -> None:
    assert sum(opened_page_count(CORPUS / name) is not None for name in CORPUS_FILES) >= 20


def test_the_corpus_exercises_sideways_text_rotation_and_curved_rulings() -> None:
    totals = sum((compare_every_page(CORPUS / name) for name in (
        "rotated-page-table.pdf", "text-eight-directions-tables.pdf", "control-ema-curved-table.pdf",
    )), Counter())
    assert totals["sideways words"] > 50
    assert totals["rotated pages"] >= 1
    assert totals["rulings"] > 100


# ---------------------------------------------------------------- hand-made pages


CONTENT = (
    b"BT /F1 11 Tf 90 760 Td (Offset mediabox words, fi ligature) Tj ET\n"
    b"BT /F1 7 Tf 300 600 Td (small) Tj 0 -9 Td (next line) Tj ET\n"
    b"1 w 60 700 m 500 700 l S\n"
    b"80 500 220 90 re S\n"
    b"70 400 m 300 400 l 300 300 l 70 300 l h S\n"
    b"70 250 m 120 290 170 290 220 250 c S\n"
    b"q 0 1 -1 0 560 300 cm BT /F1 10 Tf 0 0 Td (sideways) Tj ET Q\n"
    b"q 1 0 0 1 20 -40 cm /X1 Do Q\n"
    b"BT /F2 12 Tf 520 700 Td <002400250026> Tj ET\n"
    b"q 1 0.3 0.4 1 0 0 cm BT /F1 9 Tf 100 60 Td (skewed) Tj ET Q\n"
)
VERTICAL_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /Helvetica /Encoding /Identity-V /DescendantFonts [<< /Type /Font "
    b"/Subtype /CIDFontType2 /BaseFont /Helvetica /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
    b"/FontDescriptor << /Type /FontDescriptor /FontName /Helvetica /Flags 32 /FontBBox [-166 -225 1000 931] "
    b"/ItalicAngle 0 /Ascent 718 /Descent -207 /CapHeight 718 /StemV 88 >> /DW 1000 >>] >>"
)
FORM = b"BT /F1 9 Tf 100 180 Td (inside a form) Tj ET 90 170 m 250 170 l S 95 120 40 30 re S\n"


def hand_made_pdf(mediabox: str, rotate: int) -> bytes:
    """A one-page PDF with text (sideways and in a vertical font), a line, a rect, a closed path, a curve and a form (a figure) on the given mediabox."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox {mediabox} /Rotate {rotate} "
         f"/Resources << /Font << /F1 5 0 R /F2 7 0 R >> /XObject << /X1 6 0 R >> >> /Contents 4 0 R >>").encode(),
        b"<< /Length %d >>\nstream\n" % len(CONTENT) + CONTENT + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Length %d >>\nstream\n"
        % len(FORM) + FORM + b"endstream",
        VERTICAL_FONT,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize("mediabox", ["[0 0 612 792]", "[50 100 662 892]", "[-30.5 12.25 581.5 804.25]"])
@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_offset_and_rotated_mediaboxes_are_read_as_pdfplumber_reads_them(tmp_path: Path, mediabox: str, rotate: int) -> None:
    path = tmp_path / "hand-made.pdf"
    path.write_bytes(hand_made_pdf(mediabox, rotate))
    seen = compare_every_page(path)
    assert seen["pages"] == 1 and seen["words"] >= 12 and seen["rulings"] >= 13 and seen["sideways words"] >= 2


def test_furniture_is_left_out_of_the_lean_path(tmp_path: Path) -> None:
    path = tmp_path / "hand-made.pdf"
    path.write_bytes(hand_made_pdf("[0 0 612 792]", 0))
    with pdfplumber.open(path) as pdf:
        everything = geometry_page(pdf.pages[0], 1, [], DEFAULT_LAYOUT)
        first = everything.words[0]
        without = geometry_page(pdf.pages[0], 1, [first.bbox], DEFAULT_LAYOUT)
    assert first not in without.words and len(without.words) < len(everything.words)
    assert all(not _inside_any(word, [first.bbox]) for word in without.words)

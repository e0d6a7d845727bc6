"""A table page's words, fonts and rulings, read with pdfminer and grouped by pdfplumber: the only pdfplumber importer.

pdfplumber's own page objects build an LTChar and then a dict of every resolved attribute for
every glyph and path, which costs more than parsing the page. So pdfminer's interpreter feeds
our own device (`CharCollector`), which keeps glyphs as lean char dicts with pdfplumber's
coordinates bit for bit, and edges with pdfplumber's arithmetic; words are still grouped by
pdfplumber's WordExtractor, so a word means what it means in pdfplumber. Each glyph keeps the
marked-content id it is drawn under, so a tagged PDF's structure tree (`readers.tagged`) can say
which cell a word is in; and pdfplumber's own table finder cuts each page's lines into cells
(`lattice_tables`), for the strategy that must never do worse than it.
"""

from __future__ import annotations

from dataclasses import replace
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable, Iterator, Sequence

import pdfplumber
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFResourceManager
from pdfminer.psparser import PSLiteral
from pdfminer.utils import Matrix
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.table import TableFinder
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from extract.layout.bullets import marked_starts
from extract.layout.spacing import word_breaks
from extract.model import BBox, Lattice, Page, Ruling, TaggedTable, Word
from extract.readers.clip import ClipBox, ClipInterpreter, clipped_shape, inside_clip
from extract.readers.paths import PageFrame, flipped, layout_edges, layout_marks, shifted
from extract.readers.words import split_glued_word
from extract.readers.symbol_font import builtin_encoding, joined_symbol_glyphs, symbol_text, symbol_width
from extract.readers.tagged import tagged_tables
from extract.settings import LayoutSettings
from extract.text.clean import BULLET, LIGATURES, is_bullet_glyph

PlumberDocument = pdfplumber.PDF


@contextmanager
def plumber_document(path: Path) -> Iterator[PlumberDocument]:
    """The PDF opened with pdfplumber (pdfminer underneath), closed after use."""
    with pdfplumber.open(path) as pdf:
        yield pdf


def read_table_page(
    pdf: PlumberDocument, page_no: int, furniture: Sequence[BBox], settings: LayoutSettings, tagged: tuple[TaggedTable, ...] = (),
) -> Page:
    """A table page's words and rulings (and the tagged tables drawn on it), with what pdfminer and pdfplumber kept of it released once read."""
    plumber_page = pdf.pages[page_no - 1]
    try:
        return replace(geometry_page(plumber_page, page_no, furniture, settings), tagged=tagged)
    finally:
        plumber_page.close()
        release_parsed_objects(plumber_page)


def geometry_page(plumber_page: pdfplumber.page.Page, page_no: int, furniture: Sequence[BBox], settings: LayoutSettings) -> Page:
    """Words (with font name and size) and rulings of one page, furniture left out.

    Words are grouped by pdfplumber's WordExtractor, so their meaning is pdfplumber's; on a page
    that writes its spaces as glyphs, a gap without one joins the word (`layout.spacing`).
    """
    chars, edges, marks = chars_edges_and_marks(plumber_page)
    rulings = tuple(r for edge in edges if (r := _ruling_from_edge(edge, settings)) is not None)
    verticals = [r for r in rulings if r.orientation == "v"]
    breaks = word_breaks(chars)
    extractor = WordExtractor(
        x_tolerance=settings.word_x_tolerance, x_tolerance_ratio=breaks.word_gap_em(),
        y_tolerance=settings.word_y_tolerance, keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"],
    )
    raw_words = extractor.extract_words(chars, return_chars=True)
    stream_index = {id(char): index for index, char in enumerate(chars)}
    words = tuple(
        word for raw in raw_words for word in split_glued_word(raw, verticals, stream_index, page_no, breaks)
        if not inside_any(word, furniture)
    )
    words = with_marker_mcids((*joined_symbol_glyphs(words), *drawn_bullets(marks, words)))
    rotation = int(plumber_page.rotation or 0)
    return Page(page_no, float(plumber_page.width), float(plumber_page.height), words, rulings, rotation, lattices=lattice_tables(edges))


def document_tagged_tables(pdf: PlumberDocument) -> dict[int, tuple[TaggedTable, ...]]:
    """The tables of the PDF's structure tree by page; none for an untagged PDF or a tree that cannot be read.

    The tree is optional metadata the geometric strategies do without, so a broken one costs the
    structure strategy, never the report.
    """
    try:
        return tagged_tables(pdf.doc, {page.page_obj.pageid: page.page_number for page in pdf.pages})
    except Exception:  # a damaged tree can make pdfminer raise anything; the page geometry is still read
        return {}


def lattice_tables(edges: Sequence[dict]) -> tuple[Lattice, ...]:
    """The tables pdfplumber's own finder (`find_tables`, default settings) cuts from a page's edges, as rows of cell boxes."""
    straight = [
        {**edge, "width": edge["x1"] - edge["x0"], "height": edge["bottom"] - edge["top"], "doctop": edge["top"]}
        for edge in edges if edge["orientation"] in ("h", "v")
    ]
    finder = TableFinder(SimpleNamespace(edges=straight))
    return tuple(
        tuple(tuple(BBox(*cell) if cell is not None else None for cell in row.cells) for row in table.rows)
        for table in finder.tables
    )


# A list marker drawn outside its text (a browser's `list-style-position: outside`) can sit in the
# gap between two columns; as a word it stands this many ems before the word it opens at most, so
# it falls in that word's column.
BULLET_LEAD_EM = 0.5


def drawn_bullets(marks: Sequence[BBox], words: Sequence[Word]) -> list[Word]:
    """A bullet word for each mark that opens a line of text (`layout.bullets`), just before the
    word it opens and in that word's marked content (a tagged table's cell)."""
    opened = marked_starts(marks, [word.bbox for word in words], [word.size for word in words])
    return [
        Word(BULLET, beside(mark, words[index]), words[index].fontname, words[index].size, words[index].page_no, words[index].upright, words[index].mcid)
        for mark, index in opened
    ]


def with_marker_mcids(words: Sequence[Word]) -> tuple[Word, ...]:
    """Words, a list marker a tagged PDF draws as an artifact (a bullet glyph outside marked
    content: Chromium's) put in the marked content of the word it opens, so it stays in its cell."""
    markers = {index for index, word in enumerate(words) if word.mcid is None and is_bullet_glyph(word.text)}
    if not markers or all(word.mcid is None for word in words):
        return tuple(words)
    opened = marked_starts([words[i].bbox for i in sorted(markers)], [word.bbox for word in words], [word.size for word in words])
    mcids = {mark: words[index].mcid for mark, index in opened}
    return tuple(replace(word, mcid=mcids.get(word.bbox)) if index in markers else word for index, word in enumerate(words))


def beside(mark: BBox, word: Word) -> BBox:
    """A mark's box moved right, if it stands further off, to end BULLET_LEAD_EM before the word it opens."""
    shift = max(0.0, (word.bbox.x0 - BULLET_LEAD_EM * word.size) - mark.x1)
    return BBox(mark.x0 + shift, mark.top, mark.x1 + shift, mark.bottom)


def release_parsed_objects(plumber_page: pdfplumber.page.Page) -> None:
    """Drop what pdfminer keeps of a page once read: the document's parsed-object cache and the page's decoded content.

    Both live as long as the document and grow with every page read, so memory would grow with
    the page count. A page is read once; fonts are cached apart (by the resource manager), so
    each later page parses only its own objects again.
    """
    cached = getattr(plumber_page.pdf.doc, "_cached_objs", None)
    if isinstance(cached, dict):
        cached.clear()
    plumber_page.page_obj.contents = []


def chars_and_edges(plumber_page: pdfplumber.page.Page) -> tuple[list[dict], list[dict]]:
    """A page's chars in drawing order and its edges (pdfplumber's Page.layout, leaner)."""
    chars, edges, _marks = chars_edges_and_marks(plumber_page)
    return chars, edges


def chars_edges_and_marks(plumber_page: pdfplumber.page.Page) -> tuple[list[dict], list[dict], list[BBox]]:
    """A page's chars in drawing order, its edges and its small filled marks, from one run of pdfminer's interpreter."""
    frame = page_frame(plumber_page)
    device = CharCollector(plumber_page.pdf.rsrcmgr, plumber_page.page_number, frame)
    try:
        ClipInterpreter(plumber_page.pdf.rsrcmgr, device).process_page(plumber_page.page_obj)
    except Exception as exc:  # pdfplumber wraps whatever the interpreter raises; classify_exception expects that shape
        raise PdfminerException(exc) from exc
    layout = device.get_result()
    return device.chars, layout_edges(layout, frame), layout_marks(layout, frame)


def _ruling_from_edge(edge: dict, settings: LayoutSettings) -> Ruling | None:
    """A pdfplumber edge as a Ruling, or None for a speck too short to separate anything or a shading's edge."""
    if edge.get("shading"):
        return None
    orientation = edge.get("orientation")
    box = BBox(edge["x0"], edge["top"], edge["x1"], edge["bottom"])
    if orientation == "h" and box.width >= settings.min_ruling_pt:
        return Ruling("h", box)
    if orientation == "v" and box.height >= settings.min_ruling_pt:
        return Ruling("v", box)
    return None


def inside_any(word: Word, boxes: Iterable[BBox]) -> bool:
    """True when a word's centre lies inside one of the boxes (grown by 2 pt)."""
    cx, cy = (word.bbox.x0 + word.bbox.x1) / 2, (word.bbox.top + word.bbox.bottom) / 2
    return any(b.x0 - 2 <= cx <= b.x1 + 2 and b.top - 2 <= cy <= b.bottom + 2 for b in boxes)


def page_frame(plumber_page: pdfplumber.page.Page) -> PageFrame:
    """The frame of a page as pdfplumber computed it (rotation and mediabox origin included), so our coordinates match its own."""
    mediabox_x0, mediabox_top = plumber_page.mediabox[:2]
    return PageFrame(plumber_page.height, mediabox_x0, mediabox_top, plumber_page.initial_doctop)


def char_dict(char: LTChar, frame: PageFrame) -> dict:
    """The fields of pdfplumber's char dict that word grouping and glued-word splitting read, without its many other attributes."""
    x0, x1 = shifted(frame, char.x0, char.x1)
    top, bottom = flipped(frame, char.y0, char.y1)
    fontname = char.fontname
    if isinstance(fontname, bytes):
        fontname = fix_fontname_bytes(fontname)
    return {
        "text": char.get_text(), "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": frame.initial_doctop + top,
        "width": char.width, "height": char.height, "upright": char.upright, "fontname": fontname, "size": char.size,
    }


def horizontal_glyph_char(
    text: str, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, adv: float, frame: PageFrame,
) -> dict:
    """The char dict of a glyph of a horizontal font, with LTChar's box arithmetic, without building the LTChar (its cost rivals parsing)."""
    descent = font.get_descent() * fontsize
    low, high = descent + rise, descent + rise + fontsize
    a, b, c, d, e, f = matrix
    left1, bottom1 = a * 0 + c * low + e, b * 0 + d * low + f
    right1, bottom2 = a * adv + c * low + e, b * adv + d * low + f
    right2, top1 = a * adv + c * high + e, b * adv + d * high + f
    left2, top2 = a * 0 + c * high + e, b * 0 + d * high + f
    left, right = min(left1, left2, right1, right2), max(left1, left2, right1, right2)
    y0, y1 = min(bottom1, bottom2, top1, top2), max(bottom1, bottom2, top1, top2)
    x0, x1 = shifted(frame, left, right)
    top, bottom = flipped(frame, y0, y1)
    fontname = font.fontname
    if isinstance(fontname, bytes):
        fontname = fix_fontname_bytes(fontname)
    return {
        "text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": frame.initial_doctop + top,
        "width": right - left, "height": y1 - y0, "upright": a * d * scaling > 0 and b * c <= 0,
        "fontname": fontname, "size": y1 - y0,
    }


def innermost_mcid(marked: Sequence[int | None]) -> int | None:
    """The id of the innermost open marked-content section that has one."""
    return next((mcid for mcid in reversed(marked) if mcid is not None), None)


class CharCollector(PDFPageAggregator):
    """pdfminer's page aggregator that keeps glyphs as our char dicts, in drawing order, and only paths and figures in its layout."""

    def __init__(self, rsrcmgr: PDFResourceManager, pageno: int, frame: PageFrame) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=None)
        self.frame = frame
        self.chars: list[dict] = []
        self.marked: list[int | None] = []  # the open marked-content sections' ids, innermost last
        self.forms = 0  # form XObjects being drawn: their marked-content ids are numbered in their own stream
        self.mcid: int | None = None  # the id of the innermost open section that has one
        self._clip: ClipBox | None = None
        self.visible: ClipBox | None = None  # the clipping rectangle in force, in the char dicts' frame
        self.builtin_encodings: dict[int, dict[int, str] | None] = {}  # id of each font met → its own encoding, where pdfminer misreads it

    def begin_tag(self, tag: PSLiteral, props: Any = None) -> None:
        """Open a marked-content section, keeping its MCID when it is the page's own."""
        mcid = props.get("MCID") if isinstance(props, dict) and not self.forms else None
        self.marked.append(mcid if isinstance(mcid, int) else None)
        self.mcid = innermost_mcid(self.marked)

    def end_tag(self) -> None:
        """Close the innermost marked-content section."""
        if self.marked:
            self.marked.pop()
        self.mcid = innermost_mcid(self.marked)

    def begin_figure(self, name: str, bbox: Any, matrix: Matrix) -> None:
        """Enter a form XObject."""
        self.forms += 1
        super().begin_figure(name, bbox, matrix)

    def end_figure(self, name: str) -> None:
        """Leave a form XObject."""
        self.forms -= 1
        super().end_figure(name)


    def render_char(
        self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, cid: int,
        ncs: PDFColorSpace, graphicstate: PDFGraphicState,
    ) -> float:
        """Record one glyph and return its advance, as pdfminer's render_char does."""
        try:
            text = font.to_unichr(cid).translate(LIGATURES)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        width = None
        if (encoding := self.builtin_encodings.setdefault(id(font), builtin_encoding(font))) is not None:
            text, width = symbol_text(encoding, cid, text), symbol_width(font, encoding, cid)
        if font.is_vertical():
            glyph = LTChar(matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid), ncs, graphicstate)
            self.add_char(char_dict(glyph, self.frame))
            return glyph.adv
        adv = (font.char_width(cid) if width is None else width) * fontsize * scaling
        self.add_char(horizontal_glyph_char(text, matrix, font, fontsize, scaling, rise, adv, self.frame))
        return adv

    @property
    def clip(self) -> ClipBox | None:
        """The clipping rectangle in force, in pdfminer's page space, as `readers.clip` sets it."""
        return self._clip

    @clip.setter
    def clip(self, clip: ClipBox | None) -> None:
        self._clip = clip
        if clip is None:
            self.visible = None
        else:
            (x0, x1), (top, bottom) = shifted(self.frame, clip[0], clip[2]), flipped(self.frame, clip[1], clip[3])
            self.visible = (x0, top, x1, bottom)

    def paint_path(self, gstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool, path: Sequence[Any]) -> None:
        """Record a drawn path as pdfminer does, cut to the clip in force (`readers.clip`)."""
        drawn = len(self.cur_item._objs)
        super().paint_path(gstate, stroke, fill, evenodd, path)
        if self.clip is not None:
            shapes = self.cur_item._objs[drawn:]
            del self.cur_item._objs[drawn:]
            self.cur_item._objs.extend(kept for shape in shapes if (kept := clipped_shape(shape, self.clip)) is not None)

    def add_char(self, char: dict) -> None:
        """Keep a glyph's char dict with the marked-content id it is drawn under, unless it is clipped out of sight."""
        if not inside_clip(self.visible, (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2):
            return
        char["mcid"] = self.mcid
        self.chars.append(char)

"""fpdf2: the report placed line by line with fpdf2's own text, line, rectangle and ellipse calls.

Lines are broken by the forge's word layout (same Vera metrics), and fpdf2 writes them: its
own font embedding, text operators and graphics, so the PDF's insides differ from reportlab's.
Rules can be line segments, thin filled rectangles or rectangle strokes; bullets a "•", the
ForgeSymbol U+F0B7 glyph, or a drawn disc.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from tests.forge.content import (
    Cell,
    Cover,
    CriteriaTable,
    GroupEntry,
    Heading,
    Item,
    MarkedList,
    Paragraph,
    References,
    RowEntry,
    Span,
    StudyTable,
    report_blocks,
    running_footer,
)
from tests.forge.layout import BOLD, BULLET, Line, layout_items, line_runs, text_width
from tests.forge.producers.common import SYMBOL_BULLET, SYMBOL_FAMILY, artifact_pieces, font_dir, list_marker
from tests.forge.spec import ReportSpec
from tests.forge.variant import Rendered, Variant, spaced, table_rules

NAME = "fpdf2"
VARIANTS = frozenset({"plain", "rules-lines", "rules-rects", "rules-strokes", "rules-shading",
                      "rules-none", "bullets-glyph", "bullets-shape", "bullets-none", "header-once", "rows-whole",
                      "landscape", "spaced", "cells-middle", "cells-middle-cut"})
PAD = 3.5
TOP, BOTTOM, SIDE = 72.0, 64.0, 54.0
HEADER_RGB, GROUP_RGB, GREY = (217, 227, 242), (237, 237, 237), (89, 89, 89)


class Writer:
    """Flows lines down fpdf2 pages (top-left origin, points), with running header and footer."""

    def __init__(self, spec: ReportSpec, variant: Variant) -> None:
        from fpdf import FPDF

        self.spec, self.variant, self.artifact = spec, variant, spaced(spec, variant)
        self.pdf = FPDF(orientation="L" if variant.landscape else "P", unit="pt", format="letter")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_creation_date(datetime(2020, 1, 1, tzinfo=timezone.utc))
        fonts = font_dir()
        self.pdf.add_font("Forge", "", str(fonts / "Vera.ttf"))
        self.pdf.add_font("Forge", "B", str(fonts / "VeraBd.ttf"))
        self.pdf.add_font(SYMBOL_FAMILY, "", str(fonts / "ForgeSymbol.ttf"))
        self.width = self.pdf.w - 2 * SIDE
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        """Start a page: running header (title, rule) and footer (service line, page number)."""
        pdf = self.pdf
        pdf.add_page()
        pdf.set_text_color(*GREY)
        pdf.set_font("Forge", "", 8)
        pdf.text(SIDE, 40, self.spec.title)
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.5)
        pdf.line(SIDE, 46, pdf.w - SIDE, 46)
        pdf.text(SIDE, pdf.h - 36, running_footer(self.spec))
        label = f"Page {pdf.page_no()}"
        pdf.text(pdf.w - SIDE - pdf.get_string_width(label), pdf.h - 36, label)
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(0, 0, 0)
        self.y = TOP

    def room(self) -> float:
        return self.pdf.h - BOTTOM - self.y

    def lines(self, items: Cell, width: float, size: float) -> list[Line]:
        return layout_items(items, width, size, self.artifact)

    def draw_line(self, line: Line, left: float, baseline: float) -> None:
        """One laid-out line: runs of text, the artifact's advance, bullets as the variant says."""
        pdf = self.pdf
        for run in line_runs(line, self.artifact):
            x, y = left + run.x, baseline - run.rise
            if run.text == BULLET and self.variant.bullets != "text":
                self.bullet(x, baseline, run.size)
                continue
            pdf.set_font("Forge", "B" if run.font == BOLD else "", run.size)
            pieces = artifact_pieces(run.text) if self.artifact and not run.rise else [(run.text, False)]
            for piece, _ in pieces:
                pdf.text(x, y, piece)
                x += text_width(piece, run.font, run.size, self.artifact and not run.rise)

    def bullet(self, x: float, baseline: float, size: float) -> None:
        """A bullet as the ForgeSymbol glyph, as a filled disc with no character behind it, or not at all."""
        if self.variant.bullets == "none":
            return
        if self.variant.bullets == "glyph":
            self.pdf.set_font(SYMBOL_FAMILY, "", size)
            self.pdf.text(x, baseline, SYMBOL_BULLET)
            return
        radius = size * 0.17
        self.pdf.set_fill_color(0, 0, 0)
        self.pdf.ellipse(x + 0.8, baseline - size * 0.33 - radius, 2 * radius, 2 * radius, style="F")

    def paragraph(self, items: Cell, size: float, after: float = 6.0) -> None:
        leading = size * 1.25
        for line in self.lines(items, self.width, size):
            if self.room() < leading:
                self.new_page()
            self.y += leading
            self.draw_line(line, SIDE, self.y - size * 0.22)
        self.y += after

    def heading(self, text: str, size: float = 12.0) -> None:
        if self.room() < size * 1.4 + 3 * self.spec.body_size * 1.25:
            self.new_page()
        self.y += 6
        self.paragraph((Item((Span(text, bold=True),)),), size, after=4)

    def row(self, cells: tuple[list[Line], ...], edges: list[float], size: float, rules: str,
            fill: tuple[int, int, int] | None) -> None:
        """Lines of one row (or a piece of one) with its fill and rules at the cursor."""
        height = max(len(lines) for lines in cells) * size * 1.25 + 2 * PAD
        self.piece(self.placed(cells, height, size), edges, height, size, rules, fill)

    def placed(self, cells: tuple[list[Line], ...], height: float, size: float) -> list[list[tuple[float, Line]]]:
        """Each cell's lines with their tops below the row's top: from the top, or centred in `height`."""
        leading = size * 1.25
        drops = [(height - 2 * PAD - len(lines) * leading) / 2 if self.variant.cells == "middle" else 0.0 for lines in cells]
        return [[(PAD + drop + index * leading, line) for index, line in enumerate(lines)] for lines, drop in zip(cells, drops)]

    def piece(self, placed: list[list[tuple[float, Line]]], edges: list[float], height: float, size: float, rules: str,
              fill: tuple[int, int, int] | None) -> None:
        """A row box `height` tall at the cursor, each cell's lines at their offsets, with its fill and rules."""
        pdf, leading = self.pdf, size * 1.25
        top, left, right = self.y, edges[0], edges[-1]
        if fill is not None and rules in ("lines", "rects", "strokes", "shading"):
            pdf.set_fill_color(*fill)
            pdf.rect(left, top, right - left, height, style="F")
        for lines, x0 in zip(placed, edges):
            for offset, line in lines:
                self.draw_line(line, x0 + PAD, top + offset + leading - size * 0.22)
        self.rules(edges, top, height, rules)
        self.y = top + height

    def canvas_row(self, cells: tuple[list[Line], ...], edges: list[float], size: float, rules: str,
                   next_page: Callable[[], None]) -> list[int]:
        """A row laid out whole, cells centred in its full height, then cut by the pages like one long
        canvas: each page shows the stretch of the row that reaches it, and a line the cut would
        slice moves whole to the next page. Returns the pages that got lines of the row."""
        leading = size * 1.25
        height = max(len(lines) for lines in cells) * leading + 2 * PAD
        placed, start, pages = self.placed(cells, height, size), 0.0, []
        while start < height:
            if self.room() < 2 * leading + 2 * PAD:
                next_page()
            end = min(height, start + self.room())
            here = [[(offset - start, line) for offset, line in lines if start <= offset and offset + leading <= end] for lines in placed]
            if any(here):
                pages.append(self.pdf.page_no())
            self.piece(here, edges, end - start, size, rules, None)
            left = [offset for lines in placed for offset, _ in lines if offset + leading > end]
            start = min(left, default=height)
            if start < height:
                next_page()
        return pages

    def rules(self, edges: list[float], top: float, height: float, rules: str) -> None:
        """Cell borders as the variant draws them."""
        pdf = self.pdf
        pdf.set_line_width(0.5)
        pdf.set_fill_color(0, 0, 0)
        bottom = top + height
        if rules == "lines":
            for y in (top, bottom):
                pdf.line(edges[0], y, edges[-1], y)
            for x in edges:
                pdf.line(x, top, x, bottom)
        elif rules == "rects":
            for y in (top, bottom):
                pdf.rect(edges[0], y - 0.25, edges[-1] - edges[0], 0.5, style="F")
            for x in edges:
                pdf.rect(x - 0.25, top, 0.5, height, style="F")
        elif rules == "strokes":
            for x0, x1 in zip(edges, edges[1:]):
                pdf.rect(x0, top, x1 - x0, height, style="D")

    def header(self, cells: tuple[list[Line], ...], edges: list[float], size: float, rules: str) -> None:
        self.row(cells, edges, size, rules, HEADER_RGB)
        if rules == "header":
            self.pdf.set_line_width(0.8)
            self.pdf.line(edges[0], self.y, edges[-1], self.y)

    def study_table(self, block: StudyTable, rules: str) -> dict[tuple[int, int], tuple[int, int]]:
        """Caption, header (repeated on each page unless told), group rows, rows split or kept whole."""
        size, spec = self.spec.table_size, self.spec
        leading = size * 1.25
        total = sum(block.widths)
        edges = [SIDE]
        for w in block.widths:
            edges.append(edges[-1] + self.width * w / total)
        widths = [b - a - 2 * PAD for a, b in zip(edges, edges[1:])]
        header = tuple(self.lines((Item((Span(h, bold=True),)),), w, size) for h, w in zip(block.headers, widths))
        header_h = max(len(x) for x in header) * leading + 2 * PAD
        if self.room() < spec.body_size * 2 + header_h + 4 * leading + 4 * PAD:
            self.new_page()
        self.paragraph((Item((Span(block.caption, bold=True),)),), spec.body_size, after=3)
        self.header(header, edges, size, rules)
        pages: dict[tuple[int, int], tuple[int, int]] = {}

        def next_page() -> None:
            self.new_page()
            if self.variant.repeat_header:
                self.header(header, edges, size, rules)

        for entry in block.entries:
            if isinstance(entry, GroupEntry):
                if self.room() < 3 * leading + 4 * PAD:
                    next_page()
                group = (self.lines((Item((Span(entry.label, bold=True),)),), self.width - 2 * PAD, size),)
                self.row(group, [edges[0], edges[-1]], size, rules, GROUP_RGB)
                continue
            remaining = tuple(self.lines(cell, w, size) for cell, w in zip(entry.cells, widths))
            tallest = max(len(x) for x in remaining)
            fits_a_page = tallest * leading + 2 * PAD < self.pdf.h - TOP - BOTTOM - header_h
            if not self.variant.split_rows and fits_a_page and self.room() < tallest * leading + 2 * PAD:
                next_page()
            if self.variant.split_rows == "canvas":
                drawn = self.canvas_row(remaining, edges, size, rules, next_page)
                pages[entry.key] = (drawn[0], drawn[-1])
                continue
            while any(remaining):
                fitting = int((self.room() - 2 * PAD) // leading)
                if fitting < min(max(len(x) for x in remaining), 2):
                    next_page()
                    continue
                page = self.pdf.page_no()
                pages[entry.key] = (pages.get(entry.key, (page,))[0], page)
                chunk = tuple(x[:fitting] for x in remaining)
                remaining = tuple(x[fitting:] for x in remaining)
                self.row(chunk, edges, size, rules, None)
                if any(remaining):
                    next_page()
        if block.note:
            self.y += 4
            self.paragraph((Item((Span(block.note),)),), 8.0, after=8)
        return pages


def draw(spec: ReportSpec, variant: Variant, n_pages: int) -> tuple[Writer, dict[tuple[int, int], tuple[int, int]]]:
    """Lay the whole report out once, with `n_pages` printed on the cover."""
    w = Writer(spec, variant)
    pages: dict[tuple[int, int], tuple[int, int]] = {}
    body = spec.body_size
    for block in report_blocks(spec):
        if isinstance(block, Cover):
            w.y = TOP + 60
            w.paragraph((Item((Span(block.report_type, bold=True),)),), 11, after=18)
            w.paragraph((Item((Span(block.title, bold=True),)),), 20, after=40)
            for label, value in (*block.fields, ("Report Length", f"{n_pages} Pages")):
                w.paragraph((Item((Span(f"{label}:", bold=True), Span(value))),), 10, after=2)
            w.new_page()
        elif isinstance(block, Heading):
            if block.level == 1:
                w.paragraph((Item((Span(block.text, bold=True),)),), 16, after=10)
            else:
                w.heading(block.text)
        elif isinstance(block, Paragraph):
            w.paragraph((Item(block.spans),), body)
        elif isinstance(block, MarkedList):
            for i, question in enumerate(block.items):
                w.paragraph((Item((Span(f"{list_marker(block.kind, i)} {question}"),)),), body)
        elif isinstance(block, CriteriaTable):
            criteria_table(w, block)
        elif isinstance(block, StudyTable):
            table = spec.tables[next(e.key[0] for e in block.entries if isinstance(e, RowEntry))]
            pages.update(w.study_table(block, table_rules(table, variant)))
        elif isinstance(block, References):
            w.heading(block.heading)
            for entry in block.entries:
                w.paragraph((Item((Span(entry),)),), 9, after=3)
    return w, pages


def criteria_table(w: Writer, block: CriteriaTable) -> None:
    """Table 1 with line rules, two columns."""
    size = w.spec.table_size
    edges = [SIDE, SIDE + w.width * 0.22, SIDE + w.width]
    if w.room() < w.spec.body_size * 2 + 60:
        w.new_page()
    w.paragraph((Item((Span(block.caption, bold=True),)),), w.spec.body_size, after=3)
    for name, cell in block.rows:
        cells = (w.lines((Item((Span(name, bold=True),)),), edges[1] - edges[0] - 2 * PAD, size),
                 w.lines(cell, edges[2] - edges[1] - 2 * PAD, size))
        if w.room() < max(len(x) for x in cells) * size * 1.25 + 2 * PAD:
            w.new_page()
        w.row(cells, edges, size, "lines", None)
    w.y += 10


def render(spec: ReportSpec, variant: Variant, out_pdf: Path) -> Rendered:
    """Draw twice when needed so the cover's page count is right, then write the PDF."""
    writer, pages = draw(spec, variant, 0)
    n_pages = writer.pdf.page_no()
    writer, pages = draw(spec, variant, n_pages)
    writer.pdf.output(str(out_pdf))
    return Rendered(out_pdf, writer.pdf.page_no(), pages)

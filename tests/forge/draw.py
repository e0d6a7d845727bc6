"""Draw a `ReportSpec` as a CADTH-style PDF and return the ground truth an extractor must recover.

The page of every table row is recorded while drawing; everything else in the ground truth
comes from the spec. The PDF is byte-identical for the same spec (reportlab `invariant=1`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from tests.forge.layout import (
    REGULAR,
    Item,
    Line,
    Span,
    draw_line,
    layout_items,
    register_fonts,
)
from tests.forge.content import (
    SELECTION_TEXT,
    abbreviation_note,
    column_items,
    cover_fields,
    criteria_table,
    key_findings_sentences,
    methods_text,
    question_markers,
    reference_list,
    results_text,
    running_footer,
    summary_spans,
)
from tests.forge.spec import Column, GroundTruth, ReportSpec, TableSpec, ground_truth

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN_X = 54.0
FRAME_TOP = PAGE_HEIGHT - 72.0
FRAME_BOTTOM = 64.0
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
CELL_PAD = 3.5
HEADER_FILL = Color(0.85, 0.89, 0.95)
GROUP_FILL = Color(0.93, 0.93, 0.93)
FURNITURE_GREY = Color(0.35, 0.35, 0.35)


@dataclass(frozen=True)
class GroupRow:
    """A full-width design heading inside a study table."""

    label: str


@dataclass(frozen=True)
class BodyRow:
    """A study row laid out: one list of lines per column, and its index in the table spec."""

    cells: tuple[list[Line], ...]
    row_index: int


class PageWriter:
    """Draws flowing content top to bottom, starting new pages with running header and footer."""

    def __init__(self, canvas: Canvas, spec: ReportSpec) -> None:
        self.canvas = canvas
        self.spec = spec
        self.page_no = 1
        self.y = FRAME_TOP
        self.draw_furniture()

    def draw_furniture(self) -> None:
        """Running header (report title) and footer (service line, page number) on every page."""
        c = self.canvas
        c.setFillColor(FURNITURE_GREY)
        c.setFont(REGULAR, 8)
        c.drawString(MARGIN_X, PAGE_HEIGHT - 40, self.spec.title)
        c.setStrokeColor(FURNITURE_GREY)
        c.setLineWidth(0.5)
        c.line(MARGIN_X, PAGE_HEIGHT - 46, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 46)
        c.drawString(MARGIN_X, 36, running_footer(self.spec))
        c.drawRightString(PAGE_WIDTH - MARGIN_X, 36, f"Page {self.page_no}")
        c.setFillColor(black)
        c.setStrokeColor(black)

    def new_page(self) -> None:
        """Finish this page and start the next at the top of the frame."""
        self.canvas.showPage()
        self.page_no += 1
        self.y = FRAME_TOP
        self.draw_furniture()

    def room(self) -> float:
        """Vertical space left above the bottom margin."""
        return self.y - FRAME_BOTTOM

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` points still fit."""
        if self.room() < height:
            self.new_page()

    def paragraph(self, items: tuple[Item, ...], size: float, space_after: float = 6.0,
                  left: float = MARGIN_X, width: float = FRAME_WIDTH) -> None:
        """Flow paragraphs line by line, breaking pages between lines."""
        leading = size * 1.25
        for line in layout_items(items, width, size, self.spec.spacing_artifact):
            self.ensure(leading)
            self.y -= leading
            draw_line(self.canvas, line, left, self.y + size * 0.22, self.spec.spacing_artifact)
        self.y -= space_after

    def heading(self, text: str, size: float = 12.0) -> None:
        """A bold section heading kept with at least three lines of what follows."""
        self.ensure(size * 1.4 + 3 * self.spec.body_size * 1.25)
        self.y -= 6
        self.paragraph((Item((Span(text, bold=True),)),), size, space_after=4)


def column_edges(columns: tuple[Column, ...]) -> list[float]:
    """x of every column boundary, widths scaled to the frame."""
    total = sum(column.width for column in columns)
    edges = [MARGIN_X]
    for column in columns:
        edges.append(edges[-1] + FRAME_WIDTH * column.width / total)
    return edges


def cell_widths(edges: list[float]) -> list[float]:
    """Room for text in each column once the cell padding is taken off both sides."""
    return [right - left - 2 * CELL_PAD for left, right in zip(edges, edges[1:])]


def draw_row_chunk(w: PageWriter, cells: tuple[list[Line], ...], edges: list[float],
                   size: float, ruled: bool, fill: Color | None) -> None:
    """Draw the given lines of one row (or part of a row) and its grid at the cursor."""
    leading = size * 1.25
    height = max(len(lines) for lines in cells) * leading + 2 * CELL_PAD
    c = w.canvas
    top = w.y
    if fill is not None and ruled:
        c.setFillColor(fill)
        c.rect(edges[0], top - height, edges[-1] - edges[0], height, stroke=0, fill=1)
        c.setFillColor(black)
    for lines, x0 in zip(cells, edges):
        for index, line in enumerate(lines):
            baseline = top - CELL_PAD - (index + 1) * leading + size * 0.22
            draw_line(c, line, x0 + CELL_PAD, baseline, w.spec.spacing_artifact)
    if ruled:
        c.setLineWidth(0.5)
        c.rect(edges[0], top - height, edges[-1] - edges[0], height, stroke=1, fill=0)
        for x in edges[1:-1]:
            c.line(x, top, x, top - height)
    w.y = top - height


def draw_header_row(w: PageWriter, header: tuple[list[Line], ...], edges: list[float],
                    size: float, ruled: bool) -> None:
    """The table's header row; unruled tables get only a rule under it."""
    draw_row_chunk(w, header, edges, size, ruled, HEADER_FILL)
    if not ruled:
        w.canvas.setLineWidth(0.8)
        w.canvas.line(edges[0], w.y, edges[-1], w.y)


def draw_study_table(w: PageWriter, table: TableSpec) -> dict[int, tuple[int, int]]:
    """Draw caption, header (repeated on each page) and rows; return row index → first, last page."""
    size = w.spec.table_size
    leading = size * 1.25
    edges = column_edges(table.columns)
    widths = cell_widths(edges)
    spaced = w.spec.spacing_artifact
    header = tuple(layout_items((Item((Span(col.header, bold=True),)),), width, size, spaced)
                   for col, width in zip(table.columns, widths))
    header_height = max(len(lines) for lines in header) * leading + 2 * CELL_PAD
    minimum_chunk = 2 * leading + 2 * CELL_PAD
    w.ensure(w.spec.body_size * 2 + header_height + 2 * minimum_chunk)
    w.paragraph((Item((Span(table.label, bold=True),)),), w.spec.body_size, space_after=3)
    draw_header_row(w, header, edges, size, table.ruled)
    pages: dict[int, tuple[int, int]] = {}
    for entry in table_entries(table, widths, size, spaced):
        if isinstance(entry, GroupRow):
            if w.room() < leading + 2 * CELL_PAD + minimum_chunk:
                w.new_page()
                draw_header_row(w, header, edges, size, table.ruled)
            group = (layout_items((Item((Span(entry.label, bold=True),)),),
                                  FRAME_WIDTH - 2 * CELL_PAD, size, spaced),)
            draw_row_chunk(w, group, [edges[0], edges[-1]], size, table.ruled, GROUP_FILL)
            continue
        remaining = entry.cells
        while any(remaining):
            fitting = int((w.room() - 2 * CELL_PAD) // leading)
            tallest = max(len(lines) for lines in remaining)
            if fitting < min(tallest, 2):
                w.new_page()
                draw_header_row(w, header, edges, size, table.ruled)
                continue
            pages[entry.row_index] = (pages.get(entry.row_index, (w.page_no,))[0], w.page_no)
            chunk = tuple(lines[:fitting] for lines in remaining)
            remaining = tuple(lines[fitting:] for lines in remaining)
            draw_row_chunk(w, chunk, edges, size, table.ruled, None)
            if any(remaining):
                w.new_page()
                draw_header_row(w, header, edges, size, table.ruled)
    note = abbreviation_note(table)
    if note is not None:
        w.y -= 4
        w.paragraph((Item((Span(note),)),), 8.0, space_after=8)
    return pages


def table_entries(table: TableSpec, widths: list[float], size: float,
                  spaced: bool) -> list[GroupRow | BodyRow]:
    """Group headings and laid-out study rows in printed order."""
    entries: list[GroupRow | BodyRow] = []
    previous_label: str | None = None
    for index, row in enumerate(table.rows):
        if table.grouped and row.design_label != previous_label:
            entries.append(GroupRow(row.design_label))
            previous_label = row.design_label
        cells = tuple(layout_items(column_items(row, table, col), width, size, spaced)
                      for col, width in zip(table.columns, widths))
        entries.append(BodyRow(cells, index))
    return entries


def draw_criteria_table(w: PageWriter) -> None:
    """Table 1: selection criteria, a two-column ruled table without a header row."""
    spec = w.spec
    size = spec.table_size
    edges = [MARGIN_X, MARGIN_X + FRAME_WIDTH * 0.22, MARGIN_X + FRAME_WIDTH]
    widths = cell_widths(edges)
    w.ensure(spec.body_size * 2 + 60)
    w.paragraph((Item((Span("Table 1: Selection Criteria", bold=True),)),), spec.body_size,
                space_after=3)
    for name, items in criteria_table(spec).rows:
        cells = (layout_items((Item((Span(name, bold=True),)),), widths[0], size,
                              spec.spacing_artifact),
                 layout_items(items, widths[1], size, spec.spacing_artifact))
        w.ensure(max(len(lines) for lines in cells) * size * 1.25 + 2 * CELL_PAD)
        draw_row_chunk(w, cells, edges, size, True, None)
    w.y -= 10


def draw_cover(w: PageWriter, n_pages: int) -> None:
    """The cover page: report type, title, service line, version, dates and length."""
    spec = w.spec
    w.y = FRAME_TOP - 60
    w.paragraph((Item((Span(spec.report_type.upper(), bold=True),)),), 11, space_after=18)
    w.paragraph((Item((Span(spec.title, bold=True),)),), 20, space_after=40)
    for label, value in (*cover_fields(spec), ("Report Length", f"{n_pages} Pages")):
        w.paragraph((Item((Span(f"{label}:", bold=True), Span(value))),), 10, space_after=2)
    w.new_page()


def draw_body(w: PageWriter) -> dict[tuple[int, int], tuple[int, int]]:
    """Sections in CADTH order; returns (table index, row index) → first and last page of the row."""
    spec = w.spec
    body = spec.body_size
    w.paragraph((Item((Span(spec.title, bold=True),)),), 16, space_after=10)
    w.heading("Research Questions")
    for marker, question in zip(question_markers(spec), spec.research_questions):
        w.paragraph((Item((Span(f"{marker} {question}" if marker else question),)),), body)
    w.heading("Key Findings")
    w.paragraph((Item((Span(" ".join(key_findings_sentences(spec))),)),), body)
    w.heading("Methods")
    w.paragraph((Item((Span(methods_text(spec)),)),), body)
    w.heading("Selection Criteria")
    w.paragraph((Item((Span(SELECTION_TEXT),)),), body)
    draw_criteria_table(w)
    w.heading("Results")
    w.paragraph((Item((Span(results_text(spec)),)),), body)
    w.heading("Overall Summary of Findings")
    w.paragraph((Item(summary_spans(spec)),), body, space_after=12)
    pages: dict[tuple[int, int], tuple[int, int]] = {}
    for table_index, table in enumerate(spec.tables):
        for row_index, page in draw_study_table(w, table).items():
            pages[(table_index, row_index)] = page
    for references in reference_list(spec):
        w.heading(references.heading)
        for entry in references.entries:
            w.paragraph((Item((Span(entry),)),), 9, space_after=3)
    return pages


def render(spec: ReportSpec,
           n_pages: int) -> tuple[bytes, int, dict[tuple[int, int], tuple[int, int]]]:
    """Draw the whole report once; returns the PDF bytes, its page count and row pages."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1, pageCompression=1)
    canvas.setTitle(spec.title)
    canvas.setAuthor("evidence-extract forge")
    writer = PageWriter(canvas, spec)
    draw_cover(writer, n_pages)
    pages = draw_body(writer)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue(), writer.page_no, pages


def draw_report(spec: ReportSpec, path: Path) -> GroundTruth:
    """Write the PDF to `path` and return what an extractor must find in it."""
    _, n_pages, _ = render(spec, 0)
    pdf, n_pages, pages = render(spec, n_pages)
    path.write_bytes(pdf)
    return ground_truth(spec, n_pages, pages)

"""Draw a `ReportSpec` as a CADTH-style PDF and return the ground truth an extractor must recover.

The page of every table row is recorded while drawing; everything else in the ground truth
comes from the spec. The PDF is byte-identical for the same spec (reportlab `invariant=1`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
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
from tests.forge.spec import (
    CATEGORY_NOUNS,
    DESIGN_ORDER,
    Column,
    GroundTruth,
    ReportSpec,
    StudyRow,
    TableSpec,
    all_rows,
    citation_ranges,
    column_key,
    declared_counts,
    expected_report,
    expected_studies,
    summary_counts,
)

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN_X = 54.0
FRAME_TOP = PAGE_HEIGHT - 72.0
FRAME_BOTTOM = 64.0
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
CELL_PAD = 3.5
HEADER_FILL = Color(0.85, 0.89, 0.95)
GROUP_FILL = Color(0.93, 0.93, 0.93)
FURNITURE_GREY = Color(0.35, 0.35, 0.35)
NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def long_date(day: date) -> str:
    """A date as CADTH prints it: 'January 1, 2012'."""
    return f"{day:%B} {day.day}, {day.year}"


def count_words(n: int) -> str:
    """A count as prose prints it: words up to twenty, digits beyond."""
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def counted_noun(category: str, n: int) -> str:
    """'three randomized controlled trials', 'one systematic review'."""
    singular, plural = CATEGORY_NOUNS[category]
    return f"{count_words(n)} {singular if n == 1 else plural}"


def join_series(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b, and c' — the serial comma CADTH uses."""
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def key_findings_sentences(spec: ReportSpec) -> list[str]:
    """The Key Findings sentence declaring counts, plus the no-HTA sentence when none were found."""
    counts = declared_counts(spec)
    parts = [counted_noun(c, counts[c]) for c in DESIGN_ORDER if counts.get(c)]
    verb = "was" if sum(counts.values()) == 1 else "were"
    text = join_series(parts)
    sentences = [f"{text[0].upper()}{text[1:]} {verb} identified regarding {spec.topic}."]
    if counts["health_technology_assessment"] == 0:
        sentences.append("No relevant health technology assessments were identified.")
    return sentences


def ref_range_text(refs: tuple[int, ...]) -> str:
    """'2-5' for consecutive references, '2,4,7' otherwise."""
    if len(refs) > 1 and list(refs) == list(range(refs[0], refs[-1] + 1)):
        return f"{refs[0]}-{refs[-1]}"
    return ",".join(str(ref) for ref in refs)


def summary_spans(spec: ReportSpec) -> tuple[Span, ...]:
    """The Overall Summary sentence: each design's count followed by its superscript citations."""
    counts = summary_counts(spec)
    ranges = citation_ranges(spec)
    designs = [d for d in DESIGN_ORDER if counts.get(d)]
    spans: list[Span] = []
    for index, design in enumerate(designs):
        text = counted_noun(design, counts[design])
        if index == 0:
            text = text[0].upper() + text[1:]
        joiner = "and " if index == len(designs) - 1 and index > 0 else ""
        comma = "," if len(designs) > 2 and index < len(designs) - 1 else ""
        spans.append(Span(f"{joiner}{text}{comma}"))
        if design in ranges:
            spans.append(Span(ref_range_text(ranges[design]), superscript=True, glue=True))
    tables = join_series([table.label.split(":")[0] for table in spec.tables])
    verb = "was" if len(all_rows(spec)) == 1 else "were"
    spans.append(Span(f"{verb} identified. The results of the studies were varied and are "
                      f"presented in further detail in {tables}."))
    return tuple(spans)


def author_items(row: StudyRow, table: TableSpec) -> tuple[Item, ...]:
    """The author cell as printed, with the reference number where the table's style puts it."""
    year = f"{row.year}{row.year_suffix}"
    name = f"{row.surname} et al." if table.author_format == "et_al" else row.surname
    year_text = f", {year}" if table.author_format == "comma" else f" ({year})"
    ref = str(row.ref_no) if row.ref_no is not None else None
    placement = table.ref_placement if ref is not None else "none"
    if placement == "after_author":
        spans = (Span(name), Span(ref or "", superscript=True, glue=True),
                 Span(year_text.lstrip(" "), glue=table.author_format == "comma"))
        return (Item(spans),)
    base = Span(f"{name}{year_text}")
    if placement == "after_year":
        return (Item((base, Span(ref or "", superscript=True, glue=True))),)
    if placement == "next_line":
        return (Item((base,)), Item((Span(ref or "", superscript=True),)))
    if placement == "inline":
        return (Item((base, Span(f"[{ref}]"))),)
    return (Item((base,)),)


def cell_items(values: tuple[str, ...]) -> tuple[Item, ...]:
    """One value prints as a paragraph; several print as a bulleted list."""
    bullet = len(values) > 1
    return tuple(Item((Span(value),), bullet=bullet) for value in values)


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
        c.drawString(MARGIN_X, 36, f"{self.spec.report_type.upper()}  {self.spec.service_line}")
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
    if table.abbreviations:
        w.y -= 4
        note = "; ".join(f"{short} = {long}" for short, long in table.abbreviations)
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
        cells = tuple(
            layout_items(author_items(row, table) if col.field == "author"
                         else cell_items(row.cells.get(column_key(col), ())), width, size, spaced)
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
    for criterion in spec.criteria:
        name = criterion.name.replace("_", " ").title()
        items = (Item((Span(criterion.lead),)),) + tuple(
            Item((Span(bullet),), bullet=True) for bullet in criterion.bullets)
        cells = (layout_items((Item((Span(name, bold=True),)),), widths[0], size,
                              spec.spacing_artifact),
                 layout_items(items, widths[1], size, spec.spacing_artifact))
        w.ensure(max(len(lines) for lines in cells) * size * 1.25 + 2 * CELL_PAD)
        draw_row_chunk(w, cells, edges, size, True, None)
    w.y -= 10


def reference_entry(row: StudyRow) -> str:
    """An invented but plausible citation for a study, so the reference list looks real."""
    topic = (row.cells.get("indication") or row.cells.get("population") or ("the condition",))[0]
    return (f"{row.surname} A, Martin B, Chen C. Outcomes in {topic[0].lower()}{topic[1:]}: "
            f"a {CATEGORY_NOUNS[row.design][0]}. J Clin Res. {row.year};{row.year % 40 + 3}"
            f"({row.year % 12 + 1}):{row.year % 900 + 11}-{row.year % 900 + 19}.")


def draw_cover(w: PageWriter, n_pages: int) -> None:
    """The cover page: report type, title, service line, version, dates and length."""
    spec = w.spec
    w.y = FRAME_TOP - 60
    w.paragraph((Item((Span(spec.report_type.upper(), bold=True),)),), 11, space_after=18)
    w.paragraph((Item((Span(spec.title, bold=True),)),), 20, space_after=40)
    for label, value in (("Service Line", spec.service_line), ("Version", "1.0"),
                         ("Publication Date", long_date(spec.publication_date)),
                         ("Report Length", f"{n_pages} Pages")):
        w.paragraph((Item((Span(f"{label}:", bold=True), Span(value))),), 10, space_after=2)
    w.new_page()


def methods_text(spec: ReportSpec) -> str:
    """The Methods paragraph with databases and the search window sentence."""
    languages = " and ".join(spec.languages)
    return (f"A limited literature search was conducted on key resources including "
            f"{join_series(list(spec.databases))}, as well as a focused Internet search. "
            f"Methodological filters were applied to limit retrieval to health technology "
            f"assessments, systematic reviews, meta-analyses, randomized controlled trials, "
            f"and non-randomized studies. Where possible, retrieval was limited to the human "
            f"population. The search was also limited to {languages} language documents "
            f"published between {long_date(spec.search_start)} and {long_date(spec.search_end)}. "
            f"Internet links were provided, where available.")


def draw_body(w: PageWriter) -> dict[tuple[int, int], tuple[int, int]]:
    """Sections in CADTH order; returns (table index, row index) → first and last page of the row."""
    spec = w.spec
    body = spec.body_size
    w.paragraph((Item((Span(spec.title, bold=True),)),), 16, space_after=10)
    w.heading("Research Questions")
    numbered = len(spec.research_questions) > 1
    for number, question in enumerate(spec.research_questions, start=1):
        w.paragraph((Item((Span(f"{number}. {question}" if numbered else question),)),), body)
    w.heading("Key Findings")
    w.paragraph((Item((Span(" ".join(key_findings_sentences(spec))),)),), body)
    w.heading("Methods")
    w.paragraph((Item((Span(methods_text(spec)),)),), body)
    w.heading("Selection Criteria")
    w.paragraph((Item((Span("One reviewer screened citations and selected studies based on "
                             "the inclusion criteria presented in Table 1."),)),), body)
    draw_criteria_table(w)
    w.heading("Results")
    w.paragraph((Item((Span("Rapid Response reports are organized so that the higher quality "
                             "evidence is presented first. " + " ".join(
                                 key_findings_sentences(spec))),)),), body)
    w.heading("Overall Summary of Findings")
    w.paragraph((Item(summary_spans(spec)),), body, space_after=12)
    pages: dict[tuple[int, int], tuple[int, int]] = {}
    for table_index, table in enumerate(spec.tables):
        for row_index, page in draw_study_table(w, table).items():
            pages[(table_index, row_index)] = page
    w.heading("References Summarized")
    for row in sorted(all_rows(spec), key=lambda r: (r.ref_no is None, r.ref_no or 0)):
        number = f"{row.ref_no}. " if row.ref_no is not None else ""
        w.paragraph((Item((Span(number + reference_entry(row)),)),), 9, space_after=3)
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
    studies = expected_studies(spec, {key: first for key, (first, _) in pages.items()})
    keys = [str(record["study_key"]) for record in studies]
    spans = dict(zip(keys, (pages[key] for key in sorted(pages))))
    return GroundTruth(studies, expected_report(spec, n_pages), n_pages, spans)

"""python-docx → LibreOffice: the report as a Word document, converted by `soffice --headless`.

Tables are Word tables (borders, header rows marked to repeat, rows allowed to split or not),
bullets Word numbering (the template's List Bullet is Symbol U+F0B7, which LibreOffice writes
as OpenSymbol U+F0B7), the artifact is run-level character spacing on f, v and y. Several
documents convert in one soffice call, each call with a private profile holding the Vera
fonts. Rows are placed from Word bookmarks, which LibreOffice exports as named destinations.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.forge.content import (
    Cell,
    Cover,
    CriteriaTable,
    GroupEntry,
    Heading,
    MarkedList,
    Paragraph,
    References,
    RowEntry,
    Span,
    StudyTable,
    report_blocks,
    running_footer,
)
from tests.forge.producers.common import (
    FAMILY,
    GROUP_FILL,
    HEADER_FILL,
    artifact_pieces,
    font_dir,
    list_marker,
    named_destinations,
    page_count,
    span_words,
)
from tests.forge.spec import ReportSpec
from tests.forge.variant import Rendered, Variant, spaced, table_rules

NAME = "libreoffice"
VARIANTS = frozenset({"plain", "rules-lines", "rules-shading", "rules-none", "bullets-glyph",
                      "markers-auto", "header-once", "rows-whole", "tagged", "landscape", "spaced", "cells-middle"})
FORMATS = {"numbered": ("decimal", "%1."), "lettered_paren": ("lowerLetter", "%1)"),
           "lettered_dot": ("lowerLetter", "%1.")}
Job = tuple[ReportSpec, Variant, Path]


def element(tag: str, **attrs: str):  # type: ignore[no-untyped-def]
    """A WordprocessingML element with w: attributes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    node = OxmlElement(tag)
    for key, value in attrs.items():
        node.set(qn(f"w:{key}"), value)
    return node


class DocxWriter:
    """Builds one report's .docx with python-docx (plus the WordprocessingML it lacks)."""

    def __init__(self, spec: ReportSpec, variant: Variant) -> None:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.shared import Pt

        self.spec, self.variant, self.artifact = spec, variant, spaced(spec, variant)
        self.doc = docx.Document()
        self.bookmark_id = 0
        section = self.doc.sections[0]
        width, height = Pt(612), Pt(792)
        if variant.landscape:
            section.orientation, width, height = WD_ORIENT.LANDSCAPE, height, width
        section.page_width, section.page_height = width, height
        section.left_margin = section.right_margin = Pt(54)
        section.top_margin, section.bottom_margin = Pt(72), Pt(64)
        section.header_distance, section.footer_distance = Pt(36), Pt(28)
        for name in ("Normal", "List Bullet"):
            style = self.doc.styles[name]
            style.font.name, style.font.size = FAMILY, Pt(spec.body_size)
            style.paragraph_format.space_after, style.paragraph_format.space_before = Pt(0), Pt(0)
        self.furniture()

    def furniture(self) -> None:
        """Running header (title) and footer (service line, page number field)."""
        from docx.shared import Pt, RGBColor

        section = self.doc.sections[0]
        header = section.header.paragraphs[0]
        run = header.add_run(self.spec.title)
        run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x59, 0x59, 0x59)
        footer = section.footer.paragraphs[0]
        run = footer.add_run(f"{running_footer(self.spec)}\tPage ")
        run.font.size = Pt(8)
        footer._p.append(self.field("PAGE", "1", 8))
        footer.paragraph_format.tab_stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin,
                                                       alignment=2)

    def field(self, instr: str, shown: str, size: float):  # type: ignore[no-untyped-def]
        """A simple field (PAGE, NUMPAGES) LibreOffice computes when it lays the pages out."""
        node = element("w:fldSimple", instr=instr)
        run = element("w:r")
        props = element("w:rPr")
        props.append(element("w:sz", val=str(int(size * 2))))
        run.append(props)
        text = element("w:t")
        text.text = shown
        run.append(text)
        node.append(run)
        return node

    def runs(self, paragraph, spans: tuple[Span, ...], size: float | None = None) -> None:  # type: ignore[no-untyped-def]
        """Styled runs; with the artifact each f/v/y is its own run with extra character spacing."""
        from docx.shared import Pt

        for span, text in span_words(spans):
            artifact = self.artifact and not span.superscript
            pieces = artifact_pieces(text) if artifact else [(text, False)]
            for piece, extra in pieces:
                for part, spacing in ((piece[:-1], False), (piece[-1:], True)) if extra else ((piece, False),):
                    if not part:
                        continue
                    run = paragraph.add_run(part)
                    run.bold = span.bold or None
                    run.font.superscript = span.superscript or None
                    if size:
                        run.font.size = Pt(size)
                    if spacing:
                        run._r.get_or_add_rPr().append(element("w:spacing", val="72"))

    def bullet_paragraph(self, container):  # type: ignore[no-untyped-def]
        """A bullet paragraph: the template's Symbol bullet, or a numbering whose bullet is a '•' in Vera."""
        if self.variant.bullets == "glyph":
            return container.add_paragraph(style="List Bullet")
        paragraph = container.add_paragraph()
        self.number(paragraph, self.numbering("bullet", "\u2022"))
        return paragraph

    def numbering(self, fmt: str, text: str) -> int:
        """Add an abstract numbering with one level and a num using it; return the num id."""
        part = self.doc.part.numbering_part.element
        abstract_id = str(900 + len(part.findall(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}abstractNum")))
        abstract = element("w:abstractNum", abstractNumId=abstract_id)
        level = element("w:lvl", ilvl="0")
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text), ("w:lvlJc", "left")):
            level.append(element(tag, val=value))
        indent = element("w:pPr")
        indent.append(element("w:ind", left="240", hanging="240" if fmt == "bullet" else "360"))
        level.append(indent)
        if fmt == "bullet":
            props = element("w:rPr")
            props.append(element("w:rFonts", ascii=FAMILY, hAnsi=FAMILY))
            level.append(props)
        abstract.append(level)
        first_num = part.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            part.append(abstract)
        num = part.add_num(int(abstract_id))
        return int(num.numId)

    def number(self, paragraph, num_id: int) -> None:  # type: ignore[no-untyped-def]
        props = paragraph._p.get_or_add_pPr()
        numbering = element("w:numPr")
        numbering.append(element("w:ilvl", val="0"))
        numbering.append(element("w:numId", val=str(num_id)))
        props.append(numbering)

    def bookmark(self, paragraph, name: str, at_start: bool) -> None:  # type: ignore[no-untyped-def]
        """A bookmark at the start or end of a paragraph, exported as a named destination."""
        self.bookmark_id += 1
        start = element("w:bookmarkStart", id=str(self.bookmark_id), name=name)
        end = element("w:bookmarkEnd", id=str(self.bookmark_id))
        if at_start:
            props = paragraph._p.pPr
            anchor = props if props is not None else None
            if anchor is not None:
                anchor.addnext(end)
                anchor.addnext(start)
            else:
                paragraph._p.insert(0, end)
                paragraph._p.insert(0, start)
        else:
            paragraph._p.append(start)
            paragraph._p.append(end)

    def cell(self, docx_cell, items: Cell, size: float) -> list:  # type: ignore[no-untyped-def]
        """Fill a table cell with paragraphs and bullets; returns its paragraphs."""
        paragraphs = []
        for index, item in enumerate(items):
            if item.bullet:
                paragraph = self.bullet_paragraph(docx_cell)
            else:
                paragraph = docx_cell.paragraphs[0] if index == 0 else docx_cell.add_paragraph()
            self.runs(paragraph, item.spans, size)
            paragraphs.append(paragraph)
        first = docx_cell.paragraphs[0]
        if items and items[0].bullet and not first.runs:
            first._p.getparent().remove(first._p)
        return paragraphs or [docx_cell.paragraphs[0]]

    def table(self, headers: tuple[str, ...] | None, widths: tuple[float, ...], rules: str):  # type: ignore[no-untyped-def]
        """A Word table with fixed column widths and the borders the rules ask for."""
        from docx.shared import Pt

        section = self.doc.sections[0]
        full = section.page_width - section.left_margin - section.right_margin
        table = self.doc.add_table(rows=0, cols=len(widths))
        table.autofit = False
        props = table._tbl.tblPr
        borders = element("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(element(f"w:{side}", val="single" if rules == "lines" else "nil", sz="4",
                                   space="0", color="000000"))
        props.append(borders)
        margins = element("w:tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            margins.append(element(f"w:{side}", w="70", type="dxa"))
        props.append(margins)
        self.widths = [int(full * w / sum(widths)) for w in widths]
        for column, width in zip(table.columns, self.widths):
            column.width = width
        if headers is not None:
            row = self.add_row(table)
            if self.variant.repeat_header:
                row._tr.get_or_add_trPr().append(element("w:tblHeader"))
            for cell, header in zip(row.cells, headers):
                self.runs(cell.paragraphs[0], (Span(header, bold=True),), self.spec.table_size)
                if rules in ("lines", "shading"):
                    self.shade(cell, HEADER_FILL)
                if rules == "header":
                    cell_borders = element("w:tcBorders")
                    cell_borders.append(element("w:bottom", val="single", sz="6", space="0", color="000000"))
                    cell._tc.get_or_add_tcPr().append(cell_borders)
        del Pt
        return table

    def add_row(self, table):  # type: ignore[no-untyped-def]
        row = table.add_row()
        for cell, width in zip(row.cells, self.widths):
            cell.width = width
            if self.variant.cells == "middle":
                cell._tc.get_or_add_tcPr().append(element("w:vAlign", val="center"))
        if not self.variant.split_rows:
            row._tr.get_or_add_trPr().append(element("w:cantSplit"))
        return row

    def shade(self, cell, fill: str) -> None:  # type: ignore[no-untyped-def]
        cell._tc.get_or_add_tcPr().append(element("w:shd", val="clear", color="auto", fill=fill.lstrip("#")))

    def study_table(self, block: StudyTable, rules: str) -> None:
        """Caption, header row, design group rows merged across, study rows with bookmarks."""
        self.caption(block.caption)
        table = self.table(block.headers, block.widths, rules)
        size = self.spec.table_size
        for entry in block.entries:
            row = self.add_row(table)
            if isinstance(entry, GroupEntry):
                merged = row.cells[0].merge(row.cells[-1])
                self.runs(merged.paragraphs[0], (Span(entry.label, bold=True),), size)
                if rules in ("lines", "shading"):
                    self.shade(merged, GROUP_FILL)
                continue
            t, r = entry.key
            for c, (cell, items) in enumerate(zip(row.cells, entry.cells)):
                paragraphs = self.cell(cell, items, size)
                if c == 0:
                    self.bookmark(paragraphs[0], f"s{t}x{r}", at_start=True)
                self.bookmark(paragraphs[-1], f"e{t}x{r}x{c}", at_start=False)
        if block.note:
            self.runs(self.doc.add_paragraph(), (Span(block.note),), 8)

    def caption(self, text: str) -> None:
        from docx.shared import Pt

        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(8), Pt(3)
        self.runs(paragraph, (Span(text, bold=True),))

    def build(self) -> None:
        """Every block of the report into the document."""
        from docx.enum.text import WD_BREAK
        from docx.shared import Pt

        spec, doc = self.spec, self.doc
        for block in report_blocks(spec):
            if isinstance(block, Cover):
                doc.add_paragraph().paragraph_format.space_before = Pt(60)
                self.runs(doc.add_paragraph(), (Span(block.report_type, bold=True),), 11)
                title = doc.add_paragraph()
                title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(18), Pt(40)
                self.runs(title, (Span(block.title, bold=True),), 20)
                for label, value in block.fields:
                    self.runs(doc.add_paragraph(), (Span(f"{label}:", bold=True), Span(value)))
                length = doc.add_paragraph()
                self.runs(length, (Span("Report Length:", bold=True), Span("")))
                length.add_run(" ")
                length._p.append(self.field("NUMPAGES", "1", spec.body_size))
                length.add_run(" Pages")
                length.add_run().add_break(WD_BREAK.PAGE)
            elif isinstance(block, Heading):
                paragraph = doc.add_paragraph()
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.space_before = Pt(6 if block.level == 2 else 0)
                paragraph.paragraph_format.space_after = Pt(4 if block.level == 2 else 10)
                self.runs(paragraph, (Span(block.text, bold=True),), 12 if block.level == 2 else 16)
            elif isinstance(block, Paragraph):
                paragraph = doc.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(6)
                self.runs(paragraph, block.spans)
            elif isinstance(block, MarkedList):
                self.questions(block)
            elif isinstance(block, CriteriaTable):
                self.caption(block.caption)
                table = self.table(None, (22, 78), "lines")
                for name, items in block.rows:
                    row = self.add_row(table)
                    self.runs(row.cells[0].paragraphs[0], (Span(name, bold=True),), spec.table_size)
                    self.cell(row.cells[1], items, spec.table_size)
            elif isinstance(block, StudyTable):
                first = next(e.key[0] for e in block.entries if isinstance(e, RowEntry))
                self.study_table(block, table_rules(spec.tables[first], self.variant))
            elif isinstance(block, References):
                heading = doc.add_paragraph()
                heading.paragraph_format.space_before = Pt(10)
                self.runs(heading, (Span(block.heading, bold=True),), 12)
                for entry in block.entries:
                    self.runs(doc.add_paragraph(), (Span(entry),), 9)

    def questions(self, block: MarkedList) -> None:
        """Research questions: typed markers, or Word numbering that makes them."""
        num_id = self.numbering(*FORMATS[block.kind]) if self.variant.markers == "auto" else None
        for index, question in enumerate(block.items):
            paragraph = self.doc.add_paragraph()
            if num_id is None:
                self.runs(paragraph, (Span(f"{list_marker(block.kind, index)} {question}"),))
            else:
                self.number(paragraph, num_id)
                self.runs(paragraph, (Span(question),))


def export_filter(tagged: bool) -> str:
    """soffice's PDF export filter with its options as JSON (LibreOffice 7.4+)."""
    value = "true" if tagged else "false"
    return ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"%s"},'
            '"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}' % value)


def profile_dir() -> Path:
    """This process's LibreOffice profile, holding the Vera fonts so soffice lays text out in them."""
    profile = Path(tempfile.gettempdir()) / f"forge-lo-profile-{os.getuid()}-{os.getpid()}"
    fonts = profile / "user" / "fonts"
    if not fonts.exists():
        fonts.mkdir(parents=True)
        for name in ("Vera.ttf", "VeraBd.ttf"):
            shutil.copy(font_dir() / name, fonts / name)
    return profile


def convert(docs: list[Path], out_dir: Path, tagged: bool) -> None:
    """Convert many .docx in one soffice call (its start-up is most of the cost)."""
    command = ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile_dir().as_uri()}",
               "--convert-to", export_filter(tagged), "--outdir", str(out_dir), *map(str, docs)]
    subprocess.run(command, check=True, capture_output=True, timeout=600)


def render_batch(jobs: list[Job]) -> list[Rendered]:
    """Write every job's .docx, convert them in one soffice call per export setting, read row pages."""
    with tempfile.TemporaryDirectory(prefix="forge-docx-") as folder:
        work = Path(folder)
        for tagged in (False, True):
            group = [(i, job) for i, job in enumerate(jobs) if job[1].tagged == tagged]
            if not group:
                continue
            docs = []
            for index, (spec, variant, _) in group:
                writer = DocxWriter(spec, variant)
                writer.build()
                path = work / f"r{index}.docx"
                writer.doc.save(str(path))
                docs.append(path)
            convert(docs, work, tagged)
            for index, (_, _, out_pdf) in group:
                shutil.move(str(work / f"r{index}.pdf"), out_pdf)
    return [rendered(out_pdf) for _, _, out_pdf in jobs]


def rendered(pdf: Path) -> Rendered:
    """Pages and row pages from the exported bookmarks (s{t}x{r} at a row's start, e{t}x{r}x{c} at its cells' ends; LibreOffice escapes '_' in names)."""
    first: dict[tuple[int, int], int] = {}
    last: dict[tuple[int, int], int] = {}
    for name, page in named_destinations(pdf).items():
        kind, numbers = name[:1], name[1:].split("x")
        if kind not in ("s", "e") or len(numbers) < 2 or not all(n.isdigit() for n in numbers):
            continue
        key = (int(numbers[0]), int(numbers[1]))
        if kind == "s":
            first[key] = page
        last[key] = max(last.get(key, page), page)
    return Rendered(pdf, page_count(pdf), {key: (first[key], max(last.get(key, 0), first[key])) for key in first})


def render(spec: ReportSpec, variant: Variant, out_pdf: Path) -> Rendered:
    """One report through LibreOffice (prefer render_batch for many)."""
    return render_batch([(spec, variant, out_pdf)])[0]

"""Typst: the report as Typst markup, tables as `table()` with a `table.header`, set rules for the look.

Every piece of report text goes in as a string literal (`#"..."`), so no report character is
read as markup. Row pages come from Typst itself: a `metadata` element at the start of each
row's author cell and at the end of each cell records `here().page()`, read back with a query.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.forge.layout import ARTIFACT_LETTERS
from tests.forge.content import (
    Cell,
    Cover,
    CriteriaTable,
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
    ARTIFACT_PT,
    FAMILY,
    FURNITURE_GREY,
    GROUP_FILL,
    HEADER_FILL,
    SYMBOL_BULLET,
    SYMBOL_FAMILY,
    font_dir,
    item_groups,
    list_marker,
    page_count,
    span_words,
)
from tests.forge.spec import ReportSpec
from tests.forge.variant import Rendered, Variant, spaced, table_rules

NAME = "typst"
VARIANTS = frozenset({"plain", "rules-lines", "rules-shading", "rules-none", "bullets-glyph",
                      "bullets-shape", "bullets-none", "markers-auto", "header-once", "rows-whole", "tagged",
                      "landscape", "spaced", "cells-middle"})
VERTICAL = {"top": "top", "middle": "horizon"}
NUMBERINGS = {"numbered": "1.", "lettered_paren": "a)", "lettered_dot": "a."}
MARKERS = {"text": '[•]', "glyph": f'text(font: "{SYMBOL_FAMILY}")[{SYMBOL_BULLET}]',
           "shape": "box(baseline: -2.2pt, circle(radius: 1.6pt, fill: black, stroke: none))", "none": "[]"}


def lit(text: str) -> str:
    """A Typst string literal."""
    return json.dumps(text, ensure_ascii=False)


def txt(text: str, artifact: bool) -> str:
    """Markup printing `text`; with the artifact each f/v/y gets tracking (extra advance after it).

    Tracking, unlike `h()`, is no line-break opportunity, so words stay whole across lines; it
    goes between characters, so it spans each f/v/y (or run of them) and the character after.
    """
    if not artifact:
        return f"#{lit(text)}" if text else ""
    out, plain, index = "", "", 0
    while index < len(text):
        end = index
        while end < len(text) - 1 and text[end] in ARTIFACT_LETTERS:
            end += 1
        if end == index:
            plain += text[index]
            index += 1
            continue
        out += (f"#{lit(plain)}" if plain else "") + f"#text(tracking: {ARTIFACT_PT}pt, {lit(text[index:end + 1])})"
        plain, index = "", end + 1
    return out + (f"#{lit(plain)}" if plain else "")


def spans_markup(spans: tuple[Span, ...], artifact: bool) -> str:
    """Styled spans: bold with `strong`, superscripts with a synthesized `super`."""
    out = ""
    for span, text in span_words(spans):
        lead = "#\" \"" if text.startswith(" ") else ""
        body = txt(text.strip(), artifact and not span.superscript)
        if span.superscript:
            body = f"#super(typographic: false)[{body}]"
        if span.bold:
            body = f"#strong[{body}]"
        out += lead + body
    return out


def cell_markup(items: Cell, variant: Variant, artifact: bool) -> str:
    """A cell's paragraphs and bullet lists, as content."""
    parts = []
    for bullet, group in item_groups(items):
        if bullet:
            entries = ", ".join(f"[{spans_markup(i.spans, artifact)}]" for i in group)
            parts.append(f"#list(marker: {MARKERS[variant.bullets]}, {entries})")
        else:
            parts.extend(f"#par[{spans_markup(i.spans, artifact)}]" for i in group)
    return "\n".join(parts)


def mark(name: str) -> str:
    """A metadata element recording the page it lands on, under the label <rowpage>."""
    return f'#context [#metadata((k: "{name}", p: here().page())) <rowpage>]'


def table_markup(block: StudyTable, rules: str, variant: Variant, artifact: bool) -> str:
    """A study table in Typst's table model: header repeated (or not), group rows spanning all columns."""
    columns = ", ".join(f"{w}fr" for w in block.widths)
    stroke = "0.5pt + black" if rules == "lines" else "none"
    header_fill = f'rgb("{HEADER_FILL}")' if rules in ("lines", "shading") else "none"
    group_fill = f'rgb("{GROUP_FILL}")' if rules in ("lines", "shading") else "none"
    header_cells = ", ".join(f"table.cell(fill: {header_fill})[#strong[{txt(h, artifact)}]]"
                             for h in block.headers)
    cells = [f"table.header(repeat: {str(variant.repeat_header).lower()}, {header_cells})"]
    if rules == "header":
        cells.append("table.hline(y: 1, stroke: 0.8pt + black)")
    breakable = "" if variant.split_rows else "breakable: false, "
    for entry in block.entries:
        if not isinstance(entry, RowEntry):
            cells.append(f"table.cell(colspan: {len(block.headers)}, fill: {group_fill}, {breakable})"
                         f"[#strong[{txt(entry.label, artifact)}]]")
            continue
        t, r = entry.key
        for c, cell in enumerate(entry.cells):
            start = mark(f"s-{t}-{r}") if c == 0 else ""
            cells.append(f"table.cell({breakable})[{start}{cell_markup(cell, variant, artifact)}"
                         f"{mark(f'e-{t}-{r}-{c}')}]")
    note = f"\n#par(text(8pt)[{txt(block.note, artifact)}])" if block.note else ""
    return (f"#block(sticky: true, above: 8pt, below: 3pt)[#strong[{txt(block.caption, artifact)}]]\n"
            f"#table(columns: ({columns},), inset: 3.5pt, stroke: {stroke}, align: left + {VERTICAL[variant.cells]},\n  "
            + ",\n  ".join(cells) + f"\n){note}")


def criteria_markup(block: CriteriaTable, variant: Variant, artifact: bool) -> str:
    """Table 1: ruled, two columns, no header."""
    cells = ",\n  ".join(f"[#strong[{txt(name, artifact)}]], [{cell_markup(cell, variant, artifact)}]"
                         for name, cell in block.rows)
    return (f"#block(sticky: true, above: 8pt, below: 3pt)[#strong[{txt(block.caption, artifact)}]]\n"
            f"#table(columns: (22fr, 78fr), inset: 3.5pt, stroke: 0.5pt + black, align: left + {VERTICAL[variant.cells]},\n  {cells}\n)")


def list_markup(block: MarkedList, variant: Variant, artifact: bool) -> str:
    """Research questions: typed markers in paragraphs, or an `enum` that numbers them."""
    if variant.markers == "typed":
        return "\n".join(f"#par[{txt(f'{list_marker(block.kind, i)} {q}', artifact)}]"
                         for i, q in enumerate(block.items))
    entries = ", ".join(f"[{txt(q, artifact)}]" for q in block.items)
    return f'#enum(numbering: "{NUMBERINGS[block.kind]}", {entries})'


def document(spec: ReportSpec, variant: Variant) -> str:
    """The whole report as one Typst source."""
    artifact = spaced(spec, variant)
    grey = f'rgb("{FURNITURE_GREY}")'
    out = [
        f'#set page(paper: "us-letter", flipped: {str(variant.landscape).lower()}, '
        f"margin: (x: 54pt, top: 72pt, bottom: 64pt), "
        f"header: [#set text(8pt, fill: {grey}); {txt(spec.title, False)} #v(-4pt) "
        f"#line(length: 100%, stroke: 0.5pt + {grey})], "
        f"footer: context [#set text(8pt, fill: {grey}); {txt(running_footer(spec), False)} #h(1fr) "
        f"#\"Page \"#counter(page).display()])",
        f'#set text(font: "{FAMILY}", size: {spec.body_size}pt, hyphenate: false, lang: "en")',
        "#set par(leading: 0.32em, spacing: 6pt)",
        "#set list(indent: 0pt, body-indent: 4pt, spacing: 0.32em)",
        f"#set table(fill: none)\n#show table: set text({spec.table_size}pt)",
        "#show heading.where(level: 1): set text(16pt)\n#show heading.where(level: 2): set text(12pt)",
        "#show heading: set block(above: 10pt, below: 5pt)",
    ]
    for block in report_blocks(spec):
        if isinstance(block, Cover):
            fields = "\n".join(f"#par[#strong[{txt(label + ':', artifact)}] {txt(value, artifact)}]"
                               for label, value in block.fields)
            out.append(f"#v(60pt)\n#par(text(11pt, strong[{txt(block.report_type, artifact)}]))\n#v(12pt)\n"
                       f"#par(text(20pt, strong[{txt(block.title, artifact)}]))\n#v(34pt)\n{fields}\n"
                       f"#par[#strong[{txt('Report Length:', artifact)}] "
                       f'#context str(counter(page).final().first())#" Pages"]\n#pagebreak()')
        elif isinstance(block, Heading):
            out.append(f"#heading(level: {block.level}, outlined: false)[{txt(block.text, artifact)}]")
        elif isinstance(block, Paragraph):
            out.append(f"#par[{spans_markup(block.spans, artifact)}]")
        elif isinstance(block, MarkedList):
            out.append(list_markup(block, variant, artifact))
        elif isinstance(block, CriteriaTable):
            out.append(criteria_markup(block, variant, artifact))
        elif isinstance(block, StudyTable):
            table = spec.tables[next(e.key[0] for e in block.entries if isinstance(e, RowEntry))]
            out.append(table_markup(block, table_rules(table, variant), variant, artifact))
        elif isinstance(block, References):
            out.append(f"#heading(level: 2, outlined: false)[{txt(block.heading, artifact)}]")
            out.extend(f"#par(text(9pt)[{txt(entry, artifact)}])" for entry in block.entries)
    return "\n".join(out) + "\n"


def render(spec: ReportSpec, variant: Variant, out_pdf: Path) -> Rendered:
    """Compile the PDF, then ask Typst where each row's marks landed."""
    import typst

    source = out_pdf.with_suffix(".typ")
    source.write_text(document(spec, variant), encoding="utf-8")
    compiler = typst.Compiler(str(source), root=str(source.parent), font_paths=[str(font_dir())],
                              ignore_system_fonts=True)
    compiler.compile(output=str(out_pdf), format="pdf", pdf_tags=variant.tagged, timestamp=0)
    marks = json.loads(compiler.query("<rowpage>", field="value"))
    first: dict[tuple[int, int], int] = {}
    last: dict[tuple[int, int], int] = {}
    for found in marks:
        kind, t, r, *_ = found["k"].split("-")
        key = (int(t), int(r))
        if kind == "s":
            first[key] = min(first.get(key, found["p"]), found["p"])
        last[key] = max(last.get(key, found["p"]), found["p"])
    pages = page_count(out_pdf)
    source.unlink()
    return Rendered(out_pdf, int(pages), {key: (first[key], last[key]) for key in first})

"""WeasyPrint: the report as HTML and CSS, tables as <table> with <thead>, pages from @page rules.

Rows are found on pages through WeasyPrint's own anchors: the author cell carries the row's id
and every cell ends with an empty element carrying one, so the first and last page of each row
are exact without any text in the PDF to mark them.
"""

from __future__ import annotations

import html
from pathlib import Path

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
    FURNITURE_GREY,
    GROUP_FILL,
    HEADER_FILL,
    SYMBOL_BULLET,
    SYMBOL_FAMILY,
    artifact_pieces,
    font_dir,
    item_groups,
    list_marker,
    span_words,
)
from tests.forge.spec import ReportSpec
from tests.forge.variant import Rendered, Variant, spaced, table_rules

NAME = "weasyprint"
VARIANTS = frozenset({"plain", "rules-lines", "rules-shading", "rules-none", "bullets-glyph",
                      "bullets-shape", "bullets-none", "markers-auto", "header-once", "rows-whole", "tagged",
                      "landscape", "spaced", "cells-middle"})
COUNTER_STYLES = {"numbered": "decimal", "lettered_paren": "paren-alpha", "lettered_dot": "lower-alpha"}


def esc(text: str, artifact: bool) -> str:
    """Text escaped for HTML; with the artifact each f/v/y is a span with trailing letter-spacing."""
    if not artifact:
        return html.escape(text)
    return "".join(f'{html.escape(piece[:-1])}<span class="a">{html.escape(piece[-1])}</span>'
                   if extra else html.escape(piece) for piece, extra in artifact_pieces(text))


def spans_html(spans: tuple[Span, ...], artifact: bool) -> str:
    """Styled spans: bold as <b>, superscripts as <sup> (never spaced)."""
    out = ""
    for span, text in span_words(spans):
        lead = " " if text.startswith(" ") else ""
        body = esc(text.strip(), artifact and not span.superscript)
        if span.superscript:
            body = f"<sup>{body}</sup>"
        if span.bold:
            body = f"<b>{body}</b>"
        out += lead + body
    return out


def cell_html(items: Cell, artifact: bool) -> str:
    """A cell's paragraphs and bullet lists."""
    parts = []
    for bullet, group in item_groups(items):
        if bullet:
            parts.append("<ul>" + "".join(f"<li>{spans_html(i.spans, artifact)}</li>"
                                          for i in group) + "</ul>")
        else:
            parts.extend(f"<p>{spans_html(i.spans, artifact)}</p>" for i in group)
    return "".join(parts)


def marked_list(block: MarkedList, variant: Variant, artifact: bool) -> str:
    """Research questions: markers typed into paragraphs, or an <ol> counting them."""
    if variant.markers == "typed":
        return "".join(f"<p>{list_marker(block.kind, i)} {esc(q, artifact)}</p>"
                       for i, q in enumerate(block.items))
    return (f'<ol style="list-style-type: {COUNTER_STYLES[block.kind]}">'
            + "".join(f"<li>{esc(q, artifact)}</li>" for q in block.items) + "</ol>")


def study_table(block: StudyTable, rules: str, variant: Variant, artifact: bool) -> str:
    """A study table; the header is a <thead> (repeated by WeasyPrint) unless asked not to be."""
    total = sum(block.widths)
    cols = "".join(f'<col style="width:{100 * w / total:.3f}%">' for w in block.widths)
    header = "<tr>" + "".join(f"<th>{esc(h, artifact)}</th>" for h in block.headers) + "</tr>"
    body = [] if variant.repeat_header else [header]
    for entry in block.entries:
        if not isinstance(entry, RowEntry):
            body.append(f'<tr class="group"><td colspan="{len(block.headers)}"><b>'
                        f"{esc(entry.label, artifact)}</b></td></tr>")
            continue
        t, r = entry.key
        cells = "".join(
            f'<td{f" id=s-{t}-{r}" if c == 0 else ""}>{cell_html(cell, artifact)}'
            f'<span id="e-{t}-{r}-{c}"></span></td>' for c, cell in enumerate(entry.cells))
        body.append(f"<tr>{cells}</tr>")
    head = f"<thead>{header}</thead>" if variant.repeat_header else ""
    note = f'<p class="note">{esc(block.note, artifact)}</p>' if block.note else ""
    return (f'<p class="caption"><b>{esc(block.caption, artifact)}</b></p>'
            f'<table class="study {rules}"><colgroup>{cols}</colgroup>{head}'
            f'<tbody>{"".join(body)}</tbody></table>{note}')


def criteria_html(block: CriteriaTable, artifact: bool) -> str:
    """Table 1, ruled, without a header row."""
    rows = "".join(f"<tr><td><b>{esc(name, artifact)}</b></td><td>{cell_html(cell, artifact)}</td></tr>"
                   for name, cell in block.rows)
    return (f'<p class="caption"><b>{esc(block.caption, artifact)}</b></p>'
            f'<table class="criteria lines"><colgroup><col style="width:22%"><col></colgroup>'
            f"<tbody>{rows}</tbody></table>")


def body_html(spec: ReportSpec, variant: Variant, n_pages: int) -> str:
    """Every block of the report as HTML."""
    artifact = spaced(spec, variant)
    out: list[str] = []
    for block in report_blocks(spec):
        if isinstance(block, Cover):
            fields = [*block.fields, ("Report Length", f"{n_pages} Pages")]
            out.append(f'<section class="cover"><p class="type"><b>{esc(block.report_type, artifact)}</b></p>'
                       f'<p class="title"><b>{esc(block.title, artifact)}</b></p>'
                       + "".join(f"<p><b>{esc(label, artifact)}:</b> {esc(value, artifact)}</p>"
                                 for label, value in fields) + "</section>")
        elif isinstance(block, Heading):
            out.append(f"<h{block.level}>{esc(block.text, artifact)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{spans_html(block.spans, artifact)}</p>")
        elif isinstance(block, MarkedList):
            out.append(marked_list(block, variant, artifact))
        elif isinstance(block, CriteriaTable):
            out.append(criteria_html(block, artifact))
        elif isinstance(block, StudyTable):
            table = spec.tables[next(e.key[0] for e in block.entries if isinstance(e, RowEntry))]
            out.append(study_table(block, table_rules(table, variant), variant, artifact))
        elif isinstance(block, References):
            out.append(f"<h2>{esc(block.heading, artifact)}</h2>"
                       + "".join(f'<p class="ref">{esc(e, artifact)}</p>' for e in block.entries))
    return "\n".join(out)


def css(spec: ReportSpec, variant: Variant) -> str:
    """Page furniture, fonts, and the variant's rules, bullets and breaks."""
    fonts = font_dir().as_uri()
    size = "letter landscape" if variant.landscape else "letter"
    bullet = {"text": "ul { list-style-type: disc; }",
              "glyph": f'ul {{ list-style: none; }} li::before {{ content: "{SYMBOL_BULLET}"; '
                       f"font-family: {SYMBOL_FAMILY}; display: inline-block; width: 9pt; margin-left: -9pt; }}",
              "shape": "ul { list-style: none; } li::before { content: ''; display: inline-block; "
                       "width: 3.2pt; height: 3.2pt; border-radius: 50%; background: black; "
                       "margin-left: -8pt; margin-right: 4.8pt; vertical-align: 0.25em; }",
              "none": "ul { list-style: none; }"}[variant.bullets]
    return f"""
@font-face {{ font-family: Forge; src: url({fonts}/Vera.ttf); }}
@font-face {{ font-family: Forge; font-weight: bold; src: url({fonts}/VeraBd.ttf); }}
@font-face {{ font-family: {SYMBOL_FAMILY}; src: url({fonts}/ForgeSymbol.ttf); }}
@counter-style paren-alpha {{ system: extends lower-alpha; suffix: ") "; }}
@page {{ size: {size}; margin: 72pt 54pt 64pt 54pt;
  @top-left {{ content: "{spec.title.replace('"', "'")}"; font: 8pt Forge; color: {FURNITURE_GREY};
              border-bottom: 0.5pt solid {FURNITURE_GREY}; width: 100%; vertical-align: bottom; }}
  @bottom-left {{ content: "{running_footer(spec)}"; font: 8pt Forge; color: {FURNITURE_GREY}; }}
  @bottom-right {{ content: "Page " counter(page); font: 8pt Forge; color: {FURNITURE_GREY}; }} }}
body {{ font-family: Forge; font-size: {spec.body_size}pt; line-height: 1.25; }}
p {{ margin: 0 0 6pt 0; }}
h1 {{ font-size: 16pt; margin: 0 0 10pt 0; }} h2 {{ font-size: 12pt; margin: 10pt 0 4pt 0; break-after: avoid; }}
.cover {{ break-after: page; padding-top: 60pt; }} .cover .type {{ font-size: 11pt; margin-bottom: 18pt; }}
.cover .title {{ font-size: 20pt; margin-bottom: 40pt; }} .cover p {{ margin-bottom: 2pt; }}
.caption {{ margin: 8pt 0 3pt 0; break-after: avoid; }}
.ref {{ font-size: 9pt; margin-bottom: 3pt; }} .note {{ font-size: 8pt; margin-top: 4pt; }}
.a {{ letter-spacing: {3.6}pt; }}
sup {{ font-size: 62%; vertical-align: super; line-height: 0; }}
table {{ width: 100%; border-collapse: collapse; font-size: {spec.table_size}pt; table-layout: fixed; }}
td, th {{ padding: 3.5pt; vertical-align: {variant.cells}; text-align: left; }}
td p, th p {{ margin: 0; }} ul, ol {{ margin: 0; padding-left: 9pt; }} ol {{ padding-left: 18pt; margin-bottom: 6pt; }}
{bullet}
table.lines td, table.lines th {{ border: 0.5pt solid black; }}
table.lines th, table.shading th {{ background: {HEADER_FILL}; }}
table.lines tr.group td, table.shading tr.group td {{ background: {GROUP_FILL}; }}
table.header th {{ border-bottom: 0.8pt solid black; }}
{"" if variant.split_rows else "tr { break-inside: avoid; }"}
"""


def render(spec: ReportSpec, variant: Variant, out_pdf: Path) -> Rendered:
    """Lay the report out (twice when the cover's page count was guessed wrong) and write the PDF."""
    import weasyprint

    style = css(spec, variant)
    guess, document = 0, None
    for _ in range(3):
        page_html = f"<html><head><style>{style}</style></head><body>{body_html(spec, variant, guess)}</body></html>"
        document = weasyprint.HTML(string=page_html, base_url=str(font_dir())).render()
        if len(document.pages) == guess:
            break
        guess = len(document.pages)
    assert document is not None
    document.write_pdf(str(out_pdf), pdf_tags=variant.tagged)
    return Rendered(out_pdf, len(document.pages), anchor_pages(document.pages))


def anchor_pages(pages: list) -> dict[tuple[int, int], tuple[int, int]]:  # type: ignore[type-arg]
    """(table, row) → first and last page, from the row's start and cell-end anchors."""
    first: dict[tuple[int, int], int] = {}
    last: dict[tuple[int, int], int] = {}
    for number, page in enumerate(pages, start=1):
        for anchor in page.anchors:
            kind, *numbers = anchor.split("-")
            if kind not in ("s", "e"):
                continue
            key = (int(numbers[0]), int(numbers[1]))
            if kind == "s":
                first[key] = min(first.get(key, number), number)
            last[key] = max(last.get(key, number), number)
    return {key: (first[key], max(last.get(key, first[key]), first[key])) for key in first}

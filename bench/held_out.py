"""Producers the forge does not draw with, measured apart from the tests: five engines laying out the forge's HTML, and one PDF writer drawing a PDF again.

    .venv/bin/python -m bench.held_out --seeds 2000 2001 2002 2003 2004 --out bench/HELD_OUT.md

The WeasyPrint producer's HTML and CSS (`tests/forge/producers/weasy.py`) are laid out by five
engines the forge never draws with:
- headless Chromium (`chromium --print-to-pdf`, Skia's PDF backend: glyphs positioned one by one,
  list discs drawn as shapes), tagged (its default) and untagged;
- MuPDF's own HTML engine (PyMuPDF's `Story`: equal-width columns, ligature glyphs, outside list
  markers, no running headers, a table header printed once);
- wkhtmltopdf (QtWebKit: one long canvas cut into pages through a clip, so a line at a page break
  is drawn on both pages; system fonts, since it draws web fonts as outlines);
- LibreOffice opening the HTML as a web page (Writer/Web: cells centred vertically in their row,
  no borders drawn);
- xhtml2pdf (reportlab's platypus: A4 pages with narrow margins, so each table's caption sits in
  the top margin; ≥ set in the standard Symbol font with no encoding of its own, list bullets
  in ZapfDingbats; CSS list discs not drawn);
- cairo (poppler's `pdftocairo -pdf`, the PDF writer Firefox, GTK and Inkscape print through)
  drawing Chromium's untagged PDF again: each typeface subset into several font objects, so a
  glyph such as ≥ comes from another font than its word's, and some space glyphs left out.
Nothing in the extractor was made for them: they are here to tell whether what the forge taught
holds on producers it never saw. They lay pages out by themselves, so where a row lands is not
known: the truth's page fields are left out of the comparison, every other field is compared as
`bench.producers` does.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from bench.producers import META_FIELDS, meta_score, errors, score
from tests.forge.cache import Case, case_spec
from tests.forge.producers.common import font_dir
from tests.forge.producers.weasy import body_html, css
from tests.forge.spec import GroundTruth, ground_truth
from tests.forge.variant import VARIANTS

OUT = Path("bench/out/held-out")
VARIANT_NAMES = ("plain", "spaced", "rules-none", "rules-lines", "rules-shading", "bullets-glyph", "bullets-shape", "bullets-none", "markers-auto", "header-once", "rows-whole", "landscape", "cells-middle")
PAGE_FIELDS = ("source_page",)


Drawn = tuple[Path, GroundTruth, str]  # the PDF, its truth without pages, its report id
Writer = Callable[[Any, Any, Path, Path], None]  # (spec, variant, html path, pdf path): lays the report out


def held_out_pdf(stem: str, seed: int, variant: str, write: Writer) -> Drawn:
    """The seed's report drawn by one held-out engine, cached under bench/out/held-out as `{stem}-{seed}-{variant}`."""
    spec = case_spec(Case("weasyprint", variant, seed))
    OUT.mkdir(parents=True, exist_ok=True)
    html, pdf = (OUT / f"{stem}-{seed}-{variant}.html").absolute(), (OUT / f"{stem}-{seed}-{variant}.pdf").absolute()
    if not pdf.exists():
        write(spec, VARIANTS[variant], html, pdf)
    truth = ground_truth(spec, 1, {})
    return pdf, replace(truth, studies=tuple({k: v for k, v in row.items() if k not in PAGE_FIELDS} for row in truth.studies)), spec.report_id


def print_to_pdf(seed: int, variant: str, tagged: bool) -> Drawn:
    """Chromium printing the forge's HTML, tagged or not."""

    def write(spec: Any, drawn: Any, html: Path, pdf: Path) -> None:
        html.write_text(f"<html><head><base href='{font_dir().as_uri()}/'><style>{css(spec, drawn)}</style></head>"
                        f"<body>{body_html(spec, drawn, 0)}</body></html>", encoding="utf-8")
        command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   *(() if tagged else ("--disable-pdf-tagging",)), f"--print-to-pdf={pdf}", html.as_uri()]
        subprocess.run(command, capture_output=True, timeout=180, check=True)

    return held_out_pdf(f"chromium-{'tagged' if tagged else 'untagged'}", seed, variant, write)


def mupdf_pdf(seed: int, variant: str) -> Drawn:
    """MuPDF's own HTML engine laying the forge's HTML out."""

    def write(spec: Any, drawn: Any, html: Path, pdf: Path) -> None:
        import pymupdf  # the held-out extra (`make bench-held-out` installs it); the extractor never imports it

        style = without_page_rules(css(spec, drawn)).replace(f"{font_dir().as_uri()}/", "")
        story = pymupdf.Story(html=body_html(spec, drawn, 0), user_css=style, archive=pymupdf.Archive(str(font_dir())))
        writer = pymupdf.DocumentWriter(str(pdf))
        page = pymupdf.paper_rect("letter")
        more = True
        while more:
            device = writer.begin_page(page)
            more, _ = story.place(page + (54, 72, -54, -64))
            story.draw(device)
            writer.end_page()
        writer.close()

    return held_out_pdf("mupdf", seed, variant, write)


def wkhtmltopdf_pdf(seed: int, variant: str) -> Drawn:
    """wkhtmltopdf (QtWebKit) laying the forge's HTML out, in system fonts (it draws web fonts as outlines)."""

    def write(spec: Any, drawn: Any, html: Path, pdf: Path) -> None:
        html.write_text(system_font_page(spec, drawn), encoding="utf-8")
        margins = ("-T", "25mm", "-B", "22mm", "-L", "19mm", "-R", "19mm")
        command = ["wkhtmltopdf", "-q", "--enable-local-file-access", "-s", "Letter", *margins, str(html), str(pdf)]
        subprocess.run(command, capture_output=True, timeout=180, check=True)

    return held_out_pdf("wkhtmltopdf", seed, variant, write)


def libreoffice_html_pdf(seed: int, variant: str) -> Drawn:
    """LibreOffice opening the forge's HTML as a web page (Writer/Web: cells centred vertically, CSS borders not drawn)."""

    def write(spec: Any, drawn: Any, html: Path, pdf: Path) -> None:
        html.write_text(system_font_page(spec, drawn), encoding="utf-8")
        command = ["soffice", "--headless", "--norestore", f"-env:UserInstallation={(OUT / 'lo-profile').absolute().as_uri()}",
                   "--convert-to", "pdf:writer_web_pdf_Export", "--outdir", str(pdf.parent), str(html)]
        subprocess.run(command, capture_output=True, timeout=300, check=True)

    return held_out_pdf("libreoffice-html", seed, variant, write)


def xhtml2pdf_pdf(seed: int, variant: str) -> Drawn:
    """xhtml2pdf laying the forge's HTML out with reportlab."""

    def write(spec: Any, drawn: Any, html: Path, pdf: Path) -> None:
        from xhtml2pdf import pisa

        html.write_text(system_font_page(spec, drawn), encoding="utf-8")
        with pdf.open("wb") as out:
            pisa.CreatePDF(html.read_text(encoding="utf-8"), dest=out, encoding="utf-8")

    return held_out_pdf("xhtml2pdf", seed, variant, write)


def cairo_pdf(seed: int, variant: str) -> Drawn:
    """Chromium's untagged PDF drawn again by cairo (poppler's `pdftocairo -pdf`), the PDF writer
    Firefox, GTK and Inkscape print through: one typeface subset into several font objects, glyphs
    positioned its own way, some space glyphs left out as bare gaps."""
    printed, _, _ = print_to_pdf(seed, variant, False)

    def write(spec: Any, drawn: Any, html: Path, pdf: Path) -> None:
        subprocess.run(["pdftocairo", "-pdf", str(printed), str(pdf)], capture_output=True, timeout=180, check=True)

    return held_out_pdf("cairo", seed, variant, write)


def system_font_page(spec: Any, drawn: Any) -> str:
    """The forge's HTML page in the system's DejaVu Sans (`system_font_css`)."""
    return f"<html><head><meta charset='utf-8'><style>{system_font_css(spec, drawn)}</style></head><body>{body_html(spec, drawn, 0)}</body></html>"


def system_font_css(spec: Any, drawn: Any) -> str:
    """The forge's stylesheet without @page rules and with the system's DejaVu Sans for its text
    (the symbol font stays: its bullets are drawn as shapes where web fonts are not embedded)."""
    text_faces = r"@font-face\s*\{\s*font-family:\s*Forge;[^{}]*\}"
    return re.sub(r"\bForge\b(?!Symbol)", "'DejaVu Sans'", re.sub(text_faces, "", without_page_rules(css(spec, drawn))))


def without_page_rules(style: str) -> str:
    """A stylesheet without its @page rules (running headers and margins), which these engines do not lay out."""
    return re.sub(r"@page\s*\{(?:[^{}]|\{[^{}]*\})*\}", "", style)


def measure(pdf: Path, truth: GroundTruth, report_id: str) -> dict[str, Any]:
    """Rows found, fields exact, report metadata exact and error failures of our extraction of one printed report."""
    from extract.errors import UnreadableReport
    from extract.extraction import extract_report
    from extract.rows import study_records
    from extract.settings import Limits

    try:
        extraction = extract_report(pdf, Limits())
    except UnreadableReport as unreadable:
        meta = (0, len(META_FIELDS) + len(truth.report["selection_criteria"]))
        return {"score": (0, len(truth.studies), 0, sum(len(row) - 1 for row in truth.studies)), "meta": meta, "errors": None, "note": unreadable.reason}
    records = study_records(report_id, extraction.tables)
    return {"score": score(truth, records), "meta": meta_score(truth, extraction.meta), "errors": errors(extraction), "note": ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.held_out", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", nargs="+", type=int, default=[2000, 2001, 2002, 2003, 2004])
    producers = ("chromium", "mupdf", "wkhtmltopdf", "libreoffice-html", "xhtml2pdf", "cairo")
    parser.add_argument("--producers", nargs="+", choices=producers, default=list(producers))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    drawings = {
        "chromium tagged": lambda seed, variant: print_to_pdf(seed, variant, True),
        "chromium untagged": lambda seed, variant: print_to_pdf(seed, variant, False),
        "mupdf": mupdf_pdf,
        "wkhtmltopdf": wkhtmltopdf_pdf,
        "libreoffice-html": libreoffice_html_pdf,
        "xhtml2pdf": xhtml2pdf_pdf,
        "cairo": cairo_pdf,
    }
    lines = ["| producer | variant | reports | rows % | fields % | errors/report | unread |", "|---|---|---|---|---|---|---|"]
    totals = {}
    for producer, draw in drawings.items():
        if producer.split()[0] not in args.producers:
            continue
        for variant in VARIANT_NAMES:
            results = [measure(*draw(seed, variant)) for seed in args.seeds]
            found, rows, exact, compared = (sum(r["score"][i] for r in results) for i in range(4))
            counted = [r["errors"] for r in results if r["errors"] is not None]
            unread = ", ".join(r["note"] for r in results if r["note"]) or "-"
            lines.append(f"| {producer} | {variant} | {len(results)} | {100 * found / rows:.1f} | "
                         f"{100 * exact / compared:.1f} | {sum(counted) / max(len(counted), 1):.1f} | {unread} |")
            print(lines[-1], flush=True)
            total = totals.setdefault(producer, [0, 0, 0, 0, 0, 0, 0, 0])
            meta = [sum(r["meta"][i] for r in results) for i in range(2)]
            for index, value in enumerate((found, rows, exact, compared, sum(counted), len(results), *meta)):
                total[index] += value
    summary = ["| producer | reports | rows % | fields % | errors/report | report metadata % |", "|---|---|---|---|---|---|"] + [
        f"| {producer} | {t[5]} | {100 * t[0] / t[1]:.1f} | {100 * t[2] / t[3]:.1f} | {t[4] / max(t[5], 1):.2f} | {100 * t[6] / max(t[7], 1):.1f} |"
        for producer, t in totals.items()
    ]
    command = " ".join(["python -m bench.held_out", *(argv if argv is not None else sys.argv[1:])])
    report = [f"# Held-out producers (seeds {', '.join(map(str, args.seeds))}; {time.perf_counter() - started:.0f} s)", "",
              f"Command: `{command}`. What it measures: `bench/held_out.py`.", "", *summary, "", *lines, ""]
    if args.out:
        args.out.write_text("\n".join(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

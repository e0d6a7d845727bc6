"""A producer the forge does not draw with, measured apart from the tests: Chromium printing the forge's HTML.

    .venv/bin/python -m bench.held_out --seeds 2000 2001 2002 2003 2004 --out bench/HELD_OUT.md

The WeasyPrint producer's HTML and CSS (`tests/forge/producers/weasy.py`) are printed to PDF by
headless Chromium (`chromium --print-to-pdf`, Skia's PDF backend: glyphs positioned one by one,
list discs drawn as shapes), tagged (Chromium's default) and untagged. Nothing in the extractor
was made for it: it is here to tell whether what the forge taught holds on a producer it never
saw. Chromium lays pages out by itself, so where a row lands is not known: the truth's page
fields are left out of the comparison, every other field is compared as `bench.producers` does.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.producers import errors, score
from tests.forge.cache import Case, case_spec
from tests.forge.producers.common import font_dir
from tests.forge.producers.weasy import body_html, css
from tests.forge.spec import GroundTruth, ground_truth
from tests.forge.variant import VARIANTS

OUT = Path("bench/out/held-out")
VARIANT_NAMES = ("plain", "spaced", "rules-none", "rules-lines", "rules-shading", "bullets-glyph", "bullets-shape", "markers-auto", "header-once", "rows-whole", "landscape")
PAGE_FIELDS = ("source_page",)


def print_to_pdf(seed: int, variant: str, tagged: bool) -> tuple[Path, GroundTruth, str]:
    """The seed's report printed by Chromium (cached under bench/out/held-out), its truth without pages, its report id."""
    spec = case_spec(Case("weasyprint", variant, seed))
    drawn = VARIANTS[variant]
    OUT.mkdir(parents=True, exist_ok=True)
    stem = f"chromium-{'tagged' if tagged else 'untagged'}-{seed}-{variant}"
    html, pdf = (OUT / f"{stem}.html").absolute(), (OUT / f"{stem}.pdf").absolute()
    if not pdf.exists():
        html.write_text(f"<html><head><base href='{font_dir().as_uri()}/'><style>{css(spec, drawn)}</style></head>"
                        f"<body>{body_html(spec, drawn, 0)}</body></html>", encoding="utf-8")
        command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   *(() if tagged else ("--disable-pdf-tagging",)), f"--print-to-pdf={pdf}", html.as_uri()]
        subprocess.run(command, capture_output=True, timeout=180, check=True)
    truth = ground_truth(spec, 1, {})
    return pdf, replace(truth, studies=tuple({k: v for k, v in row.items() if k not in PAGE_FIELDS} for row in truth.studies)), spec.report_id


def measure(pdf: Path, truth: GroundTruth, report_id: str) -> dict[str, Any]:
    """Rows found, fields exact and error failures of our extraction of one printed report."""
    from extract.errors import UnreadableReport
    from extract.extraction import extract_report
    from extract.rows import study_records
    from extract.settings import Limits

    try:
        extraction = extract_report(pdf, Limits())
    except UnreadableReport as unreadable:
        return {"score": (0, len(truth.studies), 0, sum(len(row) - 1 for row in truth.studies)), "errors": None, "note": unreadable.reason}
    records = study_records(report_id, extraction.tables)
    return {"score": score(truth, records), "errors": errors(extraction), "note": ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.held_out", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", nargs="+", type=int, default=[2000, 2001, 2002, 2003, 2004])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    lines = ["| Chromium | variant | reports | rows % | fields % | errors/report | unread |", "|---|---|---|---|---|---|---|"]
    for tagged in (True, False):
        for variant in VARIANT_NAMES:
            results = [measure(*print_to_pdf(seed, variant, tagged)) for seed in args.seeds]
            found, rows, exact, compared = (sum(r["score"][i] for r in results) for i in range(4))
            counted = [r["errors"] for r in results if r["errors"] is not None]
            unread = ", ".join(r["note"] for r in results if r["note"]) or "-"
            lines.append(f"| {'tagged' if tagged else 'untagged'} | {variant} | {len(results)} | {100 * found / rows:.1f} | "
                         f"{100 * exact / compared:.1f} | {sum(counted) / max(len(counted), 1):.1f} | {unread} |")
            print(lines[-1], flush=True)
    command = " ".join(["python -m bench.held_out", *(argv if argv is not None else sys.argv[1:])])
    report = [f"# Held-out producer: Chromium (seeds {', '.join(map(str, args.seeds))}; {time.perf_counter() - started:.0f} s)", "",
              f"Command: `{command}`. What it measures: `bench/held_out.py`.", "", *lines, ""]
    if args.out:
        args.out.write_text("\n".join(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

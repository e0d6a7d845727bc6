"""How the extractor fares on reports drawn by producers it has never seen, beside a pdfplumber baseline.

    python -m bench.producers --seeds 3 --out bench/PRODUCERS.md

Renders the whole matrix (every producer × every variant it supports × seeds, tests/forge/
cache.py; kept in bench/out/forge-cache), then for each report: our extractor in-process
(`extract_report`, then `validated_read`), a baseline (pdfplumber's `page.extract_tables()` on
every page, header cells mapped by `field_for_header`, one-filled-cell design rows as group
labels, rows made records by `study_records`), and our text reader on three text exports.
Fields are compared as tests/test_roundtrip_pdf.py compares them, every contract field of the
truth but report_id. The reports are clean, so every error-severity validation failure is spurious.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

from tests.forge.cache import TEXT_TOOLS, Case, RenderCache, case_spec, matrix, text_export
from tests.forge.spec import GroundTruth
from tests.forge.variant import VARIANTS, spaced

FIXED_TIME = datetime(2020, 1, 1, tzinfo=timezone.utc)
CACHE = Path("bench/out/forge-cache")


def comparable(value: Any) -> Any:
    """As tests/test_roundtrip_pdf.py: JSON text parsed, empty strings and None alike."""
    import json

    if isinstance(value, str) and value.startswith("{"):
        return json.loads(value)
    return None if value == "" or value == {} else value


def score(truth: GroundTruth, records: Sequence[Mapping[str, Any]]) -> tuple[int, int, int, int]:
    """(rows found, rows, fields exact, fields compared)."""
    by_key = {str(r["study_key"]): r for r in records}
    found = exact = compared = 0
    for expected in truth.studies:
        got = by_key.get(str(expected["study_key"]))
        found += got is not None
        for field, value in expected.items():
            if field == "report_id":
                continue
            compared += 1
            exact += got is not None and comparable(got.get(field)) == comparable(value)
    return found, len(truth.studies), exact, compared


def baseline_tables(pdf: Path) -> tuple:
    """Study tables from pdfplumber's own table finder, normalized as our rows are."""
    import pdfplumber

    from extract.fields import design_for_label
    from extract.model import Cell, ParsingReport, RawRow, Table
    from extract.tables.headers import field_for_header

    tables: list[Table] = []
    fields: list[str] | None = None
    rows: list[RawRow] = []
    group: str | None = None
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for grid in page.extract_tables():
                for raw in grid:
                    cells = [(c or "").strip() for c in raw]
                    mapped = [field_for_header(c) if c else "" for c in cells]
                    if "author" in mapped and sum(not m.startswith("extra:") and m != "" for m in mapped) >= 2:
                        if fields is None or mapped != fields:
                            if rows:
                                tables.append(Table(None, tuple(fields or ()), tuple(rows), ParsingReport("pdfplumber")))
                            fields, rows, group = mapped, [], None
                        continue
                    if fields is None:
                        continue
                    filled = [c for c in cells if c]
                    if len(filled) == 1 and design_for_label(filled[0]):
                        group = filled[0]
                        continue
                    if len(cells) != len(fields) or not cells[fields.index("author")]:
                        continue
                    row = {f: Cell(c, page.page_number) for f, c in zip(fields, cells) if f}
                    rows.append(RawRow(row, group, len(rows)))
    if fields is not None and rows:
        tables.append(Table(None, tuple(fields), tuple(rows), ParsingReport("pdfplumber")))
    return tuple(tables)


def errors(extraction: Any) -> int:
    """Error-severity validation failures of one extraction."""
    from flows.reading import validated_read

    failures = validated_read(extraction, "bench", FIXED_TIME).validated["validation_failures"]
    return int((failures["severity"] == "error").sum()) if "severity" in failures else len(failures)


# The report metadata compared with the truth (`tests/forge/spec.expected_report`); each selection
# criterion counts on its own.
META_FIELDS = ("title", "publication_date", "research_questions", "search_start", "search_end", "languages", "databases",
               "declared_counts", "summary_counts", "citation_ranges", "abbreviations")


def meta_score(truth: GroundTruth, meta: Any) -> tuple[int, int]:
    """Report metadata fields read exactly (`META_FIELDS`, then each selection criterion), and fields compared."""
    wanted = truth.report["selection_criteria"]
    read = sum(plain(getattr(meta, name)) == truth.report[name] for name in META_FIELDS)
    criteria = sum(meta.selection_criteria.get(name) == text for name, text in wanted.items())
    return read + criteria, len(META_FIELDS) + len(wanted)


def plain(value: Any) -> Any:
    """A metadata value as the truth writes it: dates as ISO text, tuples as lists."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def spacing_faults(truth: GroundTruth, records: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """(false joins: extracted words that are two truth words run together; surnames left split)."""
    by_key = {str(r["study_key"]): r for r in records}
    joins = split = 0
    for expected in truth.studies:
        got = by_key.get(str(expected["study_key"]), {})
        if got.get("first_author") and got["first_author"] != expected["first_author"] \
                and "".join(str(got["first_author"]).split()) == "".join(str(expected["first_author"]).split()):
            split += 1
        for field in ("indication", "population", "results", "authors_conclusions", "intervention"):
            words = str(expected.get(field) or "").split()
            known = set(words)
            pairs = {a + b for a, b in zip(words, words[1:])} - known
            joins += sum(1 for word in str(got.get(field) or "").split() if word in pairs)
    return joins, split


def measure(case: Case, pdf: Path, truth: GroundTruth, tools: Sequence[str]) -> dict[str, Any]:
    """Every number of one report."""
    from extract.errors import UnreadableReport
    from extract.extraction import extract_report
    from extract.model import Extraction
    from extract.rows import study_records
    from extract.settings import Limits

    result: dict[str, Any] = {}
    report_id = case.stem
    try:
        ours = extract_report(pdf, Limits())
        records = study_records(report_id, ours.tables)
        result["ours_errors"] = errors(ours)
        result["meta"] = meta_score(truth, ours.meta)
    except UnreadableReport:
        ours, records = None, []
        result["ours_errors"] = None
        result["meta"] = (0, len(META_FIELDS) + len(truth.report["selection_criteria"]))
    result["ours"] = score(truth, records)
    result["spacing"] = spacing_faults(truth, records) if spaced(case_spec(case), VARIANTS[case.variant]) else None
    base = baseline_tables(pdf)
    result["base"] = score(truth, study_records(report_id, base))
    if ours is not None and base:
        result["base_errors"] = errors(Extraction(ours.document, ours.meta, base))
    for tool in tools:
        text_file = pdf.with_name(f"{report_id}.{tool}.txt")
        text_file.write_text(text_export(pdf, tool), encoding="utf-8")
        try:
            result[tool] = score(truth, study_records(report_id, extract_report(text_file, Limits()).tables))
        except UnreadableReport:
            result[tool] = score(truth, [])
    return result


NOT_SUMMARY_DIR = Path("bench/out/not-summary")
CONTROLS = Path("tests/fixtures/corpus/bad-pdfs")


def not_summary_documents() -> list[Path]:
    """Documents that are not summary reports: the drawn guideline, trial paper and slide deck of
    tests/test_not_summary_reports.py, and the real table PDFs kept as controls in the corpus."""
    from tests.test_not_summary_reports import slide_deck, trial_paper, two_column_guideline

    NOT_SUMMARY_DIR.mkdir(parents=True, exist_ok=True)
    drawn = [draw(NOT_SUMMARY_DIR / f"{draw.__name__.replace('_', '-')}.pdf") for draw in (two_column_guideline, trial_paper, slide_deck)]
    return drawn + sorted(CONTROLS.glob("control-*.pdf"))


def not_summary_lines() -> list[str]:
    """One row per document: the study rows we read from it and the report-level failure."""
    from extract.errors import UnreadableReport
    from extract.extraction import extract_report
    from extract.rows import study_records
    from extract.settings import Limits

    lines = ["### Documents that are not summary reports (want: 0 rows, `no_summary_table`)", "",
             "| document | rows | failure |", "|---|---|---|"]
    for path in not_summary_documents():
        try:
            extraction = extract_report(path, Limits())
            rows, failure = len(study_records(path.stem, extraction.tables)), "none"
        except UnreadableReport as unreadable:
            rows, failure = 0, f"`{unreadable.reason}`"
        lines.append(f"| {path.name} | {rows} | {failure} |")
    return lines + [""]


def pct(parts: Sequence[tuple[int, int, int, int]], fields: bool) -> str:
    """Rows % (fields=False) or fields exact % over several scores."""
    num = sum(p[2] if fields else p[0] for p in parts)
    den = sum(p[3] if fields else p[1] for p in parts)
    return f"{100 * num / den:.0f}" if den else "-"


def share(parts: Sequence[tuple[int, int]]) -> str:
    """Exact over compared, as a percentage with one decimal, over several (exact, compared) pairs."""
    compared = sum(part[1] for part in parts)
    return f"{100 * sum(part[0] for part in parts) / compared:.1f}" if compared else "-"


def mean(values: Sequence[int | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{sum(known) / len(known):.1f}" if known else "-"


def table(title: str, groups: Mapping[str, list[dict[str, Any]]], tools: Sequence[str]) -> list[str]:
    """One markdown table: a row per group of reports."""
    head = ["", "reports", "ours rows %", "ours fields %", "ours errors/report", "ours report metadata %", "baseline rows %",
            "baseline fields %", "baseline errors/report", *(f"{t} rows % / fields %" for t in tools)]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, results in groups.items():
        cells = [name, str(len(results)), pct([r["ours"] for r in results], False),
                 pct([r["ours"] for r in results], True), mean([r["ours_errors"] for r in results]),
                 share([r["meta"] for r in results]), pct([r["base"] for r in results], False), pct([r["base"] for r in results], True),
                 mean([r.get("base_errors") for r in results]),
                 *(f"{pct([r[t] for r in results], False)} / {pct([r[t] for r in results], True)}" for t in tools)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.producers", description=__doc__)
    parser.add_argument("--seeds", type=int, default=3, help="seeds per producer and variant")
    parser.add_argument("--first-seed", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=Path("bench/PRODUCERS.md"))
    parser.add_argument("--no-text", action="store_true", help="skip the three text exports")
    args = parser.parse_args(argv)
    tools = () if args.no_text else TEXT_TOOLS
    cases = matrix(range(args.first_seed, args.first_seed + args.seeds))
    started = time.perf_counter()
    renders = RenderCache(CACHE).cases(cases)
    rendered_s = time.perf_counter() - started
    results = {case: measure(case, rendered.pdf, truth, tools) for case, (rendered, truth) in zip(cases, renders)}
    by_producer: dict[str, list] = defaultdict(list)
    by_variant: dict[str, list] = defaultdict(list)
    for case, result in results.items():
        by_producer[case.producer].append(result)
        by_variant[case.variant].append(result)
    spacing = [(case.producer, r["spacing"]) for case, r in results.items() if r["spacing"] is not None]
    lines = [f"# Producers ({len(cases)} reports: seeds {args.first_seed}..{args.first_seed + args.seeds - 1}, "
             f"all layouts; rendering {rendered_s:.0f} s, total {time.perf_counter() - started:.0f} s)", "",
             *table("By producer", by_producer, tools), *table("By variant (all producers)", by_variant, ()),
             *not_summary_lines(),
             "### Spacing artifact (reports drawn with it, ours)", "",
             "| producer | reports | false joins | surnames left split |", "|---|---|---|---|"]
    for producer in sorted({p for p, _ in spacing}):
        mine = [s for p, s in spacing if p == producer]
        lines.append(f"| {producer} | {len(mine)} | {sum(j for j, _ in mine)} | {sum(s for _, s in mine)} |")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

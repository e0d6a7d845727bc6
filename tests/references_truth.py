"""How extracted reference lists compare with the forge's truth: shared by the round-trip tests and `python -m tests.references_truth`.

`compare(extraction, truth, links)` counts what the issue's bar is measured in: numbered
references found, identifiers (PMID, DOI, URL) exact, entry texts exact, parsed fields exact,
and study rows carrying their reference's PMID.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from extract.casts import cell_text
from extract.datasets import report_tables
from extract.extraction import extract_report
from extract.model import Extraction
from extract.settings import Limits
from tests.forge.citations import Citations, with_citations
from tests.forge.random_spec import ALL_LAYOUTS, random_spec, seed_spec
from tests.forge.spec import ReportSpec, expected_links
from tests.forge.variant import VARIANTS, Variant, spaced

IDENTIFIERS = ("pmid", "doi", "url")
PARSED = ("first_author", "year", "title", "journal")
OTHER = ("authors", "volume", "issue", "pages", "group")
EXTRACTED_AT = datetime(2024, 1, 2, tzinfo=timezone.utc)
SEEDS = (11, 23, 37)
# (producer, variant) pairs drawn for every seed: each producer plain and with the spacing
# artifact, and the layouts that move text around the most.
DRAWS = (
    *((producer, "plain") for producer in ("reportlab", "weasyprint", "typst", "fpdf2", "libreoffice")),
    *((producer, "spaced") for producer in ("reportlab", "weasyprint", "typst", "fpdf2", "libreoffice")),
    ("weasyprint", "landscape"), ("typst", "markers-auto"), ("libreoffice", "tagged"),
)
CASES: tuple[tuple[str, str, str, int], ...] = tuple(
    (f"refs-{seed}-{producer}-{variant}", producer, variant, seed) for seed in SEEDS for producer, variant in DRAWS
)


def case_spec(name: str, seed: int) -> ReportSpec:
    """A case's spec: the seed with every layout and real-looking reference lists (the seed report for seed 0)."""
    if seed == 0:
        return with_citations(seed_spec(report_id=name), 0)
    return random_spec(seed, layouts=ALL_LAYOUTS, citations=Citations(), report_id=name)


def jobs(cases: Sequence[tuple[str, str, str, int]] = CASES) -> list[tuple[ReportSpec, str, Variant]]:
    """Render jobs for the cache."""
    return [(case_spec(name, seed), producer, VARIANTS[variant]) for name, producer, variant, seed in cases]


@dataclasses.dataclass(frozen=True)
class Tally:
    """Counts of one comparison: what was expected, found, and exact, by field."""

    expected: int = 0
    found: int = 0
    exact: Mapping[str, int] = dataclasses.field(default_factory=dict)
    compared: Mapping[str, int] = dataclasses.field(default_factory=dict)
    misses: tuple[str, ...] = ()
    rows: int = 0
    rows_with_pmid: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.expected + other.expected, self.found + other.found,
            dict(Counter(self.exact) + Counter(other.exact)), dict(Counter(self.compared) + Counter(other.compared)),
            self.misses + other.misses, self.rows + other.rows, self.rows_with_pmid + other.rows_with_pmid,
        )

    def share(self, *fields: str) -> float:
        """Exact share over the given fields together (1.0 when nothing was compared)."""
        compared = sum(self.compared.get(f, 0) for f in fields)
        return sum(self.exact.get(f, 0) for f in fields) / compared if compared else 1.0


def comparable(value: Any) -> Any:
    """None for empty values, text otherwise, so 2017 and '2017' compare alike."""
    text = cell_text(value)
    return None if text is None else text


def compare(name: str, extraction: Extraction, truth: Sequence[Mapping[str, Any]],
            links: Mapping[str, Mapping[str, str | None]]) -> Tally:
    """One report's extracted references and study links against the truth."""
    found = {(r.section, r.ref_no): dataclasses.asdict(r) | {"authors": "\n".join(r.authors)}
             for r in extraction.meta.references}
    exact: Counter[str] = Counter()
    compared: Counter[str] = Counter()
    misses: list[str] = []
    for expected in truth:
        got = found.get((str(expected["section"]), int(expected["ref_no"])), {})
        for field in ("text", *IDENTIFIERS, *PARSED, *OTHER):
            compared[field] += 1
            if comparable(got.get(field)) == comparable(expected[field]):
                exact[field] += 1
            elif len(misses) < 40:
                misses.append(f"{name} ref {expected['ref_no']} {field}: {got.get(field)!r} != {expected[field]!r}")
    studies = report_tables(extraction, "test", EXTRACTED_AT)["studies"]
    by_ref = {key.rsplit(":", 1)[1]: link for key, link in links.items()}  # the PDF's name is the cache's, not the spec's
    carried = sum(
        comparable(row["pmid"]) == comparable(by_ref[str(row["ref_no"])]["pmid"])
        for row in studies.to_dict("records") if str(row["ref_no"]) in by_ref
    )
    matched = len({(str(e["section"]), int(e["ref_no"])) for e in truth} & set(found))
    return Tally(len(truth), matched, dict(exact), dict(compared), tuple(misses), len(links), carried)


def summary(tally: Tally) -> str:
    """The figures in one paragraph."""
    return (
        f"references found {tally.found}/{tally.expected}; identifiers exact {tally.share(*IDENTIFIERS):.4f}; "
        f"texts exact {tally.share('text'):.4f}; author/year/title/journal exact {tally.share(*PARSED):.4f} "
        f"({', '.join(f'{f} {tally.share(f):.3f}' for f in (*PARSED, *OTHER))}); "
        f"study rows with their reference's PMID {tally.rows_with_pmid}/{tally.rows}"
    )


def main(argv: list[str] | None = None) -> None:
    """Render the round-trip sample into a folder and print the figures per producer and overall."""
    from tests.forge.cache import RenderCache

    parser = argparse.ArgumentParser(prog="python -m tests.references_truth", description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("bench/out/forge-cache"))
    args = parser.parse_args(argv)
    total, by_producer, by_artifact = Tally(), {}, {}
    cases = (*CASES, ("refs-seed-report", "reportlab", "plain", 0))
    for (name, producer, variant, seed), (rendered, truth) in zip(cases, RenderCache(args.cache).render(jobs(cases))):
        extraction = extract_report(rendered.pdf, Limits())
        tally = compare(name, extraction, truth.references, expected_links(case_spec(name, seed)))
        by_producer[producer] = by_producer.get(producer, Tally()) + tally
        artifact = "with the spacing artifact" if spaced(case_spec(name, seed), VARIANTS[variant]) else "without"
        by_artifact[artifact] = by_artifact.get(artifact, Tally()) + tally
        total += tally
    for producer, tally in sorted(by_producer.items()):
        print(f"{producer}: {summary(tally)}")
    for artifact, tally in sorted(by_artifact.items()):
        print(f"{artifact}: {summary(tally)}")
    print(f"all: {summary(total)}")
    for artifact, tally in sorted(by_artifact.items()):
        for miss in tally.misses:
            print("  ", artifact, miss)


if __name__ == "__main__":
    main()

"""Reference lists through every producer: each numbered entry found, identifiers and fields exact, rows linked, defects caught.

The forge prints real-looking Vancouver/NLM lists (`tests/forge/citations.py`) and derives their
truth from the spec; `tests/references_truth.py` holds the sample and the tally, and prints the
figures with `python -m tests.references_truth`. The bars are the issue's: every numbered
reference found; PMID, DOI and URL exact; >= 98% of entry texts and >= 95% of author, year,
title and journal exact; every study row carrying its reference's PMID; no reference failure on
a clean report. Reports drawn with the f/v/y spacing artifact are held to looser floors: the
spacing repair (extract.text) and the layout's column cuts (extract.layout) lose some of their
words, which is not the reference reader's to mend.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from extract.datasets import report_tables
from extract.extraction import extract_report
from extract.settings import Limits
from extract.validate import validate_report
from tests.forge import draw_report
from tests.forge.cache import RenderCache
from tests.forge.citations import Citations
from tests.forge.random_spec import random_spec
from tests.forge.spec import ReportSpec, all_rows, expected_links
from tests.forge.variant import VARIANTS, spaced
from tests.references_truth import CASES, IDENTIFIERS, PARSED, Tally, case_spec, compare, jobs

REFERENCE_CHECKS = {"reference_missing", "reference_uncited", "reference_mismatch", "duplicate_pmid",
                    "malformed_pmid", "malformed_doi"}
SAMPLE = (*CASES, ("refs-seed-report", "reportlab", "plain", 0))
FIXED_TIME = datetime(2024, 1, 2, tzinfo=timezone.utc)
DEFECT_SEED = 8


@pytest.fixture(scope="module")
def results(forge_cache: RenderCache) -> dict[str, dict[str, Any]]:
    """Per case: its tally against the truth, whether it was drawn spaced, and its reference failures."""
    found: dict[str, dict[str, Any]] = {}
    for (name, producer, variant, seed), (rendered, truth) in zip(SAMPLE, forge_cache.render(jobs(SAMPLE))):
        spec = case_spec(name, seed)
        extraction = extract_report(rendered.pdf, Limits())
        failures = validate_report(report_tables(extraction, "test", FIXED_TIME), extraction)["validation_failures"]
        found[name] = {
            "producer": producer,
            "spaced": spaced(spec, VARIANTS[variant]),
            "tally": compare(name, extraction, truth.references, expected_links(spec)),
            "reference_failures": failures[failures["check"].isin(REFERENCE_CHECKS)][["check", "message"]].values.tolist(),
        }
    return found


def total(results: dict[str, dict[str, Any]], spaced_: bool, producer: str | None = None) -> Tally:
    tally = Tally()
    for outcome in results.values():
        if outcome["spaced"] == spaced_ and producer in (None, outcome["producer"]):
            tally += outcome["tally"]
    return tally


def test_every_numbered_reference_is_found_by_every_producer(results: dict) -> None:
    missing = {name: (o["tally"].found, o["tally"].expected) for name, o in results.items() if o["tally"].found != o["tally"].expected}
    assert not missing and sum(o["tally"].expected for o in results.values()) > 500


@pytest.mark.parametrize("spaced_", [False, True], ids=["clean", "spacing-artifact"])
@pytest.mark.parametrize("producer", ["reportlab", "weasyprint", "typst", "fpdf2", "libreoffice"])
def test_identifiers_texts_and_fields_meet_the_bar_for_each_producer(results: dict, producer: str, spaced_: bool) -> None:
    tally = total(results, spaced_=spaced_, producer=producer)
    assert tally.expected > 20
    assert tally.share(*IDENTIFIERS) == 1.0, tally.misses
    assert tally.share("text") >= 0.98, tally.misses
    assert tally.share(*PARSED) >= 0.95, tally.misses


def test_every_study_row_carries_its_references_pmid(results: dict) -> None:
    tally = total(results, spaced_=False)
    assert tally.rows > 300 and tally.rows_with_pmid == tally.rows


def test_forged_reports_raise_no_reference_failure(results: dict) -> None:
    spurious = {name: o["reference_failures"] for name, o in results.items() if o["reference_failures"]}
    assert not spurious


# --- injected defects, each found, nothing else -------------------------------------------------------


@pytest.fixture(scope="module")
def defect_base() -> ReportSpec:
    """A clean one-table report with real-looking references, every entry with a PMID."""
    spec = random_spec(DEFECT_SEED, spacing_artifact=False, citations=Citations(pmid_rate=1.0, report_rate=0.0, appendix_rate=0.0))
    assert len(spec.tables) == 1 and all(row.ref_no for row in all_rows(spec))
    return spec


def with_row(spec: ReportSpec, index: int, **changes: Any) -> ReportSpec:
    table = spec.tables[0]
    rows = list(table.rows)
    rows[index] = dataclasses.replace(rows[index], **changes)
    return dataclasses.replace(spec, tables=(dataclasses.replace(table, rows=tuple(rows)),))


def reference_findings(spec: ReportSpec, pdf: Path) -> pd.DataFrame:
    draw_report(spec, pdf)
    extraction = extract_report(pdf, Limits())
    validated = validate_report(report_tables(extraction, "test", FIXED_TIME), extraction)
    failures = validated["validation_failures"]
    return failures.assign(quarantined=failures["ref_no"].isin(validated["quarantine_studies"]["ref_no"]))


def test_the_defect_base_raises_nothing(defect_base: ReportSpec, tmp_path: Path) -> None:
    assert reference_findings(defect_base, tmp_path / "clean.pdf").empty


def test_a_row_whose_reference_is_missing_is_caught_and_held_back(defect_base: ReportSpec, tmp_path: Path) -> None:
    lost = all_rows(defect_base)[2].ref_no
    found = reference_findings(dataclasses.replace(defect_base, unlisted_refs=(lost,)), tmp_path / "missing.pdf")
    assert found[["check", "ref_no", "severity", "quarantined"]].values.tolist() == [["reference_missing", lost, "error", True]]


def test_an_author_and_year_mismatch_is_caught_showing_both(defect_base: ReportSpec, tmp_path: Path) -> None:
    row = all_rows(defect_base)[1]
    assert row.citation is not None
    citation = dataclasses.replace(row.citation, authors=("Quimby ZZ", *row.citation.authors[1:]), year=row.year - 1)
    found = reference_findings(with_row(defect_base, 1, citation=citation), tmp_path / "mismatch.pdf")
    assert found[["check", "ref_no", "severity"]].values.tolist() == [["reference_mismatch", row.ref_no, "warning"]]
    message = found["message"].iloc[0]
    assert f"{row.surname} ({row.year})" in message and f"Quimby ({row.year - 1})" in message


def test_a_pmid_listed_twice_is_caught_on_both_entries(defect_base: ReportSpec, tmp_path: Path) -> None:
    rows = all_rows(defect_base)
    assert rows[4].citation is not None and rows[3].citation is not None
    twin = dataclasses.replace(rows[4].citation, pmid=rows[3].citation.pmid)
    found = reference_findings(with_row(defect_base, 4, citation=twin), tmp_path / "twice.pdf")
    assert found[["check", "ref_no", "failure_case"]].values.tolist() == [
        ["duplicate_pmid", rows[3].ref_no, rows[3].citation.pmid], ["duplicate_pmid", rows[4].ref_no, rows[3].citation.pmid]]

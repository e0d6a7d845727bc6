"""A steward's real week in miniature: forged reports of one series, extracted, validated and published, hundreds of failures.

`forged_batch` draws a few CADTH-style reports with defects (years outside the search window or
after publication, empty Authors' Conclusions cells, rows broken across pages, duplicate
studies), reads each through the real extraction, and publishes every report several times
under its own id, as a series of reports from one template would arrive; in one copy of each a
row is lost, so the count and reference checks fail on the report. The seed text report rides
along. The curated folders are written by the project's own `combine` and `publish`: one with
the `references` table the run reads from the reports' lists, one without it (a folder written
before that table existed). Tests of the review page and the benchmark share it
(`bench.review_page`).
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import pandas as pd

from extract.datasets import combine, report_tables
from extract.extraction import extract_report
from extract.model import Extraction
from extract.publish import publish
from extract.review.apply import decide_report
from extract.settings import Limits
from extract.validate import validate_report
from tests.forge import Flaws, draw_report, random_spec

SEEDS = (2, 10, 12, 13)  # required cells, rows broken across pages (one over three pages), duplicate studies
FLAWS = Flaws(empty_conclusion_rate=0.3, study_years=(2000, 2030))
COPIES = 3
SEED_TEXT = Path(__file__).parent / "fixtures" / "seed" / "ivig-offlabel-2017.txt"
WHEN = datetime(2026, 11, 30, tzinfo=timezone.utc)


@dataclasses.dataclass(frozen=True)
class ForgedBatch:
    """Where the batch lies, and what the forge knows of it."""

    raw: Path
    curated: Path
    curated_with_references: Path
    row_pages: dict[str, tuple[int, int]]  # study_key → first and last page of its table row, every copy
    lost_rows: dict[str, int]  # report_id → the ref number whose row the copy lost
    references: pd.DataFrame


def copy_id(seed: int, copy: int) -> str:
    """The id of one report of the series."""
    return f"series-{seed}-{copy}"


def without_row(tables: dict[str, pd.DataFrame], ref_no: int) -> dict[str, pd.DataFrame]:
    """A report's tables with one study row lost, as an extractor that missed a row would give them."""
    studies = tables["studies"]
    lost = set(studies.loc[studies["ref_no"] == ref_no, "study_key"])
    provenance = tables["provenance"]
    return {**tables, "studies": studies[studies["ref_no"] != ref_no].reset_index(drop=True),
            "provenance": provenance[~provenance["study_key"].isin(lost)].reset_index(drop=True)}


def published_tables(extraction: Extraction, report_id: str, drop_ref: int | None = None) -> dict[str, pd.DataFrame]:
    """One report's extraction validated and settled as the run publishes it, under the given id (its file renamed alike)."""
    suffix = Path(extraction.document.source_file).suffix
    document = dataclasses.replace(extraction.document, report_id=report_id, source_file=f"{report_id}{suffix}")
    extraction = dataclasses.replace(extraction, document=document)
    tables = report_tables(extraction, "batch", WHEN)
    if drop_ref is not None:
        tables = without_row(tables, drop_ref)
    return decide_report(tables, extraction, (), validate_report)


@cache
def forged_batch(root: Path, seeds: tuple[int, ...] = SEEDS, copies: int = COPIES) -> ForgedBatch:
    """Draw, extract and publish the batch under root (once per process and root)."""
    raw, forge = root / "raw", root / "forge"
    raw.mkdir(parents=True, exist_ok=True)
    forge.mkdir(exist_ok=True)
    per_report, row_pages, lost = [], {}, {}
    for seed in seeds:
        source = forge / f"series-{seed}.pdf"
        truth = draw_report(random_spec(seed, flaws=FLAWS, report_id=source.stem), source)
        refs = sorted(int(key.rsplit(":", 1)[1]) for key in truth.row_pages if key.rsplit(":", 1)[1].isdigit())
        extraction = extract_report(source, Limits())  # once: every copy is the same file under another name
        for copy in range(1, copies + 1):
            report_id = copy_id(seed, copy)
            shutil.copy(source, raw / f"{report_id}.pdf")
            drop = refs[len(refs) // 2] if copy == 2 and refs else None
            per_report.append(published_tables(extraction, report_id, drop))
            row_pages.update({f"{report_id}:{key.rsplit(':', 1)[1]}": pages for key, pages in truth.row_pages.items()})
            if drop is not None:
                lost[report_id] = drop
    shutil.copy(SEED_TEXT, raw / SEED_TEXT.name)
    per_report.append(published_tables(extract_report(raw / SEED_TEXT.name, Limits()), SEED_TEXT.stem))
    tables = combine(per_report)
    publish({name: frame for name, frame in tables.items() if name != "references"}, root / "curated")
    references = with_identifiers(tables["references"])
    publish({**tables, "references": references}, root / "curated-references")
    return ForgedBatch(raw, root / "curated", root / "curated-references", row_pages, lost, references)


def with_identifiers(references: pd.DataFrame) -> pd.DataFrame:
    """The lists as read, each entry given a PMID (odd numbers) or a DOI (even) where it printed none."""
    odd = references["ref_no"] % 2 == 1
    pmids = (30_000_000 + references.index.to_series()).astype(str)
    dois = "10.5555/series." + references.index.to_series().astype(str)
    return references.assign(
        pmid=references["pmid"].where(references["pmid"].notna() | ~odd, pmids).astype("string"),
        doi=references["doi"].where(references["doi"].notna() | odd, dois).astype("string"),
    )


def test_the_batch_is_a_real_week_hundreds_of_failures_of_every_kind(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    batch = forged_batch(tmp_path_factory.getbasetemp() / "review-batch")
    failures = pd.read_parquet(batch.curated / "validation_failures.parquet")
    assert len(failures) >= 200 and failures["report_id"].nunique() == len(SEEDS) * COPIES + 1
    checks = set(failures["check"])
    assert {"required", "year_outside_search", "year_after_publication", "duplicate_study", "ref_no_gap"} <= checks
    assert checks & {"declared_count", "summary_count"}, checks
    assert any(first != last for first, last in batch.row_pages.values())  # rows broken by a page
    assert any(last - first >= 2 for first, last in batch.row_pages.values())  # a row over three pages
    assert not (batch.curated / "references.parquet").exists() and (batch.curated_with_references / "references.parquet").exists()
    provenance = pd.read_parquet(batch.curated / "provenance.parquet")
    assert provenance["page_no"].notna().any()

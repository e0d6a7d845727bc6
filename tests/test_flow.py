"""Smoke test of the extraction flow, and the per-report task body without Prefect."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from extract.settings import Limits
from extract.sources import outside_paths, skipped_paths
from flows.main import extract_reports, report_paths, validated_report_tables

EXTRACTED_AT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_report_paths_lists_reports_sorted_and_leaves_out_other_files(tmp_path: Path) -> None:
    for name in ("b.pdf", "a.TXT", "c.text", "notes.md", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [path.name for path in report_paths(tmp_path)] == ["a.TXT", "b.pdf", "c.text"]


def test_entries_that_resolve_outside_raw_are_never_listed_as_reports_but_named_apart(tmp_path: Path) -> None:
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    raw.mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not yours", encoding="utf-8")
    (raw / "own.txt").write_text("x", encoding="utf-8")
    (raw / "alias.txt").symlink_to(raw / "own.txt")  # a link that stays inside raw/ is read
    (raw / "linked.txt").symlink_to(elsewhere / "secret.txt")
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "dangling.pdf").symlink_to(elsewhere / "gone.pdf")
    (raw / "up.txt").symlink_to(Path("..") / "elsewhere" / "secret.txt")
    assert [path.name for path in report_paths(raw)] == ["alias.txt", "own.txt"]
    assert [path.name for path in outside_paths(raw)] == ["dangling.pdf", "linked.txt", "passwd.txt", "up.txt"]
    assert skipped_paths(raw) == []
    linked_raw = tmp_path / "raw-link"
    linked_raw.symlink_to(raw)  # raw/ itself may be a link: its entries are judged against where it leads
    assert [path.name for path in report_paths(linked_raw)] == ["alias.txt", "own.txt"]


def test_an_unreadable_file_becomes_its_failure_row_not_an_exception(tmp_path: Path) -> None:
    empty_pdf = tmp_path / "empty.pdf"
    empty_pdf.write_bytes(b"")
    tables = validated_report_tables(empty_pdf, Limits(), "0.0.0", EXTRACTED_AT)
    failures = tables["validation_failures"]
    assert list(tables) == ["validation_failures"]
    assert list(failures["check"]) == ["empty_file"] and list(failures["report_id"]) == ["empty"]


def test_the_seed_is_validated_with_its_missing_conclusion_quarantined(seed_report: Path) -> None:
    tables = validated_report_tables(seed_report, Limits(), "0.0.0", EXTRACTED_AT)
    quarantined = tables["quarantine_studies"]
    assert len(tables["studies"]) + len(quarantined) == 17
    assert 17 in set(quarantined["ref_no"])


@pytest.mark.prefect
def test_flow_extracts_publishes_and_records_the_unreadable(
    prefect_server: None, raw_with_seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (raw_with_seed / "broken.pdf").write_bytes(b"not a pdf at all")
    (raw_with_seed / "notes.md").write_text("not a report", encoding="utf-8")
    curated = tmp_path / "curated"
    summary = extract_reports(str(raw_with_seed), str(curated))
    printed = capsys.readouterr().out.splitlines()
    assert (summary.reports_processed, summary.reports_failed) == (1, 1)
    assert summary.skipped_files == ("notes.md",) and summary.succeeded
    assert printed[0].startswith("Extracting 2 reports")
    assert sorted(line.split()[0] for line in printed[1:]) == ["broken.pdf", "ivig-offlabel-2017.txt"]
    failures = pd.read_parquet(curated / "validation_failures.parquet")
    assert ("broken", "reports", "not_a_pdf") in set(zip(failures["report_id"], failures["table"], failures["check"]))
    studies = pd.read_parquet(curated / "studies.parquet")
    quarantined = pd.read_parquet(curated / "quarantine" / "studies.parquet")
    assert len(studies) + len(quarantined) == 17
    assert list(pd.read_parquet(curated / "reports.parquet")["report_id"]) == ["ivig-offlabel-2017"]

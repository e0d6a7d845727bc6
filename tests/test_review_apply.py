"""Decisions applied to a real report's tables: the seed's one error corrected, waived or rejected."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from extract.extraction import extract_report
from extract.datasets import report_tables, unreadable_tables
from extract.errors import UnreadableReport
from extract.review.apply import decide_report, decide_unreadable
from extract.review.decisions import DECISION_COLUMNS, new_decision
from extract.settings import Limits
from extract.validate import validate_report

SEED = Path(__file__).parent / "fixtures" / "seed" / "ivig-offlabel-2017.txt"
REPORT = "ivig-offlabel-2017"
KEY = f"{REPORT}:17"
WHEN = datetime(2026, 11, 26, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def seed_extraction():
    extraction = extract_report(SEED, Limits())
    return extraction, report_tables(extraction, "test", WHEN)


def decided(seed_extraction, *decisions):
    extraction, tables = seed_extraction
    return decide_report(tables, extraction, list(decisions), validate_report)


def on_17(**changes):
    base = dict(report_id=REPORT, study_key=KEY, column="authors_conclusions", check="required",
                action="accept", comment="", decided_by="ana", now=WHEN)
    return new_decision(**{**base, **changes})


def open_errors(tables) -> pd.DataFrame:
    failures = tables["validation_failures"]
    return failures[(failures["severity"] == "error") & (failures["status"] == "open")]


def test_without_decisions_ref_17_is_quarantined_with_its_reason(seed_extraction) -> None:
    tables = decided(seed_extraction)
    assert tables["quarantine_studies"]["study_key"].tolist() == [KEY]
    assert tables["quarantine_studies"]["quarantine_reason"].tolist() == ["required"]
    assert open_errors(tables)["study_key"].tolist() == [KEY]


def test_correction_publishes_ref_17_with_audit_and_no_open_error(seed_extraction) -> None:
    tables = decided(seed_extraction, on_17(action="correct", value="The authors concluded it helps."))
    row = tables["studies"].set_index("study_key").loc[KEY]
    assert row["authors_conclusions"] == "The authors concluded it helps."
    assert json.loads(row["review_audit"])[0] == {
        "column": "authors_conclusions", "action": "correct", "original": "",
        "value": "The authors concluded it helps.", "decided_by": "ana",
        "decided_at": "2026-11-26T00:00:00+00:00", "comment": "",
    }
    assert tables["quarantine_studies"].empty and open_errors(tables).empty


def cell(tables, key: str, column: str) -> object:
    """One published or quarantined study's value."""
    rows = pd.concat([tables["studies"], tables["quarantine_studies"]], ignore_index=True).set_index("study_key")
    return rows.loc[key, column]


def invalid_corrections(tables) -> pd.DataFrame:
    failures = tables["validation_failures"]
    return failures[failures["check"] == "invalid_correction"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [("2012a", "'2012a' is not a whole number"), ("1700", "year_range"), ("", "required")],
)
def test_a_correction_that_breaks_its_column_keeps_the_extracted_value_and_is_flagged(seed_extraction, value: str, reason: str) -> None:
    key = f"{REPORT}:3"
    original = cell(decided(seed_extraction), key, "year")
    tables = decided(seed_extraction, on_17(study_key=key, column="year", check="", action="correct", value=value))
    assert cell(tables, key, "year") == original
    (flagged,) = invalid_corrections(tables).to_dict("records")
    assert (flagged["study_key"], flagged["column"], flagged["failure_case"]) == (key, "year", value)
    assert flagged["severity"] == "warning" and flagged["status"] == "open"
    assert reason in flagged["message"] and str(original) in flagged["message"]
    assert tables["quarantine_studies"]["study_key"].tolist() == [KEY]  # nothing else changed


def test_an_invalid_correction_a_later_one_replaces_is_not_flagged(seed_extraction) -> None:
    key = f"{REPORT}:3"
    first = on_17(study_key=key, column="year", check="", action="correct", value="2012a")
    second = on_17(study_key=key, column="year", check="", action="correct", value="2013")
    tables = decided(seed_extraction, first, second)
    assert cell(tables, key, "year") == 2013 and invalid_corrections(tables).empty


def test_a_design_outside_the_contract_is_not_applied(seed_extraction) -> None:
    key = f"{REPORT}:3"
    original = cell(decided(seed_extraction), key, "design")
    tables = decided(seed_extraction, on_17(study_key=key, column="design", check="", action="correct", value="anecdote"))
    assert cell(tables, key, "design") == original
    assert "design_enum" in invalid_corrections(tables)["message"].iloc[0]


def test_accept_waives_and_publishes_keeping_the_failure_on_record(seed_extraction) -> None:
    tables = decided(seed_extraction, on_17())
    assert KEY in tables["studies"]["study_key"].tolist()
    failures = tables["validation_failures"]
    waived = failures[failures["status"] == "waived"]
    assert waived["study_key"].tolist() == [KEY] and "accept by ana" in waived["decision"].iloc[0]


def test_reject_removes_a_clean_row_to_quarantine(seed_extraction) -> None:
    key = f"{REPORT}:3"
    tables = decided(seed_extraction, on_17(study_key=key, column="", check="", action="reject"))
    assert key not in tables["studies"]["study_key"].tolist()
    held = tables["quarantine_studies"].set_index("study_key")
    assert held.loc[key, "quarantine_reason"] == "rejected"


def test_decision_for_a_vanished_cell_is_reported_stale(seed_extraction) -> None:
    tables = decided(seed_extraction, on_17(study_key=f"{REPORT}:99", action="correct", value="x"))
    stale = tables["validation_failures"].query("check == 'stale_decision'")
    assert len(stale) == 1 and f"{REPORT}:99" in stale["message"].iloc[0]
    assert tables["quarantine_studies"]["study_key"].tolist() == [KEY]  # nothing else changed


def test_unreadable_report_failure_can_be_waived() -> None:
    tables = unreadable_tables(UnreadableReport("no_summary_table", "no study table", "memo.txt"))
    decision = new_decision(report_id="memo", study_key="", column="", check="no_summary_table",
                            action="accept", decided_by="ana", now=WHEN)
    failures = decide_unreadable(tables, "memo", [decision])["validation_failures"]
    assert failures["status"].tolist() == ["waived"]


def test_hand_written_decisions_file_applies_on_the_next_run(tmp_path: Path) -> None:
    """A steward edits the CSV by hand; `evidence-extract run` picks it up from the default path."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / SEED.name).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "decisions.csv").write_text(
        ",".join(DECISION_COLUMNS) + "\n"
        + f'{REPORT},{KEY},authors_conclusions,,correct,"Written by hand, with a comma.",from PDF,ana,\n',
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, "-m", "flows", "run"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    studies = pd.read_csv(tmp_path / "curated" / "studies.csv", dtype=str, keep_default_na=False)
    row = studies.set_index("study_key").loc[KEY]
    assert row["authors_conclusions"] == "Written by hand, with a comma."
    failures = pd.read_csv(tmp_path / "curated" / "validation_failures.csv", dtype=str, keep_default_na=False)
    assert failures[(failures["severity"] == "error") & (failures["status"] == "open")].empty


# --- undo: a revoked decision no longer acts on the next run ---------------------------------------


def revoke_of(target, **changes):
    fields = dict(report_id=target.report_id, study_key=target.study_key, column=target.column, check=target.check,
                  action="revoke", value=target.decided_at, decided_by="ben", now=datetime(2026, 11, 27, tzinfo=timezone.utc))
    return new_decision(**{**fields, **changes})


@pytest.mark.parametrize("action", ["accept", "correct", "reject"])
def test_a_revoked_decision_is_applied_as_if_never_made(seed_extraction, action: str) -> None:
    made = on_17(action=action, value="The authors concluded it helps." if action == "correct" else "")
    undecided, decided_then_undone = decided(seed_extraction), decided(seed_extraction, made, revoke_of(made))
    for name in ("studies", "quarantine_studies"):
        assert decided_then_undone[name]["study_key"].tolist() == undecided[name]["study_key"].tolist()
    assert cell(decided_then_undone, KEY, "authors_conclusions") is None or pd.isna(cell(decided_then_undone, KEY, "authors_conclusions"))
    assert open_errors(decided_then_undone)["study_key"].tolist() == [KEY]
    failures = decided_then_undone["validation_failures"]
    assert "stale_decision" not in failures["check"].tolist() and set(failures["status"]) == {"open"}


def test_a_decision_made_again_after_an_undo_acts(seed_extraction) -> None:
    first = on_17()
    again = on_17(now=datetime(2026, 11, 28, tzinfo=timezone.utc), decided_by="cy")
    tables = decided(seed_extraction, first, revoke_of(first), again)
    waived = tables["validation_failures"].query("status == 'waived'")
    assert waived["study_key"].tolist() == [KEY] and "accept by cy" in waived["decision"].iloc[0]


def test_a_revoke_that_names_no_decision_is_a_stale_warning_and_changes_nothing(seed_extraction) -> None:
    made = on_17()
    wrong_time = revoke_of(made, value="2020-01-01T00:00:00+00:00")
    tables = decided(seed_extraction, made, wrong_time)
    stale = tables["validation_failures"].query("check == 'stale_decision'")
    assert len(stale) == 1 and "names no decision made at 2020-01-01T00:00:00+00:00" in stale["message"].iloc[0]
    assert tables["validation_failures"].query("status == 'waived'")["study_key"].tolist() == [KEY]  # the accept still acts


def test_an_unreadable_reports_waiver_can_be_undone() -> None:
    tables = unreadable_tables(UnreadableReport("no_summary_table", "no study table", "memo.txt"))
    waiver = new_decision(report_id="memo", study_key="", column="", check="no_summary_table", action="accept", decided_by="ana", now=WHEN)
    failures = decide_unreadable(tables, "memo", [waiver, revoke_of(waiver)])["validation_failures"]
    assert failures["status"].tolist() == ["open"]

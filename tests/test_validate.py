"""validate_report splits studies from quarantine by policy and records every failure."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from extract.links import linked_studies
import pytest

from extract.model import Document, Extraction, Failure, ReportMeta
from extract.errors import VALIDATION_CHECKS
from extract.summary import failure_summary
from extract.validate import load_severity_policy, validate_report

SEED = Path(__file__).parent / "fixtures" / "seed"
REPORT_ID = "ivig-offlabel-2017"
FAILURE_COLUMNS = [
    "report_id", "table", "study_key", "ref_no", "column", "check", "severity",
    "failure_case", "message", "source_page",
]


def seed_studies() -> pd.DataFrame:
    """The golden studies of the seed, with the contract's columns the CSV leaves out."""
    studies = pd.read_csv(SEED / "expected-studies.csv")
    studies["source_page"] = None
    studies["table_label"] = "Table 2: Summary of Included Studies"
    return linked_studies(studies, ())  # contract 1.1: pmid, doi, reference_text, study_id


def clean_studies() -> pd.DataFrame:
    studies = seed_studies()
    studies.loc[studies["ref_no"] == 17, "authors_conclusions"] = "The authors concluded nothing."
    return studies


def seed_extraction(failures: tuple[Failure, ...] = ()) -> Extraction:
    report = json.loads((SEED / "expected-report.json").read_text())["report"]
    meta = ReportMeta(
        publication_date=date(2017, 11, 2),
        search_start=date.fromisoformat(report["search_start"]),
        search_end=date.fromisoformat(report["search_end"]),
        declared_counts=report["declared_counts"],
    )
    document = Document(REPORT_ID, f"{REPORT_ID}.txt", "text", "0" * 64, ())
    return Extraction(document, meta, (), failures)


def test_seed_reports_exactly_one_error_and_quarantines_that_row() -> None:
    result = validate_report({"studies": seed_studies()}, seed_extraction())
    failures = result["validation_failures"]
    assert failures[["ref_no", "column", "check", "severity"]].values.tolist() == [
        [17, "authors_conclusions", "required", "error"]
    ]
    assert result["quarantine_studies"]["ref_no"].tolist() == [17]
    assert result["studies"]["ref_no"].tolist() == list(range(1, 17))


def test_clean_data_produces_no_failures() -> None:
    result = validate_report({"studies": clean_studies()}, seed_extraction())
    assert result["validation_failures"].empty
    assert result["quarantine_studies"].empty
    assert len(result["studies"]) == 17


def test_failures_table_has_the_contract_columns_in_order() -> None:
    failures = validate_report({"studies": seed_studies()}, seed_extraction())["validation_failures"]
    assert list(failures.columns) == FAILURE_COLUMNS
    assert failures.loc[0, "study_key"] == f"{REPORT_ID}:17"
    assert failures.loc[0, "table"] == "studies"
    assert "Coulam" in failures.loc[0, "message"]


def test_warning_keeps_the_row_in_studies() -> None:
    studies = clean_studies()
    studies.loc[2, "results"] = "\uf0b7 More live births"
    result = validate_report({"studies": studies}, seed_extraction())
    assert result["validation_failures"][["check", "severity"]].values.tolist() == [["private_use_char", "warning"]]
    assert len(result["studies"]) == 17 and result["quarantine_studies"].empty


def test_report_level_errors_never_drop_rows() -> None:
    studies = clean_studies()
    studies = studies[studies["ref_no"] != 7]
    result = validate_report({"studies": studies}, seed_extraction())
    failures = result["validation_failures"]
    assert set(failures["check"]) == {"declared_count", "ref_no_gap"}
    assert set(failures["severity"]) == {"error"}
    assert failures["study_key"].isna().all()
    assert len(result["studies"]) == 16 and result["quarantine_studies"].empty


def test_injected_row_errors_go_to_quarantine_with_clear_messages() -> None:
    studies = clean_studies()
    studies.loc[1, "year"] = 2019
    studies.loc[5, "results"] = "Nine (cid:12) patients"
    studies.loc[9, "population"] = None
    result = validate_report({"studies": studies}, seed_extraction())
    failures = result["validation_failures"].set_index("check")
    assert set(result["quarantine_studies"]["ref_no"]) == {2, 6, 10}
    assert failures.loc["year_after_publication", "message"] == (
        "Ref 2 (Mekinian, 2019): year 2019 is after the report's publication date 2017-11-02."
    )
    assert "(cid:12)" in failures.loc["glyph_code", "message"]
    assert failures.loc["required", "ref_no"] == 10


def test_duplicate_reference_quarantines_both_copies() -> None:
    studies = clean_studies()
    studies.loc[4, ["ref_no", "study_key"]] = [4, f"{REPORT_ID}:4"]
    result = validate_report({"studies": studies}, seed_extraction())
    checks = set(result["validation_failures"]["check"])
    assert checks == {"duplicate_ref_no", "unique_study_key", "ref_no_gap"}
    assert result["quarantine_studies"]["ref_no"].tolist() == [4, 4]


def test_schema_error_without_a_study_key_still_quarantines_its_row() -> None:
    studies = clean_studies()
    studies.loc[3, "study_key"] = None
    result = validate_report({"studies": studies}, seed_extraction())
    assert result["quarantine_studies"]["ref_no"].tolist() == [4]


def test_failures_found_while_reading_are_kept_and_can_quarantine() -> None:
    rotated = Failure("rotated_page", "Page 3 is rotated.", REPORT_ID, table="reports", severity="warning", page_no=3)
    glyph = Failure("glyph_code", "Ref 5: a glyph code.", REPORT_ID, study_key=f"{REPORT_ID}:5", ref_no=5)
    result = validate_report({"studies": clean_studies()}, seed_extraction((rotated, glyph)))
    failures = result["validation_failures"]
    assert set(failures["check"]) == {"rotated_page", "glyph_code"}
    assert failures.set_index("check").loc["rotated_page", "source_page"] == 3
    assert result["quarantine_studies"]["ref_no"].tolist() == [5]


def test_other_tables_are_validated_too() -> None:
    criteria = pd.DataFrame({"report_id": [REPORT_ID], "criterion": ["setting"], "text": ["Hospitals"]})
    result = validate_report({"studies": clean_studies(), "selection_criteria": criteria}, seed_extraction())
    failure = result["validation_failures"].iloc[0]
    assert (failure["table"], failure["check"], failure["failure_case"]) == ("selection_criteria", "criterion_enum", "setting")


def test_policy_decides_what_is_quarantined() -> None:
    policy = {**load_severity_policy(), "required": "warning"}
    result = validate_report({"studies": seed_studies()}, seed_extraction(), policy=policy)
    assert result["quarantine_studies"].empty
    assert result["validation_failures"]["severity"].tolist() == ["warning"]


def test_every_check_code_has_a_documented_policy_entry() -> None:
    policy = load_severity_policy()
    assert VALIDATION_CHECKS == set(policy)
    policy_text = (Path(__file__).parents[1] / "src" / "extract" / "severity.toml").read_text()
    lines = policy_text.splitlines()
    for index, line in enumerate(lines):
        if " = " in line and not line.startswith("#"):
            assert lines[index - 1].startswith("#"), f"no comment above {line!r}"


def test_failures_and_policy_refuse_undeclared_codes() -> None:
    with pytest.raises(ValueError, match="not declared"):
        Failure("author_split", "Ref 5: no year found.", REPORT_ID)
    with pytest.raises(ValueError, match="does not declare: made_up_check"):
        load_severity_policy('[severity]\nmade_up_check = "error"\n')


def test_policy_rejects_unknown_severities() -> None:
    with pytest.raises(ValueError, match="error' or 'warning"):
        load_severity_policy('[severity]\nrequired = "fatal"\n')


def test_failure_summary_counts_by_check_and_severity_errors_first() -> None:
    studies = seed_studies()
    studies.loc[2, "results"] = "\uf0b7 a"
    studies.loc[3, "results"] = "\uf0b7 b"
    summary = failure_summary(validate_report({"studies": studies}, seed_extraction())["validation_failures"])
    assert summary.values.tolist() == [["required", "error", 1], ["private_use_char", "warning", 2]]


def test_failure_summary_of_no_failures_is_empty_with_its_columns() -> None:
    summary = failure_summary(validate_report({"studies": clean_studies()}, seed_extraction())["validation_failures"])
    assert summary.empty and list(summary.columns) == ["check", "severity", "failures"]

"""The data dictionary is generated from the models and the committed copy cannot drift."""

from __future__ import annotations

import json
from pathlib import Path

from extract.dictionary import data_package, data_package_json, write_data_package

COMMITTED = Path(__file__).parents[1] / "docs" / "datapackage.json"
CONTRACT_COLUMNS = {
    "studies": [
        "report_id", "study_key", "ref_no", "first_author", "year", "design", "design_label",
        "indication", "population", "results", "authors_conclusions", "source_page", "table_label",
        "pmid", "doi", "reference_text", "study_id",
    ],
    "references": [
        "report_id", "ref_no", "section", "group", "text", "first_author", "authors", "year", "title",
        "journal", "volume", "issue", "pages", "pmid", "doi", "url",
    ],
    "study_index": ["study_id", "report_ids", "n_reports", "design_labels", "populations"],
    "reports": [
        "report_id", "source_file", "source_sha256", "source_format", "title", "publication_date",
        "research_questions", "search_start", "search_end", "n_studies", "pages",
        "extractor_version", "extracted_at",
    ],
    "selection_criteria": ["report_id", "criterion", "text"],
    "abbreviations": ["report_id", "abbreviation", "expansion"],
    "validation_failures": [
        "report_id", "table", "study_key", "ref_no", "column", "check", "severity",
        "failure_case", "message", "source_page",
    ],
}


def resources() -> dict[str, dict]:
    return {resource["name"]: resource for resource in data_package()["resources"]}


def fields(name: str) -> dict[str, dict]:
    return {field["name"]: field for field in resources()[name]["schema"]["fields"]}


def test_committed_dictionary_matches_the_models() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == data_package_json(), (
        "docs/datapackage.json is stale: regenerate it with "
        "`python -c 'from extract.dictionary import data_package_json as d; print(d(), end=\"\")' > docs/datapackage.json`"
    )


def test_every_contract_table_lists_its_columns_first_in_order() -> None:
    for table, columns in CONTRACT_COLUMNS.items():
        names = [field["name"] for field in resources()[table]["schema"]["fields"]]
        assert names[: len(columns)] == columns


def test_every_field_is_described_and_typed() -> None:
    for resource in data_package()["resources"]:
        assert resource["description"]
        for field in resource["schema"]["fields"]:
            assert field["description"], f"{resource['name']}.{field['name']} has no description"
            assert field["type"] in {"string", "integer", "number", "date", "datetime"}


def test_constraints_carry_the_contract_rules() -> None:
    studies = fields("studies")
    assert studies["study_key"]["constraints"]["unique"] is True
    assert studies["design"]["constraints"]["enum"][0] == "health_technology_assessment"
    assert studies["year"]["constraints"] == {"required": True, "minimum": 1900}
    assert studies["ref_no"]["type"] == "integer" and studies["ref_no"]["constraints"]["required"] is False
    assert fields("reports")["publication_date"]["type"] == "date"
    assert fields("reports")["extracted_at"]["type"] == "datetime"
    assert fields("validation_failures")["severity"]["constraints"]["enum"] == ["error", "warning"]
    assert resources()["studies"]["schema"]["primaryKey"] == ["study_key"]


def test_quarantine_may_hold_duplicate_keys_and_break_any_rule() -> None:
    quarantine = resources()["quarantine_studies"]
    assert quarantine["path"] == "quarantine/studies.csv"
    assert "primaryKey" not in quarantine["schema"]
    assert all(field["constraints"] == {"required": False} for field in quarantine["schema"]["fields"])


def test_every_published_table_is_a_tabular_resource_with_every_declared_column() -> None:
    from extract.tables_spec import TABLES

    assert [r["name"] for r in data_package()["resources"]] == list(TABLES)
    for resource in data_package()["resources"]:
        assert resource["profile"] == "tabular-data-resource"
        assert [f["name"] for f in resource["schema"]["fields"]] == [c.name for c in TABLES[resource["name"]].columns]
    assert {"review_audit", "quarantine_reason"} <= set(fields("quarantine_studies"))
    assert {"languages", "databases", "declared_counts", "summary_counts"} <= set(fields("reports"))
    assert {"status", "decision"} <= set(fields("validation_failures"))
    assert fields("provenance")["x0"]["type"] == "number"
    assert fields("references")["pmid"]["constraints"]["pattern"] == r"^\d{1,9}$"


def test_write_data_package_writes_the_descriptor(tmp_path: Path) -> None:
    written = write_data_package(tmp_path / "curated")
    assert written == tmp_path / "curated" / "datapackage.json"
    assert json.loads(written.read_text(encoding="utf-8")) == data_package()
    assert [p.name for p in written.parent.iterdir()] == ["datapackage.json"]

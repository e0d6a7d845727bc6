"""Round trip through every producer: reports drawn by WeasyPrint, Typst, fpdf2, LibreOffice and reportlab
extract back to their truth — every row, nearly every field, and no error a clean report does not have.

The sample covers every producer and every variant at least once (tests/forge/cache.py); the
whole matrix runs in `python -m bench.producers`. Every error-severity failure on these clean
reports is spurious.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

import pytest

from extract.extraction import extract_report
from extract.rows import study_records
from extract.settings import Limits
from flows.reading import validated_read
from tests.forge.cache import Case, RenderCache, sample_matrix, small_seeds

SEEDS = small_seeds(4)
SAMPLE = sample_matrix(SEEDS)
FIXED_TIME = datetime(2020, 1, 1, tzinfo=timezone.utc)
MIN_FIELD_SHARE = 0.995


def comparable(value: Any) -> Any:
    """A value as compared: JSON text parsed, empty strings and None alike."""
    if isinstance(value, str) and value.startswith("{"):
        return json.loads(value)
    return None if value == "" or value == {} else value


@pytest.fixture(scope="module")
def results(forge_cache: RenderCache) -> dict[Case, dict[str, Any]]:
    """For each sampled case: the truth's study keys, the fields compared and matched, and the spurious errors."""
    found: dict[Case, dict[str, Any]] = {}
    for case, (rendered, truth) in zip(SAMPLE, forge_cache.cases(SAMPLE)):
        extraction = extract_report(rendered.pdf, Limits())
        records = {str(r["study_key"]): r for r in study_records(case.stem, extraction.tables)}
        failures = validated_read(extraction, "test", FIXED_TIME).validated["validation_failures"]
        compared = [
            (expected["study_key"], field, comparable(records.get(str(expected["study_key"]), {}).get(field)), comparable(value))
            for expected in truth.studies
            for field, value in expected.items()
            if field != "report_id"
        ]
        found[case] = {
            "missing": sorted({str(e["study_key"]) for e in truth.studies} - set(records)),
            "compared": len(compared),
            "mismatches": [item for item in compared if item[2] != item[3]],
            "errors": failures[failures["severity"] == "error"][["check", "message"]].values.tolist(),
        }
    return found


def test_every_row_of_every_sampled_report_is_found(results: dict) -> None:
    missing = {case.stem: outcome["missing"] for case, outcome in results.items() if outcome["missing"]}
    assert not missing


def test_fields_are_exact_in_995_per_mille_for_every_producer(results: dict) -> None:
    by_producer: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case, outcome in results.items():
        by_producer[case.producer][0] += outcome["compared"] - len(outcome["mismatches"])
        by_producer[case.producer][1] += outcome["compared"]
    shares = {producer: exact / compared for producer, (exact, compared) in by_producer.items()}
    worst = {case.stem: outcome["mismatches"][:3] for case, outcome in results.items() if outcome["mismatches"]}
    assert len(shares) == 5 and all(share >= MIN_FIELD_SHARE for share in shares.values()), (shares, worst)


def test_clean_reports_get_no_error_from_any_producer(results: dict) -> None:
    errors = {case.stem: outcome["errors"] for case, outcome in results.items() if outcome["errors"]}
    assert not errors

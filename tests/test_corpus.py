"""The whole pipeline over the bad-pdfs corpus: every file ends as an Extraction or a stable reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.errors import UnreadableReport
from extract.isolation import run_isolated
from extract.model import Extraction
from extract.pipeline import NO_SUMMARY_TABLE, extract_report
from extract.readers.guard import READ_FAILURE_REASONS
from extract.settings import Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "bad-pdfs"
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.pdf"))
ALLOWED_REASONS = (READ_FAILURE_REASONS - {"internal_error", "worker_crashed"}) | {NO_SUMMARY_TABLE}
LIMITS = Limits(timeout_s=120.0)


def test_the_corpus_is_there() -> None:
    assert len(CORPUS_FILES) == 30


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_yields_an_extraction_or_a_stable_reason(name: str) -> None:
    path = CORPUS / name
    try:
        extraction = run_isolated(
            extract_report, path, LIMITS, timeout_s=LIMITS.timeout_s, memory_mb=3072
        )
    except UnreadableReport as unreadable:
        assert unreadable.reason in ALLOWED_REASONS, str(unreadable)
        assert name in unreadable.source_file
        assert unreadable.message
    else:
        assert isinstance(extraction, Extraction)
        assert any(table.rows for table in extraction.tables)

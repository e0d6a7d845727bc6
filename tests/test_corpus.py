"""The whole pipeline over the bad-pdfs corpus: every file ends in the outcome MANIFEST.md asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.errors import UnreadableReport
from extract.isolation import run_isolated
from extract.extraction import extract_report
from extract.errors import READ_FAILURE_REASONS
from extract.settings import Limits

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus" / "bad-pdfs"
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.pdf"))
ALLOWED_REASONS = (READ_FAILURE_REASONS - {"internal_error", "worker_crashed"}) | {"no_summary_table"}
LIMITS = Limits(timeout_s=120.0)

# Read, but holding no summary-of-included-studies table: none of these is an HTA report.
READ_WITHOUT_TABLE = "no_summary_table"

# File → (reason, page named by the failure or None). MANIFEST.md's "what a robust pipeline
# should do" column, as the pipeline's stable reasons.
EXPECTED_OUTCOMES: dict[str, tuple[str, int | None]] = {
    "not-a-pdf-plain-text.pdf": ("not_a_pdf", None),
    "zero-byte-file.pdf": ("empty_file", None),
    "truncated-header-only.pdf": ("corrupt_pdf", None),
    "startxref-keyword-corrupted.pdf": ("corrupt_pdf", None),  # broken startxref
    "xref-prev-loop.pdf": ("corrupt_pdf", None),  # RecursionError, classified
    "xref-wrong-object-offset.pdf": (READ_WITHOUT_TABLE, None),  # pdfium recovers the text
    "trailer-missing-brackets.pdf": (READ_WITHOUT_TABLE, None),
    "corrupted-flate-content-stream.pdf": (READ_WITHOUT_TABLE, None),
    "encrypted-empty-user-password.pdf": (READ_WITHOUT_TABLE, None),
    "encrypted-user-password.pdf": ("encrypted_password_required", None),
    "zero-pages.pdf": ("no_pages", None),  # pdfium refuses it; pdfminer counts 0 pages
    "page-tree-missing-type-keys.pdf": ("no_pages", None),  # only pdfium infers the page
    "info-dict-is-page-tree.pdf": ("no_pages", None),
    "page-tree-loop.pdf": (READ_WITHOUT_TABLE, None),
    "page-tree-deeply-nested.pdf": ("corrupt_pdf", 1),  # pdfium cannot load page 1
    "page-without-mediabox.pdf": ("corrupt_pdf", None),  # bare TypeError inside pdfplumber
    "scanned-image-only.pdf": ("no_text_layer", None),
    "rotated-page-table.pdf": (READ_WITHOUT_TABLE, None),
    "text-eight-directions-tables.pdf": (READ_WITHOUT_TABLE, None),
    "font-no-tounicode-garbled.pdf": ("undecodable_text", None),  # '"7+%-', no (cid:) markers
    "font-type3-no-tounicode-cid.pdf": ("undecodable_text", 1),
    "many-pages-117.pdf": (READ_WITHOUT_TABLE, None),
    "form-xfa-javascript-dd0293.pdf": (READ_WITHOUT_TABLE, None),
    "embedded-attachment.pdf": (READ_WITHOUT_TABLE, None),
    "jbig2-35000px-image-bomb.pdf": ("no_text_layer", None),
    "table-char-spacing-ca-warn-report.pdf": (READ_WITHOUT_TABLE, None),
    "control-nics-firearm-checks-table.pdf": (READ_WITHOUT_TABLE, None),
    "control-senate-expenditures-table.pdf": (READ_WITHOUT_TABLE, None),
    "control-la-precinct-bulletin-table.pdf": (READ_WITHOUT_TABLE, None),
    "control-ema-curved-table.pdf": (READ_WITHOUT_TABLE, None),
}


def test_the_corpus_is_there_and_every_file_has_an_expected_outcome() -> None:
    assert len(CORPUS_FILES) == 30
    assert set(CORPUS_FILES) == set(EXPECTED_OUTCOMES)


def test_every_expected_reason_is_a_stable_reason() -> None:
    assert {reason for reason, _ in EXPECTED_OUTCOMES.values()} <= ALLOWED_REASONS


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_ends_in_its_expected_reason(name: str) -> None:
    path = CORPUS / name
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(extract_report, path, LIMITS, timeout_s=LIMITS.timeout_s, memory_mb=3072)
    unreadable = caught.value
    assert (unreadable.reason, unreadable.page_no) == EXPECTED_OUTCOMES[name], unreadable.message
    assert name in unreadable.source_file
    assert unreadable.message

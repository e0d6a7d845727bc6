"""Every reason code in one registry, and the one exception a reader raises for a file it cannot read.

A reason code is data: stewards filter failures by it, the severity policy (`severity.toml`)
keys on it, and downstream readers rely on it staying stable. So every code is declared here
once, with its kind and what it means; `Failure` and `UnreadableReport` refuse a code that is
not declared, and a test holds `severity.toml` to the checks declared here. An unreadable file
never stops a batch: the flow records it as a report-level row of `validation_failures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# read: the file is not a report we can read (one report-level error row, no tables);
# read_warning: readable, but something about how it was read deserves a look;
# schema / check: a contract rule or a cross-check failed (severity from severity.toml);
# review: a steward's decision could not be applied.
ReasonKind = Literal["read", "read_warning", "schema", "check", "review"]


@dataclass(frozen=True)
class Reason:
    """One stable reason code: what kind of failure it names and what it means, in a steward's words."""

    code: str
    kind: ReasonKind
    meaning: str


def _declare(kind: ReasonKind, meanings: dict[str, str]) -> tuple[Reason, ...]:
    """Reasons of one kind, from code → meaning."""
    return tuple(Reason(code, kind, meaning) for code, meaning in meanings.items())


REASONS: dict[str, Reason] = {
    reason.code: reason
    for reason in (
        *_declare("read", {
            "empty_file": "empty file (0 bytes)",
            "not_a_pdf": "not a PDF (no %PDF- header in its first 1024 bytes)",
            "too_large": "too large to process",
            "file_unreadable": "the file cannot be read",
            "encrypted_password_required": "encrypted: a password is required to open it",
            "encrypted_unsupported": "encrypted with a scheme that cannot be opened",
            "corrupt_pdf": "corrupt or truncated PDF",
            "timeout": "took longer than its time budget and was stopped",
            "worker_crashed": "the reading process died",
            "no_pages": "PDF has no pages (page tree missing or unreadable)",
            "no_text_layer": "no text layer (scanned?): OCR needed",
            "undecodable_text": "text not decodable (font without a Unicode map): glyphs, not words",
            "internal_error": "the extractor failed on this file: a bug to report",
            "not_a_report": "not a report: binary content where text was expected",
            "unsupported_format": "a file type the extractor does not read",
            "no_summary_table": "no summary-of-included-studies table was found",
        }),
        *_declare("read_warning", {
            "rotated_page": "rotated page: the table layout is unreliable",
            "coordinates_out_of_page": "words lie outside the page box (a broken transform or trailer)",
            "low_quality_text": "letter-spaced, reversed or garbled text",
            "pdf_library_warning": "a PDF library warned while reading; some content may be missing",
            "low_confidence_table": "a summary table was found, but no strategy read it confidently",
        }),
        *_declare("schema", {
            "required": "a cell the contract (or the row's own table) requires is empty",
            "type": "a cell cannot be read as the contract's type",
            "missing_column": "a column the contract lists is absent",
            "column_order": "the contract's columns are not first or not in contract order",
            "design_enum": "design is not one of the contract's design values",
            "criterion_enum": "a selection criterion the contract does not name",
            "severity_enum": "a severity other than error or warning",
            "source_format_enum": "a source format other than pdf or text",
            "year_range": "a year before 1900 or after next year",
            "value_range": "a number below its floor",
            "value_format": "a value that does not match its pattern",
            "study_key_format": "a study_key that is neither report_id:ref_no nor report_id:author-year",
            "unique_study_key": "two rows share a study_key",
            "unique_report_id": "two reports share a report_id",
            "unique_criterion": "a report lists the same selection criterion twice",
            "schema": "any other contract rule",
        }),
        *_declare("check", {
            "declared_count": "Key Findings declare other study counts per design than the table lists",
            "summary_count": "the Overall Summary's counts per design disagree with the table",
            "citation_range": "the Overall Summary cites a reference as a design the table does not give it",
            "duplicate_ref_no": "two rows share a reference number",
            "ref_no_gap": "reference numbers skip between the first and the last row",
            "ref_no_start": "the first row's reference number is above 1",
            "year_after_publication": "a study year after the report's publication date",
            "year_outside_search": "a study year outside the literature search window",
            "broken_word": "a word still broken by PDF character spacing",
            "glyph_code": "an undecoded (cid:N) glyph code",
            "private_use_char": "a private-use character the cleanup missed",
            "replacement_char": "U+FFFD: a character could not be decoded",
            "duplicate_study": "same first author, year and indication under different references",
            "reference_missing": "a row's reference number has no entry in References Summarized",
            "reference_uncited": "an entry of References Summarized that no row cites",
            "reference_mismatch": "a row's first author or year differs from the reference its number points to",
            "duplicate_pmid": "the same PMID on two entries of one reference list",
            "malformed_pmid": "a PMID printed in a form that is not one (digits after PM or PMID)",
            "malformed_doi": "a DOI printed in a form that is not one (10.nnnn/…)",
        }),
        *_declare("review", {
            "stale_decision": "a steward's decision no longer matches anything in the run",
            "invalid_correction": "a steward's corrected value does not fit its column (type or contract rule); the extracted value stays",
        }),
    )
}
READ_FAILURE_REASONS: frozenset[str] = frozenset(code for code, r in REASONS.items() if r.kind == "read")
# The codes severity.toml must name: everything validation can find.
VALIDATION_CHECKS: frozenset[str] = frozenset(code for code, r in REASONS.items() if r.kind in ("schema", "check"))


def require_reason(code: str, kinds: tuple[ReasonKind, ...] | None = None) -> str:
    """The code itself when it is declared (and of one of `kinds`); a ValueError names an undeclared one."""
    reason = REASONS.get(code)
    if reason is None or (kinds is not None and reason.kind not in kinds):
        wanted = f" of kind {'/'.join(kinds)}" if kinds else ""
        raise ValueError(f"reason code {code!r} is not declared{wanted} in extract.errors.REASONS")
    return code


class UnreadableReport(Exception):
    """A file that cannot be read as a report, with a stable reason code."""

    def __init__(self, reason: str, message: str, source_file: str, page_no: int | None = None):
        super().__init__(f"{source_file}: {message}")
        self.reason = require_reason(reason, ("read",))
        self.message = message
        self.source_file = source_file
        self.page_no = page_no


def unreadable(reason: str, path: Path | str, detail: str = "", page_no: int | None = None) -> UnreadableReport:
    """The exception for a declared read reason, its meaning as the message and an optional detail."""
    message = REASONS[require_reason(reason, ("read",))].meaning + (f" ({detail})" if detail else "")
    return UnreadableReport(reason, message, str(path), page_no)


def describe_os_error(error: OSError, path: Path | str | None = None) -> str:
    """An OS error in one line a user can act on: its reason, then the file it concerns (its own, else `path`)."""
    reason = error.strerror or str(error) or type(error).__name__
    where = error.filename or path
    if where and error.filename2:  # a rename or a link: both ends
        where = f"{where} → {error.filename2}"
    return f"{reason} ({where})" if where else reason

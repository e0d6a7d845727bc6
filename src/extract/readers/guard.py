"""Sniffing and classifying bad input, so a malformed file becomes a stable reason, never a crash.

Three kinds of check live here, none of which imports pdfplumber (that is pdf.py's job):
`precheck` looks at the bytes before any parser does; `classify_exception` turns whatever a PDF
library raised into an `UnreadableReport` with a stable reason; the post-open checks
(`check_page_count`, `check_page_texts`, `check_document`) catch the silent failures a parser
returns without raising (no pages, no text layer, undecodable glyphs), and `layout_warnings` /
`library_warnings` report what is suspicious but still readable as warning-level `Failure`s.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from extract.errors import UnreadableReport
from extract.model import Document, Failure, Page
from extract.settings import Limits
from extract.text import is_word

PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WINDOW_BYTES = 1024
PDF_LIBRARY_MODULES = ("pdfminer", "pdfplumber", "pypdfium2")
OUT_OF_PAGE_TOLERANCE_PT = 2.0
MIN_DECODABLE_ALNUM_SHARE = 0.5
MAX_DECODABLE_CID_SHARE = 0.3
MAX_SINGLE_LETTER_SHARE = 0.4
MAX_SIDEWAYS_WORD_SHARE = 0.5
MAX_UNKNOWN_WORD_SHARE = 0.6
MIN_LETTERS_FOR_LOOKUP = 4
SINGLE_LETTER_WORDS = frozenset("aAI")
MIN_TOKENS_FOR_QUALITY = 20

REASON_MESSAGES: dict[str, str] = {
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
    # raised by the text reader and by the pipeline's reader choice; listed so that
    # READ_FAILURE_REASONS names every reason a read can fail with
    "not_a_report": "not a report: binary content where text was expected",
    "unsupported_format": "a file type the extractor does not read",
}
READ_FAILURE_REASONS: frozenset[str] = frozenset(REASON_MESSAGES)

_CID_MARKER = re.compile(r"\(cid:\d+\)")
_CORRUPTION_HINTS: tuple[tuple[str, str], ...] = (
    ("RecursionError", "reference loop in the file structure (recursion limit reached)"),
    ("PDFNoValidXRef", "cross-reference table is broken"),
    ("PDFSyntaxError", "file structure is broken (no readable catalog or xref)"),
    ("PSEOF", "file ends unexpectedly"),
    ("PdfiumError", "PDFium cannot load the file structure"),
    ("error", "a compressed stream is damaged"),
    ("TypeError", "malformed object (a required entry such as /MediaBox is missing)"),
    ("KeyError", "malformed object (a required entry is missing)"),
    ("ValueError", "malformed object (an entry has an impossible value)"),
    ("AssertionError", "malformed object (the parser's consistency check failed)"),
)


def unreadable(
    reason: str, path: Path | str, detail: str = "", page_no: int | None = None
) -> UnreadableReport:
    """Build the exception with the stable reason's human message and an optional detail."""
    message = REASON_MESSAGES[reason] + (f" ({detail})" if detail else "")
    return UnreadableReport(reason, message, str(path), page_no)


# ---------------------------------------------------------------------------------------------
# Before parsing


def file_size_bytes(path: Path) -> int:
    """The file's size, or UnreadableReport(file_unreadable) when it cannot be stat'ed."""
    try:
        return path.stat().st_size
    except OSError as exc:
        raise unreadable("file_unreadable", path, exc.strerror or type(exc).__name__) from exc


def has_pdf_header(path: Path) -> bool:
    """True when `%PDF-` occurs in the first 1024 bytes, where readers accept it."""
    try:
        with open(path, "rb") as handle:
            return PDF_MAGIC in handle.read(PDF_MAGIC_WINDOW_BYTES)
    except OSError as exc:
        raise unreadable("file_unreadable", path, exc.strerror or type(exc).__name__) from exc


def precheck(path: Path, limits: Limits) -> None:
    """Refuse empty, oversized and not-really-PDF files before a parser sees them."""
    size = file_size_bytes(path)
    if size == 0:
        raise unreadable("empty_file", path)
    max_bytes = limits.max_file_mb * 1024 * 1024
    if size > max_bytes:
        detail = f"{size / 1024 / 1024:.1f} MB, the limit is {limits.max_file_mb:g} MB"
        raise unreadable("too_large", path, detail)
    if path.suffix.lower() == ".pdf" and not has_pdf_header(path):
        raise unreadable("not_a_pdf", path)


# ---------------------------------------------------------------------------------------------
# Classifying what a parser raised


def wrapped_cause(exc: BaseException) -> BaseException:
    """The exception pdfplumber wraps (`PdfminerException(cause)` keeps it in args[0])."""
    if exc.args and isinstance(exc.args[0], BaseException):
        return wrapped_cause(exc.args[0])
    return exc


def class_names(exc: BaseException) -> frozenset[str]:
    """Names of the exception's classes, so pdfminer types are recognised without importing it."""
    return frozenset(cls.__name__ for cls in type(exc).__mro__)


def raised_inside_pdf_library(exc: BaseException) -> bool:
    """True when a PDF library's code is on the traceback or defines the exception class."""
    if type(exc).__module__.startswith(PDF_LIBRARY_MODULES):
        return True
    frame: TracebackType | None = exc.__traceback__
    while frame is not None:
        if str(frame.tb_frame.f_globals.get("__name__", "")).startswith(PDF_LIBRARY_MODULES):
            return True
        frame = frame.tb_next
    return False


def exception_detail(exc: BaseException) -> str:
    """`Type: message`, shortened, for the person reading the failures table."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def corruption_detail(cause: BaseException) -> str:
    """A plain-words explanation of a parser failure, followed by the raw exception."""
    names = class_names(cause)
    hint = next((h for name, h in _CORRUPTION_HINTS if name in names), "unreadable structure")
    return f"{hint}; {exception_detail(cause)}"


def is_corruption(outer: BaseException, cause: BaseException) -> bool:
    """True for what broken files make parsers raise, as opposed to a bug in our own code."""
    names = class_names(cause)
    if "PSException" in names or "MalformedPDFException" in names or isinstance(cause, zlib.error):
        return True
    if type(cause).__module__.startswith(PDF_LIBRARY_MODULES):
        return True
    if isinstance(cause, RecursionError) or outer is not cause:
        return True
    library_raised = (TypeError, KeyError, ValueError, AssertionError, IndexError, EOFError)
    return isinstance(cause, library_raised) and raised_inside_pdf_library(outer)


def is_pdfium_password_error(exc: BaseException) -> bool:
    """pypdfium2 says a password is needed only in its error text (`Incorrect password error`)."""
    return "PdfiumError" in class_names(exc) and "password" in str(exc).lower()


def classify_exception(
    exc: BaseException, path: Path, page_no: int | None = None
) -> UnreadableReport:
    """Turn anything a PDF library raised into an UnreadableReport with a stable reason."""
    if isinstance(exc, UnreadableReport):
        return exc
    cause = wrapped_cause(exc)
    names = class_names(cause)
    if "PDFPasswordIncorrect" in names or is_pdfium_password_error(cause):
        return unreadable("encrypted_password_required", path, page_no=page_no)
    if "PDFEncryptionError" in names:
        return unreadable("encrypted_unsupported", path, exception_detail(cause), page_no)
    if isinstance(cause, (TimeoutError,)):
        return unreadable("timeout", path, exception_detail(cause), page_no)
    if isinstance(cause, MemoryError):
        return unreadable("too_large", path, "ran out of memory while reading", page_no)
    if is_corruption(exc, cause):
        return unreadable("corrupt_pdf", path, corruption_detail(cause), page_no)
    if isinstance(cause, OSError):
        return unreadable("file_unreadable", path, exception_detail(cause), page_no)
    return unreadable("internal_error", path, exception_detail(cause), page_no)


# ---------------------------------------------------------------------------------------------
# After opening: silent failures


def check_page_count(path: Path, n_pages: int) -> None:
    """Treat zero pages as a failure: pdfminer returns none when the page tree is unreadable."""
    if n_pages == 0:
        raise unreadable("no_pages", path)


SHOWN_TEXT_CHARS = 40  # how much of an undecodable text an error message quotes
ORDINARY_PUNCTUATION = ".,;:()%-–'’\"/"


@dataclass(frozen=True, slots=True)
class TextCounts:
    """What the text-layer checks count in a text; a document's counts are the sum of its pages'.

    Counting page by page lets a reader check a long report's text layer without holding, or
    joining, the text of every page.
    """

    visible: int = 0  # characters that are not whitespace
    cid_markers: int = 0  # `(cid:N)` markers: glyphs with no Unicode
    cid_chars: int = 0  # visible characters inside those markers
    alnum: int = 0  # letters and digits outside the markers
    decodable: int = 0  # letters, digits and ordinary punctuation outside the markers

    def __add__(self, other: TextCounts) -> TextCounts:
        return TextCounts(*(getattr(self, f) + getattr(other, f) for f in self.__slots__))

    @property
    def cid_share(self) -> float:
        """Share of visible characters spent on `(cid:N)` markers."""
        return self.cid_chars / self.visible if self.visible else 0.0

    @property
    def alnum_share(self) -> float:
        """Share of visible characters, markers left out, that are letters or digits."""
        plain = self.visible - self.cid_chars
        return self.alnum / plain if plain else 0.0

    @property
    def decodable_share(self) -> float:
        """Share of visible glyphs (a marker is one glyph) that are letters, digits or ordinary punctuation."""
        glyphs = self.visible - self.cid_chars + self.cid_markers
        return self.decodable / glyphs if glyphs else 0.0

    @property
    def undecodable(self) -> bool:
        """Mostly `(cid:N)` markers or punctuation: glyph codes, not words."""
        if self.visible == 0:
            return False
        return self.cid_share > MAX_DECODABLE_CID_SHARE or self.alnum_share < MIN_DECODABLE_ALNUM_SHARE


def text_counts(text: str) -> TextCounts:
    """Count a text's visible characters, `(cid:N)` markers, letters and digits, and decodable glyphs in one walk."""
    markers = _CID_MARKER.findall(text)
    cid_chars = sum(len(marker) for marker in markers)
    plain = alnum = decodable = 0
    for ch in _CID_MARKER.sub(" ", text) if markers else text:
        if not ch.isspace():
            plain += 1
            alnum += ch.isalnum()
            decodable += unicodedata.category(ch)[0] in "LN" or ch in ORDINARY_PUNCTUATION
    return TextCounts(plain + cid_chars, len(markers), cid_chars, alnum, decodable)


def total_counts(counts: Iterable[TextCounts]) -> TextCounts:
    """The counts of several texts (pages) taken together."""
    return sum(counts, TextCounts())


def cid_share(text: str) -> float:
    """Share of visible characters spent on `(cid:N)` markers for glyphs with no Unicode."""
    return text_counts(text).cid_share


def alnum_share(text: str) -> float:
    """Share of visible characters, `(cid:N)` markers left out, that are letters or digits."""
    return text_counts(text).alnum_share


def is_undecodable(text: str) -> bool:
    """True when text is mostly `(cid:N)` markers or punctuation: glyph codes, not words."""
    return text_counts(text).undecodable


def check_text_counts(path: Path, counts: TextCounts, n_pages: int, shown: str) -> None:
    """Fail a document whose pages hold no text at all, or only undecodable glyphs (`shown`: how its text starts)."""
    if counts.visible == 0:
        raise unreadable("no_text_layer", path, f"{n_pages} page(s), 0 characters")
    if counts.undecodable:
        raise unreadable("undecodable_text", path, f"text reads {shown.strip()[:SHOWN_TEXT_CHARS]!r}")


def check_page_texts(path: Path, page_texts: Sequence[str]) -> None:
    """Fail a document whose pages hold no text at all, or only undecodable glyphs."""
    check_text_counts(path, total_counts(map(text_counts, page_texts)), len(page_texts), "\n".join(page_texts))


def page_text(page: Page) -> str:
    """A page's words joined by spaces: enough for the text-layer and decodability checks."""
    return " ".join(word.text for word in page.words)


def check_document(doc: Document) -> None:
    """Run the post-open checks on a read Document: pages present, text present and decodable."""
    path = Path(doc.source_file)
    if doc.source_format == "pdf":
        check_page_count(path, doc.n_pages if doc.n_pages is not None else len(doc.pages))
    texts = [page_text(p) for p in doc.pages] if doc.pages else [b.text for b in doc.blocks]
    check_page_texts(path, texts)


# ---------------------------------------------------------------------------------------------
# After opening: readable but suspicious (warnings)


def report_warning(report_id: str, check: str, message: str, page_no: int | None) -> Failure:
    """A report-level warning row about how a file was read."""
    return Failure(
        check=check,
        message=message,
        report_id=report_id,
        table="reports",
        severity="warning",
        page_no=page_no,
    )


def words_off_page(page: Page) -> int:
    """How many words lie outside the page box: a sign of a broken transform or trailer."""
    slack = OUT_OF_PAGE_TOLERANCE_PT
    return sum(
        1
        for w in page.words
        if w.bbox.x0 < -slack
        or w.bbox.top < -slack
        or w.bbox.x1 > page.width + slack
        or w.bbox.bottom > page.height + slack
    )


def single_letter_share(text: str) -> float:
    """Share of alphabetic tokens that are one letter (other than a, A, I): letter-spaced text."""
    alphabetic = [t for t in text.split() if t.isalpha()]
    single = sum(len(t) == 1 and t not in SINGLE_LETTER_WORDS for t in alphabetic)
    return single / len(alphabetic) if alphabetic else 0.0


def unknown_word_share(text: str) -> float:
    """Share of longer alphabetic tokens that are no known word: reversed (`gnikirts`) or garbled text."""
    candidates = [t.strip(".,;:()[]\"'") for t in text.split()]
    lookups = [t for t in candidates if t.isalpha() and len(t) >= MIN_LETTERS_FOR_LOOKUP]
    return sum(not is_word(t) for t in lookups) / len(lookups) if lookups else 0.0


def sideways_share(page: Page) -> float:
    """Share of a page's words that are not upright: rotated text breaks row and column finding."""
    return sum(not w.upright for w in page.words) / len(page.words) if page.words else 0.0


def page_warnings(report_id: str, page: Page) -> list[Failure]:
    """Warnings for one page: sideways text, coordinates off the page, letter-spaced or reversed text."""
    found: list[Failure] = []
    if sideways_share(page) > MAX_SIDEWAYS_WORD_SHARE:
        rotate = f"page /Rotate {page.rotation % 360}°, " if page.rotation % 360 else ""
        message = f"rotated page ({rotate}text runs sideways): table layout unreliable"
        found.append(report_warning(report_id, "rotated_page", message, page.page_no))
    off_page = words_off_page(page)
    if off_page:
        message = f"coordinates out of page bounds: {off_page} of {len(page.words)} words"
        found.append(report_warning(report_id, "coordinates_out_of_page", message, page.page_no))
    text = page_text(page)
    if len(text.split()) >= MIN_TOKENS_FOR_QUALITY:
        share = single_letter_share(text)
        if share > MAX_SINGLE_LETTER_SHARE:
            message = f"low-quality text: {share:.0%} of words are single letters (letter-spaced?)"
            found.append(report_warning(report_id, "low_quality_text", message, page.page_no))
        elif (unknown := unknown_word_share(text)) > MAX_UNKNOWN_WORD_SHARE:
            message = f"low-quality text: {unknown:.0%} of words are unknown (reversed, garbled or not English?)"
            found.append(report_warning(report_id, "low_quality_text", message, page.page_no))
    return found


def layout_warnings(doc: Document) -> tuple[Failure, ...]:
    """Warnings for every page of a read PDF, in page order."""
    return tuple(w for page in doc.pages for w in page_warnings(doc.report_id, page))


# ---------------------------------------------------------------------------------------------
# pdfminer's log warnings, captured per file


class _RecordCollector(logging.Handler):
    """Keeps the messages of warning-level records, so they become data instead of log noise."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


@contextmanager
def captured_library_warnings() -> Iterator[list[str]]:
    """Collect the PDF libraries' warning log records while reading one file."""
    collector = _RecordCollector()
    loggers = [logging.getLogger(name) for name in PDF_LIBRARY_MODULES]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        for logger in loggers:
            logger.removeHandler(collector)


def library_warning_message(logged: str) -> str:
    """Say in plain words what a logged library warning means for the extracted data."""
    if "Data-loss while decompressing" in logged:
        return f"recovered from a corrupted stream, some content may be missing ({logged})"
    return f"PDF library warning ({logged})"


def library_warnings(report_id: str, logged: Sequence[str]) -> tuple[Failure, ...]:
    """Warning rows for the library log messages captured while reading one file, deduplicated."""
    return tuple(
        Failure(
            check="pdf_library_warning",
            message=library_warning_message(message),
            report_id=report_id,
            table="reports",
            severity="warning",
        )
        for message in dict.fromkeys(logged)
    )

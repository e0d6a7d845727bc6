"""Bad input turned into stable reasons: sniffing bytes before parsing, classifying what parsers raise.

A batch must survive any file. `precheck` refuses what no parser should see (empty, oversized,
not a PDF); `classify_exception` turns whatever a PDF library raised into an UnreadableReport
with a stable reason (a broken file's exception shapes vary by library and version, so the
classification goes by the wrapped cause and where it was raised, never by the message); and
the libraries' own log warnings are captured per file and become that report's warnings.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from extract.errors import UnreadableReport, unreadable
from extract.model import Failure
from extract.settings import Limits


PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WINDOW_BYTES = 1024  # readers accept the header anywhere in the first kilobyte
PDF_LIBRARY_MODULES = ("pdfminer", "pdfplumber", "pypdfium2")
# Errors only code makes, whatever the input: never a corrupt file.
CODE_ERRORS = (NameError, ImportError, SyntaxError)
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
    """True for what broken files make parsers raise, as opposed to a bug in our own code (a name
    that is not defined is never the file's doing, even raised from a callback the parser made)."""
    if isinstance(cause, CODE_ERRORS):
        return False
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


def check_page_count(path: Path, n_pages: int) -> None:
    """Treat zero pages as a failure: pdfminer returns none when the page tree is unreadable."""
    if n_pages == 0:
        raise unreadable("no_pages", path)


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

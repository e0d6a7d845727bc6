"""run_isolated: a worker that hangs, crashes or fails becomes an UnreadableReport, never a stuck run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from extract.errors import UnreadableReport
from extract.isolation import run_isolated


def add(left: int, right: int) -> int:
    """A call that succeeds."""
    return left + right


def sleep_forever(path: Path) -> None:
    """A call that never returns, like a parser caught in a loop."""
    while True:
        time.sleep(1)


def raise_unreadable(path: Path) -> None:
    """A reader refusing its input."""
    raise UnreadableReport("no_pages", "PDF has no pages", str(path), 4)


def raise_password_error(path: Path) -> None:
    """pdfplumber's shape of a password-protected file: an empty message, the cause in args[0]."""
    raise PdfminerException(PDFPasswordIncorrect())


def raise_value_error(path: Path) -> None:
    """A bug in our own code."""
    raise ValueError("unexpected cell")


def die_by_signal(path: Path) -> None:
    """A worker killed from outside, as the OOM killer or a segfault would."""
    os.kill(os.getpid(), signal.SIGKILL)


def allocate_gigabytes(path: Path, gigabytes: int) -> int:
    """A decompression bomb stand-in: ask for far more memory than the cap allows."""
    return len(bytearray(gigabytes * 1024**3))


def unpicklable_result(path: Path) -> object:
    """A result that cannot travel back to the parent."""
    return lambda: None


def test_result_comes_back() -> None:
    assert run_isolated(add, 2, 3, timeout_s=60) == 5


def test_a_function_that_sleeps_forever_is_stopped_as_timeout() -> None:
    already_running = set(multiprocessing.active_children())  # e.g. another test's validation processes
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(sleep_forever, Path("raw/slow.pdf"), timeout_s=1.5)
    assert caught.value.reason == "timeout"
    assert caught.value.source_file == "raw/slow.pdf"
    assert set(multiprocessing.active_children()) <= already_running


def test_unreadable_report_from_the_worker_is_reraised_as_is() -> None:
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(raise_unreadable, Path("raw/empty.pdf"), timeout_s=60)
    error = caught.value
    assert (error.reason, error.message, error.source_file, error.page_no) == (
        "no_pages",
        "PDF has no pages",
        "raw/empty.pdf",
        4,
    )


def test_a_library_exception_is_classified_in_the_worker() -> None:
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(raise_password_error, Path("raw/locked.pdf"), timeout_s=60)
    assert caught.value.reason == "encrypted_password_required"
    assert caught.value.source_file == "raw/locked.pdf"


def test_a_bug_in_our_code_is_an_internal_error_naming_the_exception() -> None:
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(raise_value_error, Path("raw/r.pdf"), timeout_s=60, source_file="r.pdf")
    assert caught.value.reason == "internal_error"
    assert caught.value.source_file == "r.pdf"
    assert "ValueError: unexpected cell" in caught.value.message


def test_a_worker_killed_by_a_signal_is_reported_as_crashed() -> None:
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(die_by_signal, Path("raw/r.pdf"), timeout_s=60)
    assert caught.value.reason == "worker_crashed"
    assert "SIGKILL" in caught.value.message


def test_memory_cap_turns_a_huge_allocation_into_too_large() -> None:
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(allocate_gigabytes, Path("raw/bomb.pdf"), 6, timeout_s=60, memory_mb=2048)
    assert caught.value.reason == "too_large"


def test_an_untransferable_result_is_an_internal_error() -> None:
    with pytest.raises(UnreadableReport) as caught:
        run_isolated(unpicklable_result, Path("raw/r.pdf"), timeout_s=60)
    assert caught.value.reason == "internal_error"

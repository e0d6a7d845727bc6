"""The guard: bad input is sniffed, classified and reported with a stable reason, never a crash."""

from __future__ import annotations

import logging
import zlib
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.utils import apply_matrix_pt
from pdfplumber.utils.exceptions import PdfminerException

from extract.errors import UnreadableReport
from extract.isolation import run_isolated
from extract.model import BBox, Document, Page, Word
from extract.errors import READ_FAILURE_REASONS
from extract.readers.guard import (
    captured_library_warnings,
    check_page_count,
    classify_exception,
    library_warnings,
    precheck,
)
from extract.readers.quality import check_document, check_page_texts, is_undecodable, layout_warnings
from extract.settings import Limits

REPO_ROOT = Path(__file__).resolve().parents[1]
BAD = REPO_ROOT / "tests" / "fixtures" / "bad"
CORPUS = REPO_ROOT / "tests" / "fixtures" / "corpus" / "bad-pdfs"
SEED_TEXT = REPO_ROOT / "tests" / "fixtures" / "seed" / "ivig-offlabel-2017.txt"


def reason_of(call, *args) -> str:  # type: ignore[no-untyped-def]
    """The reason code an UnreadableReport-raising call raised."""
    with pytest.raises(UnreadableReport) as caught:
        call(*args)
    return caught.value.reason


# --- precheck ------------------------------------------------------------------------------------


def test_zero_byte_file_is_empty_file() -> None:
    assert reason_of(precheck, BAD / "zero-byte-file.pdf", Limits()) == "empty_file"


def test_text_saved_as_pdf_is_not_a_pdf() -> None:
    with pytest.raises(UnreadableReport) as caught:
        precheck(BAD / "not-a-pdf-plain-text.pdf", Limits())
    assert caught.value.reason == "not_a_pdf"
    assert "not-a-pdf-plain-text.pdf" in str(caught.value)
    assert "%PDF-" in caught.value.message


def test_truncated_pdf_with_a_header_passes_precheck() -> None:
    precheck(BAD / "truncated-header-only.pdf", Limits())


def test_file_over_the_size_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 2_000_000)
    assert reason_of(precheck, path, Limits(max_file_mb=1)) == "too_large"
    precheck(path, Limits(max_file_mb=2))


def test_missing_file_is_file_unreadable(tmp_path: Path) -> None:
    assert reason_of(precheck, tmp_path / "absent.pdf", Limits()) == "file_unreadable"


def test_text_reports_are_not_sniffed_for_a_pdf_header() -> None:
    precheck(SEED_TEXT, Limits())


@settings(max_examples=60, deadline=None)
@given(prefix=st.binary(max_size=1200).filter(lambda b: b"%PDF-" not in b and not b.endswith(b"%")))
def test_pdf_header_is_accepted_anywhere_in_the_first_1024_bytes(
    tmp_path_factory: pytest.TempPathFactory, prefix: bytes
) -> None:
    path = tmp_path_factory.mktemp("hdr") / "x.pdf"
    path.write_bytes(prefix + b"%PDF-1.4\n")
    if len(prefix) + len(b"%PDF-") <= 1024:
        precheck(path, Limits())
    else:
        assert reason_of(precheck, path, Limits()) == "not_a_pdf"


# --- classify_exception ----------------------------------------------------------------------------


def test_password_protected_pdf_is_classified_by_the_wrapped_cause() -> None:
    path = BAD / "encrypted-user-password.pdf"
    with pytest.raises(PdfminerException) as caught:
        pdfplumber.open(path).pages
    assert isinstance(caught.value.args[0], PDFPasswordIncorrect)  # the message varies by pdfminer version
    report = classify_exception(caught.value, path)
    assert report.reason == "encrypted_password_required"
    assert report.message == "encrypted: a password is required to open it"
    assert str(report).startswith(str(path))


def test_truncated_pdf_is_corrupt() -> None:
    path = BAD / "truncated-header-only.pdf"
    with pytest.raises(Exception) as caught:
        pdfplumber.open(path).pages
    report = classify_exception(caught.value, path, page_no=None)
    assert report.reason == "corrupt_pdf"
    assert "PDFSyntaxError" in report.message


@pytest.mark.parametrize(
    "exc",
    [
        PdfminerException(RecursionError("maximum recursion depth exceeded")),
        RecursionError("maximum recursion depth exceeded"),
        PdfminerException(PDFSyntaxError("No /Root object!")),
        PDFSyntaxError("No /Root object!"),
        zlib.error("Error -3 while decompressing data: incorrect data check"),
        PdfminerException(KeyError("Kids")),
    ],
    ids=repr,
)
def test_parser_failures_are_corrupt_pdf(exc: BaseException) -> None:
    assert classify_exception(exc, Path("r.pdf")).reason == "corrupt_pdf"


def test_type_error_raised_inside_pdfminer_is_corrupt_pdf() -> None:
    with pytest.raises(TypeError) as caught:
        apply_matrix_pt(None, (0.0, 0.0))  # type: ignore[arg-type]
    report = classify_exception(caught.value, Path("r.pdf"), page_no=3)
    assert report.reason == "corrupt_pdf"
    assert report.page_no == 3
    assert "malformed object" in report.message


def test_a_name_error_in_our_callback_is_internal_even_wrapped_by_the_parser() -> None:
    """pdfminer calls our char collector back and wraps what it raises: a bug there is no corrupt file."""
    assert classify_exception(PdfminerException(NameError("name 'ClipInterpreter' is not defined")), Path("r.pdf")).reason == "internal_error"


def test_type_error_in_our_own_code_is_an_internal_error_not_a_corrupt_pdf() -> None:
    with pytest.raises(TypeError) as caught:
        len(None)  # type: ignore[arg-type]
    assert classify_exception(caught.value, Path("r.pdf")).reason == "internal_error"


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (TimeoutError("budget"), "timeout"),
        (MemoryError(), "too_large"),
        (PdfminerException(MemoryError()), "too_large"),
        (PermissionError(13, "Permission denied"), "file_unreadable"),
        (PdfminerException(PDFPasswordIncorrect()), "encrypted_password_required"),
    ],
    ids=repr,
)
def test_other_exception_kinds_have_their_reason(exc: BaseException, reason: str) -> None:
    assert classify_exception(exc, Path("r.pdf")).reason == reason


def test_an_unreadable_report_is_passed_through_unchanged() -> None:
    original = UnreadableReport("no_pages", "PDF has no pages", "r.pdf", None)
    assert classify_exception(original, Path("other.pdf")) is original


exception_types = st.sampled_from(
    [ValueError, KeyError, TypeError, AssertionError, RuntimeError, OSError, EOFError, Exception]
)


@settings(max_examples=80, deadline=None)
@given(kind=exception_types, text=st.text(max_size=300), wrapped=st.booleans())
def test_every_exception_gets_a_known_reason_and_names_the_file(
    kind: type[Exception], text: str, wrapped: bool
) -> None:
    exc: BaseException = kind(text)
    if wrapped:
        exc = PdfminerException(exc)
    report = classify_exception(exc, Path("reports/odd.pdf"))
    assert report.reason in READ_FAILURE_REASONS
    assert str(report).startswith("reports/odd.pdf: ")
    assert report.message


# --- post-open checks ------------------------------------------------------------------------------


def test_zero_pages_is_no_pages() -> None:
    assert reason_of(check_page_count, Path("r.pdf"), 0) == "no_pages"
    check_page_count(Path("r.pdf"), 1)


def test_pages_without_characters_have_no_text_layer() -> None:
    assert reason_of(check_page_texts, Path("r.pdf"), ["", "  \n"]) == "no_text_layer"


@pytest.mark.parametrize("text", ["(cid:25)(cid:18)", '"7+%-', "(cid:3)(cid:4) ab (cid:5)(cid:6)"])
def test_glyph_codes_and_symbol_soup_are_undecodable(text: str) -> None:
    assert reason_of(check_page_texts, Path("r.pdf"), [text]) == "undecodable_text"


def test_the_seed_report_text_is_decodable() -> None:
    check_page_texts(SEED_TEXT, [SEED_TEXT.read_text(encoding="utf-8")])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.from_regex(r"[A-Za-z]{2,12}|[0-9]{1,4}", fullmatch=True), min_size=1, max_size=40))
def test_words_and_numbers_with_light_punctuation_are_decodable(tokens: list[str]) -> None:
    text = " ".join(f"{t}," if i % 3 == 0 else t for i, t in enumerate(tokens))
    assert not is_undecodable(text)


def make_doc(*pages: Page, report_id: str = "r") -> Document:
    """A PDF Document made of the given pages, for the post-open checks."""
    return Document(report_id, f"{report_id}.pdf", "pdf", "0" * 64, (), pages, len(pages))


def word(text: str, x0: float, top: float, upright: bool = True) -> Word:
    """A word box 10 pt high, 6 pt per character."""
    return Word(text, BBox(x0, top, x0 + 6 * len(text), top + 10), upright=upright)


def test_check_document_fails_an_empty_page_tree_and_an_image_only_page() -> None:
    assert reason_of(check_document, make_doc()) == "no_pages"
    assert reason_of(check_document, make_doc(Page(1, 600, 800))) == "no_text_layer"


def test_a_normal_page_gives_no_warnings() -> None:
    words = tuple(word(w, 50 + 40 * (i % 10), 50 + 12 * (i // 10)) for i, w in enumerate(["Study"] * 30))
    doc = make_doc(Page(1, 600, 800, words, rotation=90))
    check_document(doc)
    assert layout_warnings(doc) == ()


def test_sideways_text_on_a_rotated_page_is_a_warning() -> None:
    words = tuple(word("Study", 50, 50 + 12 * i, upright=False) for i in range(5))
    (warning,) = layout_warnings(make_doc(Page(1, 600, 800, words, rotation=90)))
    assert (warning.check, warning.severity, warning.page_no) == ("rotated_page", "warning", 1)
    assert "90°" in warning.message


def test_words_beyond_the_page_box_are_a_warning() -> None:
    words = (word("2021", 50, 1300), word("inside", 50, 100))
    (warning,) = layout_warnings(make_doc(Page(1, 595, 842, words)))
    assert warning.check == "coordinates_out_of_page"
    assert "1 of 2 words" in warning.message


def test_letter_spaced_text_is_a_low_quality_warning() -> None:
    letters = "T h e m o v i e o p e n s w i t h a n e w s r e p o r t".split()
    words = tuple(word(ch, 10 + 7 * i, 50) for i, ch in enumerate(letters))
    checks = [w.check for w in layout_warnings(make_doc(Page(1, 600, 800, words)))]
    assert checks == ["low_quality_text"]


def test_reversed_words_are_a_low_quality_warning() -> None:
    reversed_words = "ehT eivom snepo htiw a swen troper gnisitrevda eht yaw fo efil".split() * 3
    words = tuple(word(w, 10 + 60 * (i % 8), 50 + 12 * (i // 8)) for i, w in enumerate(reversed_words))
    (warning,) = layout_warnings(make_doc(Page(1, 600, 800, words)))
    assert warning.check == "low_quality_text"
    assert "unknown" in warning.message


def test_library_log_warnings_become_warning_rows() -> None:
    with captured_library_warnings() as logged:
        logging.getLogger("pdfminer.pdftypes").warning("Data-loss while decompressing corrupted data")
        logging.getLogger("pdfminer.pdftypes").warning("Data-loss while decompressing corrupted data")
        logging.getLogger("pdfminer.pdfpage").info("not a warning")
        logging.getLogger("elsewhere").warning("not from a PDF library")
    logging.getLogger("pdfminer.pdftypes").warning("after the block")
    (row,) = library_warnings("r", logged)
    assert row.severity == "warning"
    assert row.check == "pdf_library_warning"
    assert "recovered from a corrupted stream" in row.message


# --- the bad-pdfs corpus, opened with pdfplumber through the guard ---------------------------------

EXPECTED_CORPUS_OUTCOMES: dict[str, str | frozenset[str]] = {
    "not-a-pdf-plain-text.pdf": "not_a_pdf",
    "zero-byte-file.pdf": "empty_file",
    "truncated-header-only.pdf": "corrupt_pdf",
    "startxref-keyword-corrupted.pdf": "corrupt_pdf",
    "xref-prev-loop.pdf": "corrupt_pdf",
    "xref-wrong-object-offset.pdf": "no_text_layer",
    "trailer-missing-brackets.pdf": frozenset({"coordinates_out_of_page"}),
    "corrupted-flate-content-stream.pdf": frozenset({"pdf_library_warning"}),
    "encrypted-empty-user-password.pdf": frozenset(),
    "encrypted-user-password.pdf": "encrypted_password_required",
    "zero-pages.pdf": "no_pages",
    "page-tree-missing-type-keys.pdf": "no_pages",
    "info-dict-is-page-tree.pdf": "no_pages",
    "page-tree-loop.pdf": frozenset(),
    "page-tree-deeply-nested.pdf": "no_text_layer",
    "page-without-mediabox.pdf": "corrupt_pdf",
    "scanned-image-only.pdf": "no_text_layer",
    "rotated-page-table.pdf": frozenset({"rotated_page"}),
    "text-eight-directions-tables.pdf": frozenset({"rotated_page", "low_quality_text"}),
    "font-no-tounicode-garbled.pdf": "undecodable_text",
    "font-type3-no-tounicode-cid.pdf": "undecodable_text",
    "many-pages-117.pdf": frozenset({"low_quality_text"}),  # German: not English words
    "form-xfa-javascript-dd0293.pdf": frozenset(),
    "embedded-attachment.pdf": frozenset({"low_quality_text"}),  # lorem ipsum
    "jbig2-35000px-image-bomb.pdf": "no_text_layer",
    "table-char-spacing-ca-warn-report.pdf": frozenset(),
    "control-nics-firearm-checks-table.pdf": frozenset(),
    "control-senate-expenditures-table.pdf": frozenset(),
    "control-la-precinct-bulletin-table.pdf": frozenset(),
    "control-ema-curved-table.pdf": frozenset(),
}
PAGES_SAMPLED = 3


def plumber_page(raw_page: pdfplumber.page.Page) -> Page:
    """A pdfplumber page as the model's Page (words with their upright flag)."""
    words = tuple(
        Word(w["text"], BBox(w["x0"], w["top"], w["x1"], w["bottom"]), upright=bool(w["upright"]))
        for w in raw_page.extract_words()
    )
    width, height = float(raw_page.width), float(raw_page.height)
    return Page(raw_page.page_number, width, height, words, rotation=int(raw_page.rotation or 0))


def open_through_guard(path: Path) -> frozenset[str]:
    """Precheck, open and sample a PDF; return its warning checks or raise UnreadableReport."""
    precheck(path, Limits())
    with captured_library_warnings() as logged:
        try:
            with pdfplumber.open(path) as pdf:
                n_pages = len(pdf.pages)
                check_page_count(path, n_pages)
                pages = tuple(plumber_page(p) for p in pdf.pages[:PAGES_SAMPLED])
        except Exception as exc:
            raise classify_exception(exc, path) from exc
    doc = Document(path.stem, str(path), "pdf", "", (), pages, n_pages)
    check_document(doc)
    return frozenset(w.check for w in layout_warnings(doc) + library_warnings(doc.report_id, logged))


def test_the_expected_outcomes_cover_the_whole_corpus() -> None:
    assert {p.name for p in CORPUS.glob("*.pdf")} == set(EXPECTED_CORPUS_OUTCOMES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CORPUS_OUTCOMES))
def test_corpus_file_is_processed_or_given_its_stable_reason(name: str) -> None:
    expected = EXPECTED_CORPUS_OUTCOMES[name]
    try:
        outcome: str | frozenset[str] = run_isolated(
            open_through_guard, CORPUS / name, timeout_s=60, memory_mb=3072
        )
    except UnreadableReport as unreadable:
        assert name in unreadable.source_file
        outcome = unreadable.reason
    assert outcome == expected



@pytest.mark.parametrize(
    ("name", "reason"),
    [("encrypted-user-password.pdf", "encrypted_password_required"), ("truncated-header-only.pdf", "corrupt_pdf")],
)
def test_pdfium_errors_are_classified_by_their_text(name: str, reason: str) -> None:
    with pytest.raises(pdfium.PdfiumError) as caught:
        pdfium.PdfDocument(str(BAD / name))
    assert classify_exception(caught.value, BAD / name).reason == reason

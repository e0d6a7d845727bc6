"""read_pdf through the guard: bad PDFs raise stable reasons, suspicious ones carry warnings.

The warnings are the guard's (layout_warnings, library_warnings) on the pages pdfplumber reads;
these tests draw table pages that trigger each one, and follow one warning into
validation_failures.
"""

from __future__ import annotations

import re
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from extract.errors import UnreadableReport
from extract.extraction import extract_report
from extract.datasets import report_tables
from extract.readers.pdf import read_pdf
from extract.settings import Limits
from extract.validate import validate_report

PROJECT_DIR = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_DIR / "tests" / "fixtures" / "corpus" / "bad-pdfs"
BAD = PROJECT_DIR / "tests" / "fixtures" / "bad"
FORGED_REPORT = PROJECT_DIR / "raw" / "forged-cadth-style-1.pdf"
STREAM_START = re.compile(rb"\bstream\r?\n")


def draw_table_page(path: Path, rotation: int = 0, word_below_page: bool = False, compress: bool = False) -> Path:
    """One page a reader triages as a summary-table page: a caption and a dozen study lines."""
    canvas = Canvas(str(path), pagesize=(612, 792), pageCompression=int(compress), invariant=1)
    canvas.setPageRotation(rotation)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(54, 700, "Table 2: Summary of Included Studies")
    canvas.setFont("Helvetica", 9)
    for index in range(12):
        canvas.drawString(54, 680 - 14 * index, f"Author{index} (2016) randomized trial of adults with the condition")
    if word_below_page:
        canvas.drawString(54, -200, "a note drawn below the page")
    canvas.showPage()
    canvas.save()
    return path


def break_last_stream_checksum(path: Path) -> Path:
    """Flip the zlib checksum of the file's last Flate stream: the data inflates, the check fails."""
    data = path.read_bytes()
    start = list(STREAM_START.finditer(data))[-1].end()
    end = data.index(b"endstream", start)
    compressed = data[start:end].rstrip(b"\r\n")
    assert zlib.decompress(compressed)  # a plain Flate stream before it is broken
    broken = compressed[:-4] + bytes(byte ^ 0xFF for byte in compressed[-4:])
    path.write_bytes(data[:start] + broken + data[start + len(compressed):])
    return path


def checks_of(path: Path) -> list[str]:
    """The warning checks read_pdf reports for a file."""
    return [warning.check for warning in read_pdf(path, Limits()).warnings]


def test_a_clean_table_page_has_no_warnings_and_is_named_by_its_file_name(tmp_path: Path) -> None:
    doc = read_pdf(draw_table_page(tmp_path / "clean-table.pdf"), Limits())
    assert doc.warnings == ()
    assert doc.pages[0].words and all(word.upright for word in doc.pages[0].words)
    assert doc.source_file == "clean-table.pdf"


def test_a_rotated_table_page_with_sideways_text_is_a_warning(tmp_path: Path) -> None:
    doc = read_pdf(draw_table_page(tmp_path / "rotated-table.pdf", rotation=90), Limits())
    rotated = [warning for warning in doc.warnings if warning.check == "rotated_page"]
    assert [(w.page_no, w.severity, w.table) for w in rotated] == [(1, "warning", "reports")]
    assert doc.pages[0].rotation == 90
    assert "90°" in rotated[0].message


def test_words_below_the_page_box_are_a_warning(tmp_path: Path) -> None:
    path = draw_table_page(tmp_path / "word-below-page.pdf", word_below_page=True)
    assert checks_of(path) == ["coordinates_out_of_page"]


def test_pdfminer_recovering_a_corrupted_stream_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rl_config, "useA85", 0)  # plain Flate streams, so the checksum is reachable
    path = break_last_stream_checksum(draw_table_page(tmp_path / "corrupted-stream.pdf", compress=True))
    doc = read_pdf(path, Limits())
    (warning,) = doc.warnings
    assert warning.check == "pdf_library_warning"
    assert "recovered from a corrupted stream" in warning.message
    assert "Table" in {word.text for word in doc.pages[0].words}


def test_library_errors_become_stable_reasons_without_a_worker() -> None:
    with pytest.raises(UnreadableReport) as caught:
        read_pdf(BAD / "encrypted-user-password.pdf", Limits())
    assert caught.value.reason == "encrypted_password_required"


@pytest.mark.parametrize(
    ("name", "reason", "page_no"),
    [
        ("zero-pages.pdf", "no_pages", None),  # pdfium refuses the file outright
        ("page-tree-missing-type-keys.pdf", "no_pages", None),  # pdfium infers a page pdfminer misses
        ("page-tree-deeply-nested.pdf", "corrupt_pdf", 1),  # pdfium cannot load page 1
        ("font-no-tounicode-garbled.pdf", "undecodable_text", None),  # symbol soup, no (cid:) markers
    ],
)
def test_damaged_page_trees_and_glyph_soup_get_precise_reasons(name: str, reason: str, page_no: int | None) -> None:
    with pytest.raises(UnreadableReport) as caught:
        read_pdf(CORPUS / name, Limits())
    assert (caught.value.reason, caught.value.page_no) == (reason, page_no)


# --- one warning followed into validation_failures ----------------------------------------------


def pdf_object(data: bytes, number: int) -> bytes:
    """The body of `number 0 obj … endobj` (the forge writes page dictionaries uncompressed)."""
    match = re.search(rb"\n%d 0 obj\n(.*?)endobj" % number, data, re.DOTALL)
    assert match is not None, number
    return match.group(1)


def with_note_below_page(source: Path, out: Path, page_no: int) -> Path:
    """Append an incremental update that draws a line of text below page `page_no`'s box."""
    data = source.read_bytes()
    kids = re.search(rb"/Kids \[([^\]]*)\]", data)
    assert kids is not None
    page_object = int(re.findall(rb"(\d+) 0 R", kids.group(1))[page_no - 1])
    page = pdf_object(data, page_object)
    contents = re.search(rb"/Contents (\d+) 0 R", page)
    trailer = re.findall(rb"trailer\s*<<(.*?)>>", data, re.DOTALL)[-1]
    size = int(re.search(rb"/Size (\d+)", trailer).group(1))  # type: ignore[union-attr]
    root = re.search(rb"/Root (\d+ 0 R)", trailer).group(1)  # type: ignore[union-attr]
    previous_xref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    assert contents is not None
    note = b"BT /F1 9 Tf 54 -200 Td (a note drawn below the page) Tj ET"
    new_page = page.replace(contents.group(0), b"/Contents [ %s 0 R %d 0 R ]" % (contents.group(1), size))
    page_at = len(data) + 1
    page_part = b"\n%d 0 obj\n%sendobj\n" % (page_object, new_page)
    note_at = len(data) + len(page_part)
    note_part = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (size, len(note), note)
    xref_at = note_at + len(note_part)
    xref = b"xref\n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (page_object, page_at, size, note_at)
    tail = b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size + 1, root, previous_xref, xref_at)
    out.write_bytes(data + page_part + note_part + xref + tail)
    return out


def test_a_table_page_warning_reaches_validation_failures_and_keeps_the_rows(tmp_path: Path) -> None:
    original = extract_report(FORGED_REPORT, Limits())
    table_page = original.tables[0].report.pages[0]
    path = with_note_below_page(FORGED_REPORT, tmp_path / FORGED_REPORT.name, table_page)
    extraction = extract_report(path, Limits())
    assert [(f.check, f.page_no) for f in extraction.failures] == [("coordinates_out_of_page", table_page)]
    tables = report_tables(extraction, "test", datetime(2024, 1, 1, tzinfo=timezone.utc))
    validated = validate_report(tables, extraction)
    failures = validated["validation_failures"]
    rows = failures[failures["check"] == "coordinates_out_of_page"]
    assert list(zip(rows["severity"], rows["table"])) == [("warning", "reports")]
    assert len(validated["studies"]) + len(validated["quarantine_studies"]) == sum(len(t.rows) for t in original.tables)

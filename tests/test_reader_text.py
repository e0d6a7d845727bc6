"""readers/text.py: blocks as a PDF-to-text tool separates them, and bad input as data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.errors import UnreadableReport
from extract.readers.text import blocks_from_text, read_text

SEED = Path(__file__).parent / "fixtures" / "seed" / "ivig-offlabel-2017.txt"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_document_identity_comes_from_the_file(tmp_path: Path) -> None:
    data = b"Title\n\nBody line one\nline two\n"
    doc = read_text(write(tmp_path, "some-report-2020.txt", data))
    assert doc.report_id == "some-report-2020"
    assert doc.source_format == "text"
    assert doc.source_file == "some-report-2020.txt"
    assert doc.source_sha256 == hashlib.sha256(data).hexdigest()
    assert [b.text for b in doc.blocks] == ["Title", "Body line one\nline two"]
    assert [b.index for b in doc.blocks] == [0, 1]
    assert all(b.page_no is None for b in doc.blocks)
    assert doc.n_pages is None


def test_crlf_and_bom_are_read_like_plain_lf(tmp_path: Path) -> None:
    plain = read_text(write(tmp_path, "a.txt", b"One\ntwo\n\nThree\n"))
    windows = read_text(write(tmp_path, "b.txt", b"\xef\xbb\xbfOne\r\ntwo\r\n\r\nThree\r\n"))
    assert [b.text for b in windows.blocks] == [b.text for b in plain.blocks]


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    doc = read_text(write(tmp_path, "u.txt", "Women aged ≥3\n\nNext".encode("utf-16")))
    assert [b.text for b in doc.blocks] == ["Women aged ≥3", "Next"]


def test_leading_space_of_a_block_is_kept_and_whitespace_lines_separate(tmp_path: Path) -> None:
    doc = read_text(write(tmp_path, "s.txt", b"Cell one\n \n First Author, Year\n\n Bullet\nwrapped\n"))
    assert [b.text for b in doc.blocks] == ["Cell one", " First Author, Year", " Bullet\nwrapped"]


def test_form_feeds_give_page_numbers_and_end_blocks(tmp_path: Path) -> None:
    doc = read_text(write(tmp_path, "p.txt", b"Page one text\n\nmore\n\x0cPage two\ncontinues\x0cThird\n\x0c"))
    assert [(b.text, b.page_no) for b in doc.blocks] == [
        ("Page one text", 1),
        ("more", 1),
        ("Page two\ncontinues", 2),
        ("Third", 3),
    ]
    assert doc.n_pages == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_file"),
        (b" \n\n\t\n", "empty_file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not_a_report"),
        (b"\x00\x01\x02\x03binary\x00\x00\x00\x00", "not_a_report"),
        (b"caf\xe9 au lait\n", "undecodable_text"),
    ],
)
def test_bad_input_is_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(UnreadableReport) as caught:
        read_text(path)
    assert caught.value.reason == reason
    assert caught.value.source_file == "bad.txt"


def test_seed_blocks_keep_cells_whole() -> None:
    doc = read_text(SEED)
    texts = [b.text for b in doc.blocks]
    assert "Authors\u2019\nConclusions" in texts
    assert "Nazari (2015)" in texts and "8" in texts
    assert "Systematic Reviews\nZerdes (2017)" in texts
    assert doc.report_id == "ivig-offlabel-2017"


lines = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(
    lambda s: s.strip() != ""
)


@given(st.lists(st.lists(lines, min_size=1, max_size=4), min_size=1, max_size=6))
def test_blocks_round_trip_when_joined_with_blank_lines(paragraphs: list[list[str]]) -> None:
    stripped = [[line.rstrip() for line in para] for para in paragraphs]
    text = "\n\n".join("\n".join(para) for para in stripped)
    assert [b.text for b in blocks_from_text(text)] == ["\n".join(para) for para in stripped]

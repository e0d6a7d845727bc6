"""Word breaks a text export marks after letters with extra advance, and month names split by spacing."""

from __future__ import annotations

from pathlib import Path

from extract.meta.search import search_window, with_month_names_joined
from extract.readers.text import read_text
from extract.text.advances import close_marked_advances, marked_advance_letters

# As pdftotext prints a page whose glyphs carry extra advance after f, v and y: one space inside
# a word after them, two where a real word break follows.
MARKED = (
    "The search was limited to English language documents published between January 1, 2013 and Nov ember 6, 2018.\n"
    "Ef f ects of  intrav enous iron were inconsistent across studies. The rev iew of  the ev idence found\n"
    "no dif f erence in mortality; the authors of  the study  reported ef f ects on quality of  lif e.\n"
    "Sy mptoms improv ed with activ e treatment in most studies of  adults with sev ere asthma.\n"
)


def test_letters_with_marked_breaks_are_found_and_their_single_spaces_closed() -> None:
    letters = marked_advance_letters(MARKED)
    assert {"f", "v"} <= letters
    closed = close_marked_advances(MARKED, letters)
    assert "Effects of intravenous iron" in closed and "review of the evidence" in closed
    assert "quality of life" in closed and "improved with active" in closed
    assert "Sy mptoms" in closed  # one join after y is too little evidence: left as printed
    assert "  " not in closed


def test_text_without_the_pattern_is_left_as_printed() -> None:
    plain = "The review of the evidence found no difference. Of ten studies, two were trials.\n" * 5
    assert marked_advance_letters(plain) == frozenset()
    assert close_marked_advances(plain, frozenset()) == plain
    columns = "Author   Population      Results\nSmith    Adults aged     No difference\nJones    Children        Fewer events\n" * 3
    assert marked_advance_letters(columns) == frozenset()  # column gaps after many letters mark nothing


def test_a_text_report_is_read_with_its_marked_advances_closed(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Methods\n\n" + MARKED)
    text = " ".join(block.text for block in read_text(path).blocks)
    assert "intravenous iron" in text and "Nov ember" not in text


def test_month_names_split_by_spacing_are_joined_and_other_words_left() -> None:
    assert with_month_names_joined("between January 1, 2013 and Nov ember 6, 2018") == "between January 1, 2013 and November 6, 2018"
    assert with_month_names_joined("Sept ember 2019 and Decem ber 2020") == "September 2019 and December 2020"
    assert with_month_names_joined("the march of time, Ma y 2019") == "the march of time, Ma y 2019"


def test_a_search_window_with_a_split_month_is_read() -> None:
    start, end = search_window("The search was limited to documents published between January 1, 2013 and Nov ember 6, 2018.")
    assert (str(start), str(end)) == ("2013-01-01", "2018-11-06")


def test_a_common_word_that_makes_no_word_with_the_next_piece_keeps_its_single_space() -> None:
    """An export not always consistent prints some real breaks after a marked letter with one
    space (`therapy v s`); joining would invent `therapyvs`. Pieces that make a word still join."""
    letters = frozenset("fvy")
    assert close_marked_advances("biologic therapy v s activ e comparator", letters) == "biologic therapy vs active comparator"
    assert close_marked_advances("of ten sy mptoms, Ny borg et al.", letters) == "often symptoms, Nyborg et al."

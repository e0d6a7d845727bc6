"""Lists whose producer drew no marker at all: the items keep their indent, and a line that starts
one follows a line that stopped short (MuPDF's and xhtml2pdf's HTML engines draw no CSS-drawn
bullet; the forge's `bullets-none` variant draws such lists through three producers)."""

from __future__ import annotations

from extract.layout.bullets import unmarked_item_starts
from extract.layout.words import words_to_lines, words_to_text
from extract.model import BBox, Word
from extract.settings import DEFAULT_TABLE_SETTINGS
from extract.tables.grid import GridRow
from extract.tables.stitch import column_edges
from extract.text.clean import clean_findings

SIZE = 9.0
CHAR_PT = 0.5 * SIZE  # every character of these words is half an em wide
RIGHT = 245.0  # where the cell's lines wrap: its longest lines end here


def line(text: str, x0: float, number: int) -> tuple[Word, ...]:
    """Words set one space (a character) apart from x0, on the cell's line `number`."""
    words, x, top = [], x0, 100.0 + 12.0 * number
    for token in text.split():
        words.append(Word(token, BBox(x, top, x + CHAR_PT * len(token), top + SIZE), "Helvetica", SIZE))
        x += CHAR_PT * (len(token) + 1)
    assert x - CHAR_PT <= RIGHT, f"{text!r} does not fit the cell"
    return tuple(words)


def cell(*lines: tuple[str, float]) -> tuple[Word, ...]:
    """A cell's words from (text, x0) lines, top to bottom."""
    return tuple(word for number, (text, x0) in enumerate(lines) for word in line(text, x0, number))


def shapes(words: tuple[Word, ...]) -> list[tuple[Word, ...]]:
    """The cell's lines as `unmarked_item_starts` reads them."""
    return words_to_lines(words, DEFAULT_TABLE_SETTINGS)


ITEMS = 110.0  # the items' indent; the cell's other lines start at 100
# Two findings, each wrapped, then the authors' conclusion at the cell's edge. The first item's
# last line leaves room for `Fewer` (5 characters); no wrapped line has room for its next word.
LISTED = cell(
    ("Mortality fell by 23.4% in the", ITEMS),
    ("treated group", ITEMS),
    ("Fewer patients reported severe", ITEMS),
    ("AEs with nerve block", ITEMS),
    ("The authors concluded that nerve", 100.0),
    ("block may help.", 100.0),
)


def test_an_indented_line_after_one_that_stopped_short_opens_an_item() -> None:
    assert unmarked_item_starts(shapes(LISTED), SIZE) == [2]
    assert clean_findings(words_to_text(LISTED, DEFAULT_TABLE_SETTINGS)).split("\n")[:2] == [
        "Mortality fell by 23.4% in the treated group",
        "Fewer patients reported severe AEs with nerve block The authors concluded that nerve block may help.",
    ]


def test_a_wrapped_line_that_starts_with_a_capital_opens_nothing() -> None:
    """`AEs` follows a line that had no room for it: the same item goes on."""
    lines = shapes(LISTED)
    assert 3 not in unmarked_item_starts(lines, SIZE)
    assert lines[3][0].text == "AEs" and lines[2][-1].bbox.x1 + 0.25 * SIZE + lines[3][0].bbox.width > RIGHT


def test_a_lower_case_word_or_a_hyphen_at_the_line_end_goes_on_with_its_line() -> None:
    lower = cell(("Mortality fell", ITEMS), ("in the treated group", ITEMS), ("Done here.", 100.0))
    hyphen = cell(("Mortality fell in non-", ITEMS), ("Randomized groups", ITEMS), ("Done here.", 100.0))
    assert unmarked_item_starts(shapes(lower), SIZE) == []
    assert unmarked_item_starts(shapes(hyphen), SIZE) == []


def test_lines_at_one_edge_or_at_many_are_no_list() -> None:
    """A paragraph's short last line before the next paragraph, and centred lines, open nothing."""
    paragraphs = cell(("Mortality fell in the", 100.0), ("group.", 100.0), ("Fewer patients", 100.0))
    centred = cell(("Mortality fell in the", 110.0), ("group", 140.0), ("Fewer patients", 125.0))
    assert unmarked_item_starts(shapes(paragraphs), SIZE) == []
    assert unmarked_item_starts(shapes(centred), SIZE) == []


def test_a_cell_of_items_only_is_read_against_its_column() -> None:
    """With no line at the cell's own edge, the column's edge (its other cells') shows the indent,
    and the column's longest line where lines wrap."""
    items = cell(("Mortality fell", ITEMS), ("Fewer patients", ITEMS), ("reported AEs", ITEMS))
    assert unmarked_item_starts(shapes(items), SIZE) == []
    assert unmarked_item_starts(shapes(items), SIZE, (100.0, RIGHT)) == [1]
    assert words_to_text(items, DEFAULT_TABLE_SETTINGS, (100.0, RIGHT)).split("\n")[1] == "\u2022 Fewer patients"


def test_a_cell_whose_items_are_marked_is_left_as_it_is() -> None:
    marked = cell(("\u2022 Mortality fell", 100.0), ("\u2022 Fewer patients", 100.0), ("  reported AEs", ITEMS))
    assert words_to_text(marked, DEFAULT_TABLE_SETTINGS).count("\u2022") == 2


def test_a_column_edge_is_where_two_cells_start() -> None:
    """A browser's outside list marker can hang before its column's text, and a text tool sets one
    cell a little left of the others: were either the edge, every paragraph of the column would
    read as indented."""
    listed = GridRow((line("\u2022", 92.0, 0) + line("Mortality fell", 100.0, 0) + line("They agree.", 100.0, 1),), (BBox(90, 100, RIGHT, 124),), False, 1)
    paragraph = GridRow((cell(("The authors concluded", 100.0), ("that it helps.", 100.0)),), (BBox(90, 130, RIGHT, 160),), False, 1)
    early = GridRow((cell(("Set early", 97.0),),), (BBox(90, 170, RIGHT, 180),), False, 1)
    merged = GridRow((line("Randomized Controlled Trials", 20.0, 0),), (BBox(10, 90, RIGHT, 99),), True, 1)
    rows = [listed, paragraph, early, merged]
    assert column_edges(rows) == ((100.0, 100.0 + CHAR_PT * len("The authors concluded")),)
    assert column_edges([paragraph, early]) == (None,)

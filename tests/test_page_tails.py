"""Cells a text tool finished after the page's footer, and an author's reference printed among
the next cell's lines: habits of pdftotext's default reading order on word-processor and
browser tables (an author printed under a cell's last line: test_blocks)."""

from __future__ import annotations

from extract.model import Block, Document
from extract.tables.pieces import Piece, author_parts
from extract.tables.rebuild import tables_from_blocks
from extract.tables.tails import open_first_lines, tail_parts, with_page_tails_returned


def document(*blocks: tuple[str, int]) -> Document:
    made = tuple(Block(text=text, index=index, page_no=page) for index, (text, page) in enumerate(blocks))
    return Document("invented", "invented.txt", "text", "0" * 64, made)


def pieces(*printed: tuple[str, str, int]) -> tuple[Piece, ...]:
    """Pieces as a text tool printed them: (kind, text, page)."""
    return tuple(Piece(kind, text, Block(text, index, page_no=page)) for index, (kind, text, page) in enumerate(printed))


# A page whose results cells print their first line with the row, the rest after the footer.
TAIL_PAGE = (
    ("Table 2: Summary of Included Studies", 3),
    ("Study, Year", 3),
    ("Population", 3),
    ("Intervention and Comparator", 3),
    ("Main Findings", 3),
    ("Adams et al.\n(2018)", 3),
    ("Adults with\nchronic asthma", 3),
    ("Inhaler vs\nplacebo", 3),
    ("\N{BULLET} Exacerbations", 3),
    ("Brown et al.\n(2013)", 3),
    ("Children with\nsevere eczema", 3),
    ("Cream vs\nplacebo", 3),
    ("\N{BULLET} No significant difference in", 3),
    ("Page 3", 3),
    (
        "decreased by 23.4% in the\ninhaler group\n\N{BULLET} Fewer patients reported\nserious AEs.\n"
        "itch was found between the\ngroups.",
        3,
    ),
)


def test_the_cells_a_page_finished_after_its_footer_go_back_to_their_rows() -> None:
    (table,) = tables_from_blocks(document(*TAIL_PAGE))
    assert [row.cells["author"].text for row in table.rows] == ["Adams et al.\n(2018)", "Brown et al.\n(2013)"]
    first, second = (row.cells["results"].text for row in table.rows)
    assert first.startswith("\N{BULLET} Exacerbations\ndecreased by 23.4%") and first.endswith("serious AEs.")
    assert second == "\N{BULLET} No significant difference in\nitch was found between the\ngroups."
    assert [row.cells["intervention"].text for row in table.rows] == ["Inhaler vs\nplacebo", "Cream vs\nplacebo"]


def test_a_tail_is_cut_where_a_lower_case_line_follows_a_closed_sentence() -> None:
    assert tail_parts("decreased by 5%\nin the group.\nmortality fell.\nThe authors\nconcluded so.") == [
        "decreased by 5%\nin the group.",
        "mortality fell.\nThe authors\nconcluded so.",
    ]


def test_only_one_line_cells_left_open_and_not_continued_take_a_tail() -> None:
    page = pieces(
        ("data", "\N{BULLET} Exacerbations", 1),
        ("data", "Adults with\nasthma", 1),
        ("data", "Finished in one line.", 1),
        ("data", "\N{BULLET} Admissions fell in", 1),
        ("data", "the inhaler group", 1),
        ("data", "Asthma", 2),
    )
    assert open_first_lines(page, 1, len(page)) == [0]


def test_a_tail_whose_parts_do_not_match_the_open_cells_is_left_where_it_was() -> None:
    printed = pieces(
        ("data", "\N{BULLET} Exacerbations", 1),
        ("data", "\N{BULLET} Admissions", 1),
        ("furniture", "Page 1", 1),
        ("data", "decreased by 23.4% in the\ninhaler group", 1),
    )
    assert with_page_tails_returned(printed) == printed


def test_data_after_a_running_header_at_a_pages_top_is_no_tail() -> None:
    printed = pieces(
        ("data", "\N{BULLET} Exacerbations", 1),
        ("furniture", "Page 1", 1),
        ("furniture", "Inhalers for asthma: Clinical Effectiveness", 2),
        ("data", "decreased by 23.4% in the\ninhaler group", 2),
    )
    assert with_page_tails_returned(printed) == printed


def test_a_lower_case_part_after_an_open_part_of_the_tail_goes_on_with_it() -> None:
    printed = pieces(
        ("data", "Meta-analysis", 5),
        ("furniture", "Page 5", 5),
        ("data", "\N{BULLET} Median time to cost per QALY", 5),
        ("data", "was 14.2 months vs 9.8\nmonths with placebo", 5),
    )
    assert with_page_tails_returned(printed) == printed


def test_a_bracketed_reference_printed_among_the_next_cells_lines_is_the_authors() -> None:
    from extract.tables.rejoin import with_interleaved_refs_taken_out

    author = Piece("author", "Quintero (2017)", Block("Quintero (2017)", 0, page_no=5), author=author_parts("Quintero (2017)"))
    cell = Piece("data", "Evidence-\n[16]\nbased guideline", Block("", 1, page_no=5))
    kinds = [(piece.kind, piece.text) for piece in with_interleaved_refs_taken_out((author, cell))]
    assert kinds == [("author", "Quintero (2017)"), ("ref", "[16]"), ("data", "Evidence-\nbased guideline")]
    # an author with its reference keeps the cell whole
    cited = Piece("author", "Quintero (2017) [15]", Block("", 0, page_no=5), author=author_parts("Quintero (2017) [15]"))
    assert with_interleaved_refs_taken_out((cited, cell))[1] == cell

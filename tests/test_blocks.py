"""tables/blocks.py: classifying text blocks and aligning them to the rows and columns of a table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extract.model import Block, Document
from extract.tables.alignment import BlockCut, Placement, align_blocks
from extract.tables.pieces import author_and_rest, block_pieces, is_footnote, table_footnotes
from extract.tables.column_fit import column_fit
from extract.tables.headers import header_cells, header_cells_with_unknown
from extract.tables.rebuild import order_inversions, tables_from_blocks
from extract.tables.rejoin import glued_cells

RIGHT, WRONG = 3.0, -1.0


def document(*texts: str, page_nos: tuple[int | None, ...] | None = None) -> Document:
    pages = page_nos or (None,) * len(texts)
    blocks = tuple(Block(text=t, index=i, page_no=p) for i, (t, p) in enumerate(zip(texts, pages)))
    return Document("invented", "invented.txt", "text", "0" * 64, blocks)


# --- the alignment on its own ---------------------------------------------------------------


def fits_for(columns: list[int], n_columns: int) -> list[list[float]]:
    return [[RIGHT if c == column else WRONG for c in range(n_columns)] for column in columns]


def test_interleaved_rows_are_aligned_in_order() -> None:
    # A1 d d d A2 d d d: each author's cells follow it.
    alignment = align_blocks(fits_for([0, 1, 2, 0, 1, 2], 3), [1, 1, 1, 2, 2, 2], [BlockCut()] * 6, n_rows=2)
    assert [(p.row, p.column) for p in alignment.placements if p] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


def test_authors_grouped_ahead_of_their_rows() -> None:
    # A1 A2 A3 then three rows of two cells each.
    alignment = align_blocks(fits_for([0, 1] * 3, 2), [3] * 6, [BlockCut()] * 6, n_rows=3)
    assert [p.row for p in alignment.placements if p] == [0, 0, 1, 1, 2, 2]


def test_a_row_may_lack_its_last_cell() -> None:
    alignment = align_blocks(fits_for([0, 1, 2, 0, 1], 3), [1, 1, 1, 2, 2], [BlockCut()] * 5, n_rows=2)
    assert alignment.placements[-1] == Placement(1, 1)


def test_a_cell_split_at_a_page_break_is_continued() -> None:
    fits = fits_for([0, 1, 1, 2], 3)
    alignment = align_blocks(fits, [1, 1, 1, 1], [BlockCut(), BlockCut(), BlockCut(after_page_break=True), BlockCut()], n_rows=1)
    assert alignment.placements == (Placement(0, 0), Placement(0, 1), Placement(0, 1, True), Placement(0, 2))


def test_data_before_any_author_is_left_unassigned() -> None:
    alignment = align_blocks(fits_for([0, 0], 1), [0, 1], [BlockCut(), BlockCut()], n_rows=1)
    assert alignment.placements == (None, Placement(0, 0))


@st.composite
def laid_out_tables(draw: st.DrawFn) -> tuple[list[int], list[int], list[tuple[int, int]], int, int]:
    """A true table (rows of cells, some lacking their last cell) emitted in a valid block order.

    A row lacks its last cell only when no later author is printed before it. With every block
    fitting its column equally well (no wording to go by), a row lacking its last cell while the
    next author is already printed reads as cheaply as every row shifted down one with a cell
    continued: hypothesis found authors one row ahead and row 4 of 6 without its second cell.
    Real blocks carry wording that tells those readings apart; this test has none.
    """
    n_rows = draw(st.integers(1, 6))
    n_columns = draw(st.integers(1, 5))
    columns: list[int] = []
    authors_before: list[int] = []
    truth: list[tuple[int, int]] = []
    seen_authors = 0
    for row in range(n_rows):
        seen_authors = draw(st.integers(max(seen_authors, row + 1), n_rows))
        lacking = draw(st.integers(0, min(1, n_columns - 1))) if seen_authors == row + 1 else 0
        width = n_columns - lacking
        for column in range(width):
            columns.append(column)
            authors_before.append(seen_authors)
            truth.append((row, column))
    return columns, authors_before, truth, n_rows, n_columns


@given(laid_out_tables())
def test_alignment_recovers_any_valid_block_order(table: tuple) -> None:
    columns, authors_before, truth, n_rows, n_columns = table
    alignment = align_blocks(fits_for(columns, n_columns), authors_before, [BlockCut()] * len(columns), n_rows)
    assert [(p.row, p.column) if p else None for p in alignment.placements] == truth


def test_order_inversions_counts_swapped_pairs() -> None:
    assert order_inversions(("a", "b", "c"), ("a", "b", "c")) == 0
    assert order_inversions(("c", "b", "a"), ("a", "b", "c")) == 3


# --- column fits and block kinds ------------------------------------------------------------


def test_conclusion_wording_fits_conclusions_better_than_results() -> None:
    text = "The authors concluded\nthat the program may\nbe an option."
    assert column_fit(text, "authors_conclusions") > column_fit(text, "results")


def test_numbers_and_comparisons_fit_results_better_than_conclusions() -> None:
    text = "Mortality was 12% vs\n18% (RR 0.67; 95% CI\n0.5 to 0.9)"
    assert column_fit(text, "results") > column_fit(text, "authors_conclusions")


def test_population_and_indication_are_told_apart() -> None:
    assert column_fit("Adults aged 40 years\nwith heart failure", "population") > column_fit(
        "Adults aged 40 years\nwith heart failure", "indication"
    )
    assert column_fit("Chronic heart failure", "indication") > column_fit("Chronic heart failure", "population")
    # out- and inpatients are people too
    for text in ("Outpatients with chronic kidney disease", "Inpatients with sepsis"):
        assert column_fit(text, "population") > column_fit(text, "indication")


def test_not_reported_cells_fit_every_column_alike() -> None:
    fits = {column_fit("Not reported in the\nabstract", f) for f in ("indication", "population", "results")}
    assert fits == {0.0}


def test_abbreviation_lists_are_footnotes_and_cells_are_not() -> None:
    assert is_footnote("AE = adverse events; CI = confidence interval")
    assert is_footnote("Abbreviations: RCT, randomized controlled trial")
    assert not is_footnote("Mortality was lower (OR = 0.8; p = 0.03)")
    assert not is_footnote("The authors concluded that more research is needed.")


def test_a_caption_block_yields_the_caption_and_its_first_header_cell() -> None:
    pieces = block_pieces(Block("Table 4: Summary of Included\nStudies\nFirst Author, Year", 0))
    assert [(p.kind, p.text) for p in pieces] == [
        ("caption", "Table 4: Summary of Included Studies"),
        ("header", "First Author, Year"),
    ]


def test_a_heading_block_yields_the_heading_and_the_author() -> None:
    pieces = block_pieces(Block("Randomized Controlled Trials\nGarcia (2020)4", 0))
    assert [p.kind for p in pieces] == ["heading", "author"]
    assert pieces[1].author is not None and pieces[1].author.ref_no == 4


# --- whole tables from block sequences ------------------------------------------------------


def test_table_with_page_furniture_and_a_floating_header_cell() -> None:
    doc = document(
        "Table 2: Summary of Included Studies",
        "Study",
        "Population",
        "Results",
        "Authors' Conclusions",
        "Randomized Controlled Trials",
        "Garcia et al. (2020)",
        "1",
        "Adults with asthma",
        "Exacerbations fell by 30% vs\nplacebo",
        "The authors concluded that the\ninhaler is effective.",
        "Page 7",
        "Results",
        "Authors' Conclusions",
        "Population",
        "Study",
        "Kim (2018)2",
        "Children with asthma",
        "No significant difference in\nadmissions",
        "Study",
        "AE = adverse event; ICS = inhaled corticosteroid",
    )
    (table,) = tables_from_blocks(doc)
    assert table.label == "Table 2: Summary of Included Studies"
    assert table.header == ("author", "population", "results", "authors_conclusions")
    assert [row.cells["author"].text for row in table.rows] == ["Garcia et al. (2020)", "Kim (2018)2"]
    assert table.rows[0].cells["ref"].text == "1"
    assert table.rows[0].group_label == "Randomized Controlled Trials"
    assert table.rows[1].cells["results"].text == "No significant difference in\nadmissions"
    assert "authors_conclusions" not in table.rows[1].cells
    assert table.report.strategy == "text-blocks"
    assert table.report.confidence < 1.0
    assert table_footnotes(doc) == ("AE = adverse event; ICS = inhaled corticosteroid",)


def test_selection_criteria_table_is_not_a_study_table() -> None:
    doc = document("Table 1: Selection Criteria", "Population", "Adults with asthma", "Intervention", "Inhalers")
    assert tables_from_blocks(doc) == ()


def test_rows_carry_the_page_of_their_cells() -> None:
    doc = document(
        "Table 3: Summary of Included Studies",
        "Author, Year",
        "Indication",
        "Results",
        "Lopez, 2019",
        "Asthma",
        "Symptoms improved in 40%",
        page_nos=(4, 4, 4, 4, 5, 5, 5),
    )
    (table,) = tables_from_blocks(doc)
    (row,) = table.rows
    assert row.cells["author"].page_no == 5
    assert table.report.pages == (4, 5)


# --- pdfminer-style quirks (found by tests/test_roundtrip_text.py) --------------------------


def test_header_cells_merged_on_one_line_are_split_fewest_first() -> None:
    assert header_cells("Study Design Indication") == ("Study Design", "Indication")
    assert header_cells("Study, Year Study Design Population") == ("Study, Year", "Study Design", "Population")
    assert header_cells("Main Findings and\nAuthors' Conclusions") == ("Main Findings and Authors' Conclusions",)
    assert header_cells("Study Design Country") == ("Study Design", "Country")
    assert header_cells("Study Design Region") == ()


def test_header_cells_split_by_character_spacing_are_known() -> None:
    pieces = block_pieces(Block("Interv ention Comparator", 0))
    assert [(p.kind, p.field) for p in pieces] == [("header", "intervention"), ("header", "comparator")]


def test_author_cell_wrapped_over_three_lines_with_its_reference_after() -> None:
    pieces = block_pieces(Block("van der Berg et\nal. (2013)\n4", 0))
    assert [p.kind for p in pieces] == ["author", "number"]
    assert pieces[0].author is not None and (pieces[0].author.first_author, pieces[0].author.year) == ("van der Berg", 2013)


def test_author_cell_merged_with_the_next_cells_first_line_is_split_off() -> None:
    pieces = block_pieces(Block("Castellano2, 2010 Osteoarthritis of\nthe knee", 0))
    assert [(p.kind, p.text) for p in pieces] == [("author", "Castellano2, 2010"), ("data", "Osteoarthritis of\nthe knee")]
    assert author_and_rest("Lee et al. (2015)2 Chronic") is not None
    assert author_and_rest("Kim (2019) 4 Adults") is None  # a bare number after the year could start the next cell


def test_a_cell_starting_with_a_number_after_an_author_is_not_split() -> None:
    assert author_and_rest("Lee (2015) 12 patients") is None


def test_an_unknown_header_merged_with_a_known_one_is_split_off() -> None:
    assert header_cells_with_unknown("Study  Design Country") == ("Study Design", "Country")
    assert header_cells_with_unknown("Oral therapy") == ()
    assert header_cells_with_unknown("Mortality was lower.") == ()


def test_unknown_header_cells_inside_a_header_run_become_columns() -> None:
    doc = document(
        "Table 2: Summary of Included Studies",
        "Study, Year",
        "Study Design Country",
        "Setting",
        "Results",
        "Lopez (2019)",
        "Randomized controlled trial",
        "Spain",
        "Urban clinics",
        "Symptoms improved in 40%",
    )
    (table,) = tables_from_blocks(doc)
    assert table.header == ("author", "study_design", "extra:Country", "extra:Setting", "results")
    (row,) = table.rows
    assert row.cells["extra:Country"].text == "Spain"
    assert row.cells["results"].text == "Symptoms improved in 40%"


# --- pdftotext-style quirks (measured with bench/producers.py on the producer matrix) -------


def test_a_pages_cells_never_open_rows_of_another_page() -> None:
    # Page 1 prints its cells before its authors (a text tool read the author column last);
    # page 2's cells must not be drawn back into page 1's rows.
    doc = document(
        "Table 2: Summary of Included Studies",
        "Author (Year)",
        "Population",
        "Results",
        "Adults with asthma",
        "Exacerbations fell by 30% vs placebo",
        "Adults with COPD",
        "Admissions fell by 12% vs usual care",
        "Lee (2019)",
        "Kim (2018)",
        "Author (Year)",
        "Population",
        "Results",
        "Ito (2017)",
        "Children with eczema",
        "Itch scores fell by 40% vs placebo",
        page_nos=(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2),
    )
    (table,) = tables_from_blocks(doc)
    by_author = {row.cells["author"].text: row.cells for row in table.rows}
    assert by_author["Lee (2019)"]["population"].text == "Adults with asthma"
    assert by_author["Kim (2018)"]["results"].text == "Admissions fell by 12% vs usual care"
    assert by_author["Ito (2017)"]["population"].text == "Children with eczema"


def test_page_windows_hold_the_pages_rows_and_the_row_a_break_cut() -> None:
    from extract.tables.rebuild import page_windows

    assert page_windows([1, 1, 2, 2], [1, 2, 2, 3]) == ((0, 1), (1, 3), (1, 3), (3, 3))
    assert page_windows([1, None], [1]) == (None,)


def test_a_window_bounds_the_rows_a_block_may_open() -> None:
    # Without the window the second block would open row 1 (its author is printed); the
    # window says its page holds row 0 only, so it continues nothing and is left out.
    fits = fits_for([0, 0], 1)
    alignment = align_blocks(fits, [1, 2], [BlockCut(), BlockCut()], n_rows=2, windows=[(0, 0), (0, 0)])
    assert alignment.placements[1] is None or alignment.placements[1].row == 0


def test_a_caption_under_a_paragraph_without_a_blank_line_starts_the_table() -> None:
    doc = document(
        "The studies are presented in Table 2.\nTable 2: Summary of Included Studies\nAuthor (Year)",
        "Results",
        "Lee (2019)",
        "Mortality fell by 10% vs placebo",
    )
    (table,) = tables_from_blocks(doc)
    assert table.label == "Table 2: Summary of Included Studies"
    assert table.rows[0].cells["results"].text == "Mortality fell by 10% vs placebo"


def test_a_caption_mentioned_in_a_sentence_is_not_cut_off() -> None:
    pieces = block_pieces(Block(text="Details are in\nTable 2: the summary below", index=0, page_no=1))
    assert [piece.kind for piece in pieces] == ["data"]


def test_an_et_al_author_interleaved_with_the_next_cell_is_split_from_it() -> None:
    pieces = block_pieces(Block(text="Sandov al et al. Randomized\n(2013)\ncontrolled trial", index=0, page_no=1))
    assert [(piece.kind, piece.text) for piece in pieces] == [
        ("author", "Sandov al et al.\n(2013)"),
        ("data", "Randomized\ncontrolled trial"),
    ]


def test_an_author_under_the_end_of_a_cut_cell_starts_a_row() -> None:
    pieces = block_pieces(Block(text="0.52 to 0.97)\nGarcía-Lopez\n(2016)", index=0, page_no=1))
    assert [piece.kind for piece in pieces] == ["data", "author"]
    assert pieces[1].author is not None and pieces[1].author.year == 2016


def test_an_author_printed_under_the_last_line_of_a_cell_starts_a_row() -> None:
    pieces = block_pieces(Block(text="was 14.2 months vs 9.8\nmonths with waiting list\nPetrov et al.\n(2018)11", index=0, page_no=1))
    assert [piece.kind for piece in pieces] == ["data", "author"]
    assert pieces[1].author is not None and pieces[1].author.ref_no == 11


def test_a_citation_closing_a_cell_mid_sentence_stays_in_the_cell() -> None:
    pieces = block_pieces(Block(text="Readmissions fell in the group\nreported by\nPetrov et al.\n(2018)11", index=0, page_no=1))
    assert [piece.kind for piece in pieces] == ["data"]


def test_a_name_in_the_middle_of_a_sentence_is_not_an_author() -> None:
    pieces = block_pieces(Block(text="as reported by\nLopez (2016) in a\nsmall trial", index=0, page_no=1))
    assert [piece.kind for piece in pieces] == ["data"]


def test_group_headings_and_study_design_cells_are_told_apart() -> None:
    doc = document(
        "Table 2: Summary of Included Studies",
        "Study, Year",
        "Study Design",
        "Results",
        "Randomized Controlled Trials\nLee (2019)",
        "Randomized controlled trial",
        "Mortality fell by 10% vs placebo",
        "Kim (2018)",
        "Meta-analysis",
        "Pain fell by 2 points vs usual care",
        "Non-Randomized Studies",
        "Ito (2017)",
        "Prospective cohort study",
        "Admissions fell by 5% vs usual care",
    )
    (table,) = tables_from_blocks(doc)
    assert [row.group_label for row in table.rows] == [
        "Randomized Controlled Trials",
        "Randomized Controlled Trials",
        "Non-Randomized Studies",
    ]
    assert [row.cells["study_design"].text for row in table.rows] == [
        "Randomized controlled trial",
        "Meta-analysis",
        "Prospective cohort study",
    ]


def test_a_combined_findings_column_takes_its_conclusion_blocks() -> None:
    from extract.tables.rebuild import fitted_fields
    from extract.tables.pieces import Piece

    block = Block(text="", index=0)
    combined = [Piece("header", "Main Findings and Authors' Conclusions", block, field="results")]
    plain = [Piece("header", "Key Findings", block, field="results")]
    assert fitted_fields(combined, ["results"])["results"] == ("results", "authors_conclusions")
    assert fitted_fields(plain, ["results"])["results"] == ("results",)


def test_a_group_is_named_in_the_plural_or_title_case_a_design_cell_in_the_singular() -> None:
    from extract.fields import names_a_group

    for heading in ("Randomized Controlled Trials", "Meta-Analy ses", "Case Series", "Guidelines"):
        assert names_a_group(heading), heading
    for cell in ("Randomized controlled trial", "Meta-analysis", "Case series", "Prospective cohort study"):
        assert not names_a_group(cell), cell


def test_the_table_label_is_cleaned_like_any_printed_text() -> None:
    from extract.model import Cell, ParsingReport, RawRow, Table
    from extract.rows import study_record

    row = RawRow(cells={"author": Cell(text="Lee (2019)")}, ordinal=0)
    label = "Table 2: Summary of Included Studies f or Research Question 1"
    table = Table(label=label, header=("author",), rows=(row,), report=ParsingReport("text-blocks", (), 1.0, ()))
    assert study_record("r", table, row)["table_label"] == "Table 2: Summary of Included Studies for Research Question 1"


def test_bullets_printed_apart_go_back_before_their_items() -> None:
    from extract.tables.rejoin import bulleted, is_lone_bullets

    assert is_lone_bullets("• ") and is_lone_bullets("•\n•") and not is_lone_bullets("• Mortality fell")
    items = "Mortality fell by 10%\nin the treated group\nAdmissions fell\nThe authors concluded that\nit works."
    assert bulleted(items, 2) == "• Mortality fell by 10%\nin the treated group\n• Admissions fell\nThe authors concluded that\nit works."
    assert bulleted(items, 4) == items  # four bullets, but only three lines open an item: left as printed


def test_lone_bullet_blocks_never_fill_a_cell() -> None:
    doc = document(
        "Table 2: Summary of Included Studies",
        "Author (Year)",
        "Population",
        "Key Findings",
        "Lee (2019)",
        "Adults with asthma",
        "•",
        "•",
        "Exacerbations fell by 30%\nAdmissions fell by 12%",
    )
    (table,) = tables_from_blocks(doc)
    (row,) = table.rows
    assert row.cells["population"].text == "Adults with asthma"
    assert row.cells["results"].text == "• Exacerbations fell by 30%\n• Admissions fell by 12%"


def test_a_cell_label_is_no_header_cell() -> None:
    pieces = block_pieces(Block(text="Authors' conclusion:\nTelemonitoring may help.", index=0, page_no=1))
    assert [piece.kind for piece in pieces] == ["data"]
    pieces = block_pieces(Block(text="Authors' Conclusions", index=0, page_no=1))
    assert [(piece.kind, piece.field) for piece in pieces] == [("header", "authors_conclusions")]


def test_a_design_label_wrapped_over_lines_is_one_piece() -> None:
    pieces = block_pieces(Block(text="Randomized\ncontrolled trial", index=0, page_no=1))
    assert [(piece.kind, piece.text) for piece in pieces] == [("heading", "Randomized\ncontrolled trial")]


def test_a_conclusion_block_closes_the_combined_cell_before_it() -> None:
    doc = document(
        "Table 2: Summary of Included Studies",
        "Author (Year)",
        "Population",
        "Main Findings and Authors' Conclusions",
        "Lee (2019)",
        "Kim (2018)",
        "Adults with asthma",
        "Children with asthma",
        "• Exacerbations fell by 30%",
        "The authors concluded that the inhaler is effective.",
        "• Admissions fell by 12%",
        "The authors concluded that more trials are needed.",
    )
    (table,) = tables_from_blocks(doc)
    assert [row.cells["results"].text for row in table.rows] == [
        "• Exacerbations fell by 30%\nThe authors concluded that the inhaler is effective.",
        "• Admissions fell by 12%\nThe authors concluded that more trials are needed.",
    ]


def test_rows_before_the_first_printed_group_heading_take_it() -> None:
    """A text tool that prints a table's first group heading after its first rows (a shaded
    heading row read at the end of the page) leaves those rows in the first group, not in none."""
    from extract.tables.rebuild import TableLayout, group_labels

    layout = TableLayout(authors=(), headings=(None, None, "Randomized Controlled Trials", None, "Non-Randomized Studies"), data=(), authors_before=(), cuts=())
    assert group_labels(layout) == ("Randomized Controlled Trials",) * 4 + ("Non-Randomized Studies",)
    assert group_labels(TableLayout(authors=(), headings=(None, None), data=(), authors_before=(), cuts=())) == (None, None)


def test_a_reference_printed_under_the_year_after_a_cell_is_the_rows_reference() -> None:
    """A superscript reference under `Author,` / `2022` comes out of pdftotext after the next cell."""
    doc = document(
        "Table 2: Summary of Included Studies",
        "Study, Year",
        "Study Design",
        "Population",
        "Kowalski,\n2022",
        "Cost-utility\nanalysis",
        "3",
        "Adults aged 65 years or more",
    )
    (table,) = tables_from_blocks(doc)
    (row,) = table.rows
    assert row.cells["ref"].text == "3"
    assert row.cells["study_design"].text == "Cost-utility\nanalysis" and row.cells["population"].text == "Adults aged 65 years or more"


def test_a_number_far_from_a_refless_author_stays_data() -> None:
    doc = document(
        "Table 2: Summary of Included Studies",
        "Author (Year)",
        "Study Design",
        "Population",
        "Outcomes",
        "Key Findings",
        "Lee (2019)",
        "Cohort",
        "Adults",
        "Mortality",
        "120",
        "Park (2020)",
        "Cohort",
        "Children",
        "Admissions",
        "No difference",
    )
    rows = tables_from_blocks(doc)[0].rows
    assert [row.cells["results"].text for row in rows] == ["120", "No difference"]
    assert all("ref" not in row.cells for row in rows)


def test_an_author_with_a_lower_case_particle_under_a_cut_cell_starts_a_row() -> None:
    """`van der Berg`, printed `v an der Berg` where spacing split it, opens a name like a capital does."""
    pieces = block_pieces(Block(text="CI 1.12 to 1.88)\nv an der Berg et\nal. (2017)2", index=0, page_no=1))
    assert [piece.kind for piece in pieces] == ["data", "author"]
    assert pieces[1].author is not None and pieces[1].author.year == 2017 and pieces[1].author.ref_no == 2
    sentence = block_pieces(Block(text="with usual care (OR 1.45)\nten patients were lost (2017)", index=0, page_no=1))
    assert [piece.kind for piece in sentence] == ["data"]


def test_carried_rows_name_the_row_begun_on_an_earlier_page() -> None:
    from extract.tables.rebuild import carried_rows

    assert carried_rows([1, 2, 2], [1, 2, 2, 3]) == (None, 0, 0, 2)
    assert carried_rows([1, None], [1]) == (None,)


def test_the_tail_of_a_cell_a_page_break_cut_continues_it_though_printed_after_the_pages_other_cells() -> None:
    # Page 1: row 0's two cells (the second cut). Page 2: rows 1 and 2's first cells, then the
    # second column: row 0's closing conclusion, then rows 1 and 2's findings. Without knowing
    # row 0 was cut, the conclusion would open row 1 and shift every cell after it.
    fits = fits_for([0, 1, 0, 0, 1, 1, 1], 2)
    cuts = [BlockCut(), BlockCut(start="bullet"), BlockCut(), BlockCut(), BlockCut(start="conclusion"), BlockCut(start="bullet"), BlockCut(start="bullet")]
    windows = [(0, 0), (0, 0), (0, 2), (0, 2), (0, 2), (0, 2), (0, 2)]
    carried = [None, None, 0, 0, 0, 0, 0]
    alignment = align_blocks(fits, [1, 1, 2, 3, 3, 3, 3], cuts, n_rows=3, windows=windows, carried=carried)
    assert [(p.row, p.continues_cell) for p in alignment.placements if p][4:] == [(0, True), (1, False), (2, False)]


def test_a_new_item_after_a_combined_cells_closing_conclusion_opens_the_next_row() -> None:
    # One combined column, two rows printed ahead: a bullet, the conclusion, then a bullet that
    # could go on with the first list but follows the conclusion that closed that cell.
    fits = fits_for([0, 0, 0, 0], 1)
    cuts = [BlockCut(start="bullet"), BlockCut(start="conclusion"), BlockCut(start="bullet", in_list=True, after_conclusion=True), BlockCut(start="conclusion")]
    alignment = align_blocks(fits, [2, 2, 2, 2], cuts, n_rows=2)
    assert [p.row for p in alignment.placements if p] == [0, 0, 1, 1]


def test_a_capital_inside_an_open_parenthesis_starts_no_item() -> None:
    from extract.tables.rejoin import bulleted

    items = "Fewer AEs with the drug (OR 1.45; 95%\nCI 1.12 to 1.88)\nAdmissions fell"
    assert bulleted(items, 2) == "• Fewer AEs with the drug (OR 1.45; 95%\nCI 1.12 to 1.88)\n• Admissions fell"


def test_a_conclusion_closing_a_block_marks_the_next_item_as_after_it() -> None:
    """A text tool may print a cell's last finding and its closing conclusion as one block; the
    bullet after it still follows a closed cell."""
    from extract.tables.pieces import summary_table_spans
    from extract.tables.rebuild import table_layout

    doc = document(
        "Table 2: Summary of Included Studies",
        "Author (Year)",
        "Main Findings and Authors' Conclusions",
        "Lee (2019)",
        "Kim (2018)",
        "• Exacerbations fell by 30%\nin adults\nThe authors concluded that the inhaler is effective.",
        "• Admissions fell by 12%",
        "more in children",
    )
    (span,) = summary_table_spans(doc)
    layout = table_layout(span.pieces, closing_conclusions=True)
    assert [cut.after_conclusion for cut in layout.cuts] == [False, True, False]
    assert [cut.after_conclusion for cut in table_layout(span.pieces, closing_conclusions=False).cuts] == [False, False, False]


def test_a_guidelines_recommendations_and_evidence_grades_fit_their_columns() -> None:
    """A Recommendations column takes what should be done, a Strength of Evidence column a
    short grade; a recommendation opening with `Patients` is no population."""
    from extract.tables.rebuild import fitted_fields

    grade, advice = "Strong\nrecommendation;\nmoderate-quality\nevidence", "Patients receiving the drug should be\nreassessed at 12 weeks"
    extra = "extra:Strength of Evidence"
    assert column_fit(grade, extra) > 0 > column_fit(advice, extra)
    assert column_fit("Level II evidence", extra) > column_fit("Level II evidence", "recommendations")
    assert column_fit(advice, "recommendations") > column_fit(advice, "population")
    assert column_fit(grade, "extra:Country") == 0.0  # an unknown column has no wording of its own
    pieces = [block_pieces(Block(text=text, index=0))[0] for text in ("Author (Year)", "Recommendations", "Strength of Evidence")]
    assert fitted_fields(pieces, ("results", extra))["results"] == ("results", "recommendations")


def test_a_header_cell_wrapped_into_two_printed_places_takes_the_whole_headers_field() -> None:
    """pdf2txt printed a guideline's `Target` with the header run and `Population` among the cells."""
    doc = document(
        "Table 3: Summary of Included Guidelines",
        "First Author, Year",
        "Study Design Target",
        "Recommendations",
        "Fairbanks (2019)",
        "Evidence-based guideline",
        "Population",
        "Women with pneumonia",
        "Patients should be reassessed at 12 weeks",
    )
    (table,) = tables_from_blocks(doc)
    assert "population" in table.header and not any(field.startswith("extra:") for field in table.header)
    assert table.rows[0].cells["population"].text == "Women with pneumonia"


def test_a_cell_cut_by_a_blank_line_after_a_line_break_hyphen_goes_on_in_the_next_block() -> None:
    from extract.tables.pieces import Piece
    from extract.tables.rejoin import with_hyphen_breaks_joined

    block = Block(text="", index=0)
    pieces = [Piece("data", text, block) for text in ("Evidence-", "based guideline", "Women-only cohort", "Adults")]
    assert [piece.text for piece in with_hyphen_breaks_joined(pieces)] == ["Evidence-\nbased guideline", "Women-only cohort", "Adults"]


def test_a_short_cell_glued_to_the_first_line_of_the_cell_beside_it_is_parted() -> None:
    columns = ("indication", "population", "results")
    assert glued_cells("Venous leg ulcers Women who had\nexperienced three episodes", columns) == (
        "Venous leg ulcers",
        "Women who had\nexperienced three episodes",
    )
    assert glued_cells("Type 2 diabetes Not specified in", columns) == ("Type 2 diabetes", "Not specified in")
    # one cell with a capital inside stays whole: the left part ends mid-phrase, or the rest fits no other column
    assert glued_cells("Adults with Type 2 diabetes", columns) is None
    assert glued_cells("Patients with COPD Stage III\nand asthma", columns) is None
    assert glued_cells("Mortality fell by 10% Admissions fell by 5%", columns) is None


def test_a_cell_glued_before_a_bulleted_cell_is_parted_at_the_bullet_however_far_along() -> None:
    columns = ("study_design", "population", "intervention", "results")
    text = (
        "Nerv e block v s placebo \N{BULLET} Hospital readmission decreased by 23.4%\nin the nerve block group\n"
        "The authors suggested that further\nrandomized trials are required."
    )
    assert glued_cells(text, columns) == ("Nerv e block v s placebo", text.split(" ", 6)[6])
    # a bullet opening the block is the cell's own
    assert glued_cells("\N{BULLET} Hospital readmission \N{BULLET} fell", columns) is None


# The columns of a guideline table whose design and population cells a text tool glues.
GUIDELINE_COLUMNS = ("author", "study_design", "population", "results")


def test_two_cells_printed_line_by_line_in_turn_are_parted() -> None:
    """pdftotext prints two narrow cells side by side a line of each in turn after running their
    first lines together, and where the left one's first line ended in a line-break hyphen it
    takes the hyphen out and runs the two into one word."""
    columns = GUIDELINE_COLUMNS
    assert glued_cells("Evidence-based Not specified in\nguideline\nthe abstract", columns) == (
        "Evidence-based\nguideline",
        "Not specified in\nthe abstract",
    )
    assert glued_cells("EvidenceWomen who had\nbased guideline\nexperienced three episodes of\nmajor depressive disorder", columns) == (
        "Evidence-\nbased guideline",
        "Women who had\nexperienced three episodes of\nmajor depressive disorder",
    )
    # one cell read in turn with lines of no other cell stays whole: its parts fit no column as a cell must
    assert glued_cells("Cost per QALY was\nsignificantly improved with subcutaneous\nbiologic therapy", columns) is None
    assert glued_cells("McAvoy and colleagues\nenrolled adults", columns) is None


def test_two_cells_printed_side_by_side_on_shared_lines_are_parted() -> None:
    """Where two narrow cells' lines share their baselines, pdftotext prints each line of the left
    cell and the right cell's line beside it as one line; the part that runs as long as the right
    cell's own lines is the right cell's. A line no longer than a cell's line is read in turn."""
    columns = GUIDELINE_COLUMNS
    assert glued_cells("EvidenceWomen who had\nbased guideline experienced ≥3\nepisodes of\ncommunity acquired\npneumonia", columns) == (
        "Evidence-\nbased guideline",
        "Women who had\nexperienced ≥3\nepisodes of\ncommunity acquired\npneumonia",
    )
    assert glued_cells("EvidenceOutpatients with\nbased guideline neonatal\njaundice and\ncomorbidities", columns) == (
        "Evidence-\nbased guideline",
        "Outpatients with\nneonatal\njaundice and\ncomorbidities",
    )
    assert glued_cells("Randomized Women who had\ncontrolled trial\nexperienced three episodes of\nmajor depressive disorder", columns) == (
        "Randomized\ncontrolled trial",
        "Women who had\nexperienced three episodes of\nmajor depressive disorder",
    )


def test_two_cells_whose_right_one_opens_below_the_left_ones_first_line_are_parted() -> None:
    """pdftotext prints the left cell's first line, the right cell's opening line, then their next
    lines side by side; what follows is the longer cell's, left or right, as the cells fit."""
    columns = ("author", "study_design", "population", "intervention", "results")
    assert glued_cells("Children aged 6\nTelemonitoring\nto 12 y ears with v s usual care\nmajor depressiv e\ndisorder", columns) == (
        "Children aged 6\nto 12 y ears with\nmajor depressiv e\ndisorder",
        "Telemonitoring\nv s usual care",
    )
    assert glued_cells("Children aged 6\nExtended-release\nto 12 years with naltrexone vs\nneonatal jaundice waiting list", columns) == (
        "Children aged 6\nto 12 years with\nneonatal jaundice",
        "Extended-release\nnaltrexone vs\nwaiting list",
    )
    # one cell whose line opens with a capital stays whole: its two parts fit no two columns
    assert glued_cells("Adults aged 40 years\nCOPD and asthma\nwith two or more exacerbations in the past year", columns) is None


def test_a_short_phrase_setting_one_treatment_against_another_is_an_intervention() -> None:
    for text in ("Telemonitoring vs usual care", "Extended-release naltrexone v s waiting list", "Nerve block versus placebo"):
        assert column_fit(text, "intervention") >= 2.5 > column_fit(text, "results"), text
    finding = "Median time to relapse was 14.2 months vs 9.8 months with usual care"
    assert column_fit(finding, "results") > column_fit(finding, "intervention")


def test_a_cell_saying_it_was_not_given_is_told_through_the_spacing_artifact() -> None:
    """`Not specif ied in` (the f/v/y artifact, not yet repaired) still says nothing was given."""
    columns = GUIDELINE_COLUMNS
    assert glued_cells("EvidenceNot specif ied in\nbased guideline the abstract", columns) == (
        "Evidence-\nbased guideline",
        "Not specif ied in\nthe abstract",
    )


def test_a_header_run_read_once_is_a_header_again_where_a_later_page_repeats_it() -> None:
    doc = document(
        "Table 3: Summary of Included Guidelines",
        "First Author, Year",
        "Study Design Target",
        "Recommendations",
        "Fairbanks (2019)",
        "Evidence-based guideline",
        "Patients should be reassessed at 12 weeks",
        "Study Design Target",
        "Moreau (2018)",
        "Evidence-based guideline",
        "Clinicians should consider it",
    )
    from extract.tables.pieces import summary_table_spans

    (span,) = summary_table_spans(doc)
    assert [piece.kind for piece in span.pieces if piece.text in ("Study Design", "Target", "Study Design Target")] == ["header"] * 4

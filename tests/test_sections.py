"""Report metadata from blocks: the seed's golden values and invented reports worded otherwise."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.model import BBox, Block, Document, ReportMeta
from extract.readers.text import read_text
from extract.meta.criteria import selection_criteria
from extract.meta.sections import Line, caption_title, section_key
from extract.meta.search import databases, search_window
from extract.meta.report import report_meta

FIXTURES = Path(__file__).parent / "fixtures"


def line(text: str, x0: float, top: float, block: int, height: float = 10.0) -> Line:
    """A line of a PDF page (page 2) as the criteria table is read by position: 4.5 pt a character."""
    return Line(text, block, BBox(x0, top, x0 + 4.5 * len(text), top + height), 2)


SEED = FIXTURES / "seed" / "ivig-offlabel-2017.txt"
EXPECTED = json.loads((FIXTURES / "seed" / "expected-report.json").read_text(encoding="utf-8"))


def document_of(*blocks: str) -> Document:
    """A text document made of the given blocks, for small hand-written reports."""
    return Document(
        report_id="invented",
        source_file="invented.txt",
        source_format="text",
        source_sha256="",
        blocks=tuple(Block(text, index) for index, text in enumerate(blocks)),
    )


@pytest.fixture(scope="module")
def seed_meta() -> ReportMeta:
    return report_meta(read_text(SEED))


@pytest.fixture(scope="module")
def digits_meta() -> ReportMeta:
    return report_meta(read_text(FIXTURES / "text" / "meta-numbered-digits.txt"))


@pytest.fixture(scope="module")
def no_key_findings_meta() -> ReportMeta:
    return report_meta(read_text(FIXTURES / "text" / "meta-no-key-findings.txt"))


# --- the seed against its golden extraction ------------------------------------------------


def test_seed_research_question_is_one_joined_line(seed_meta: ReportMeta) -> None:
    assert list(seed_meta.research_questions) == EXPECTED["report"]["research_questions"]


def test_seed_search_window(seed_meta: ReportMeta) -> None:
    assert seed_meta.search_start == date.fromisoformat(EXPECTED["report"]["search_start"])
    assert seed_meta.search_end == date.fromisoformat(EXPECTED["report"]["search_end"])


def test_seed_languages(seed_meta: ReportMeta) -> None:
    assert list(seed_meta.languages) == EXPECTED["report"]["languages"]


def test_seed_declared_counts_include_absent_health_technology_assessments(
    seed_meta: ReportMeta,
) -> None:
    assert dict(seed_meta.declared_counts) == EXPECTED["report"]["declared_counts"]


def test_seed_selection_criteria(seed_meta: ReportMeta) -> None:
    assert dict(seed_meta.selection_criteria) == EXPECTED["selection_criteria"]


def test_seed_abbreviations_are_cleaned_keys_and_expansions(seed_meta: ReportMeta) -> None:
    assert dict(seed_meta.abbreviations) == EXPECTED["abbreviations"]


def test_seed_has_no_title_or_publication_date(seed_meta: ReportMeta) -> None:
    assert seed_meta.title is None
    assert seed_meta.publication_date is None


def test_seed_databases_leave_out_the_supplementary_internet_search(
    seed_meta: ReportMeta,
) -> None:
    assert seed_meta.databases == (
        "PubMed",
        "The Cochrane Library",
        "University of York Centre for Reviews and Dissemination (CRD) databases",
        "Canadian and major international health technology agencies",
    )


def test_seed_citation_ranges_merge_both_summary_sentences(seed_meta: ReportMeta) -> None:
    ranges = dict(seed_meta.citation_ranges)
    assert ranges["systematic_review"] == (1, 2, 3, 4, 5)
    assert ranges["randomized_controlled_trial"] == (6, 7, 8)
    assert ranges["prospective_observational"] == (9, 10, 11, 12, 13)
    retrospective = {k: v for k, v in ranges.items() if v == (14, 15, 16, 17)}
    assert set(retrospective) <= {"retrospective_observational", "non_randomized_study"}
    assert len(retrospective) == 1
    assert sorted(ref for refs in ranges.values() for ref in refs) == list(range(1, 18))


def test_seed_summary_counts_add_up_across_sentences(seed_meta: ReportMeta) -> None:
    counts = dict(seed_meta.summary_counts)
    assert counts["systematic_review"] == 5
    assert counts["randomized_controlled_trial"] == 3
    assert counts["prospective_observational"] == 5
    assert sum(counts.values()) == 17


@settings(max_examples=20, deadline=None)
@given(cuts=st.lists(st.booleans(), min_size=80, max_size=80))
def test_block_boundaries_do_not_change_the_metadata(
    seed_meta: ReportMeta, cuts: list[bool]
) -> None:
    """PDF paragraphs group lines differently from text boxes; merging blocks changes nothing."""
    seed_blocks = read_text(SEED).blocks
    merged: list[str] = [seed_blocks[0].text]
    for block, cut in zip(seed_blocks[1:], cuts + [True] * len(seed_blocks)):
        if cut:
            merged.append(block.text)
        else:
            merged[-1] = f"{merged[-1]}\n{block.text}"
    assert report_meta(document_of(*merged)) == seed_meta


# --- an invented report: numbered questions, digits, bullets, Abbreviations section ---------


def test_title_and_labelled_publication_date(digits_meta: ReportMeta) -> None:
    assert digits_meta.title == (
        "Hypothermia After Cardiac Arrest in Adults: Clinical Effectiveness and Guidelines"
    )
    assert digits_meta.publication_date is not None
    assert (digits_meta.publication_date.year, digits_meta.publication_date.month) == (2020, 3)


def test_numbered_research_questions_are_split_and_unnumbered(digits_meta: ReportMeta) -> None:
    assert digits_meta.research_questions == (
        "What is the clinical effectiveness of targeted temperature management for adults "
        "resuscitated from out-of-hospital cardiac arrest?",
        "What are the evidence-based guidelines regarding targeted temperature management for "
        "adults after cardiac arrest?",
    )


def test_month_year_search_window_and_two_languages(digits_meta: ReportMeta) -> None:
    assert digits_meta.search_start is not None and digits_meta.search_end is not None
    assert (digits_meta.search_start.year, digits_meta.search_start.month) == (2015, 1)
    assert digits_meta.search_end == date(2020, 3, 31)
    assert digits_meta.languages == ("English", "French")


def test_databases_with_a_final_and(digits_meta: ReportMeta) -> None:
    assert digits_meta.databases == (
        "MEDLINE",
        "Embase",
        "the Cochrane Library",
        "the websites of Canadian and major international health technology agencies",
    )


def test_declared_counts_in_digits_and_words(digits_meta: ReportMeta) -> None:
    assert dict(digits_meta.declared_counts) == {
        "health_technology_assessment": 2,
        "systematic_review": 4,
        "randomized_controlled_trial": 1,
        "guideline": 2,
    }


def test_summary_counts_and_comma_separated_citations(digits_meta: ReportMeta) -> None:
    assert dict(digits_meta.summary_counts) == {
        "health_technology_assessment": 2,
        "systematic_review": 4,
        "randomized_controlled_trial": 1,
        "guideline": 2,
    }
    assert dict(digits_meta.citation_ranges) == {
        "health_technology_assessment": (1, 2),
        "systematic_review": (3, 4, 5, 6),
        "randomized_controlled_trial": (7,),
        "guideline": (8, 9),
    }


def test_bulleted_criteria_with_and_without_lead_in(digits_meta: ReportMeta) -> None:
    assert dict(digits_meta.selection_criteria) == {
        "population": "Adults resuscitated from cardiac arrest",
        "intervention": "Targeted temperature management by any of: surface cooling devices; "
        "intravascular cooling catheters",
        "comparator": "Normothermia; no temperature management",
        "outcomes": "Survival with good neurological outcome; Adverse events",
        "study_designs": "Health technology assessments, systematic reviews, randomized "
        "controlled trials, guidelines",
    }


def test_abbreviations_section_with_mixed_separators(digits_meta: ReportMeta) -> None:
    assert dict(digits_meta.abbreviations) == {
        "TTM": "targeted temperature management",
        "ROSC": "return of spontaneous circulation",
        "OHCA": "out-of-hospital cardiac arrest",
    }


# --- an invented report: no Key Findings, cover date, inline criteria, colon footnote ------


def test_banner_skipped_title_label_removed_and_cover_date_line(
    no_key_findings_meta: ReportMeta,
) -> None:
    assert no_key_findings_meta.title == "Compression Bandages for Venous Leg Ulcers: A Review"
    assert no_key_findings_meta.publication_date == date(2019, 6, 4)


def test_plain_question_and_open_ended_search(no_key_findings_meta: ReportMeta) -> None:
    meta = no_key_findings_meta
    assert meta.research_questions == (
        "How effective are multi-layer compression bandages compared with single-layer "
        "bandages for healing venous leg ulcers in adults?",
    )
    assert meta.search_start == date(2010, 1, 1)
    assert meta.search_end is None
    assert meta.languages == ()
    assert meta.databases == ("PubMed", "Embase")


def test_counts_fall_back_to_results_with_absent_designs(
    no_key_findings_meta: ReportMeta,
) -> None:
    assert dict(no_key_findings_meta.declared_counts) == {
        "systematic_review": 3,
        "non_randomized_study": 6,
        "health_technology_assessment": 0,
        "randomized_controlled_trial": 0,
    }
    assert dict(no_key_findings_meta.summary_counts) == {}


def test_inline_criteria_labels(no_key_findings_meta: ReportMeta) -> None:
    assert dict(no_key_findings_meta.selection_criteria) == {
        "population": "Adults with venous leg ulcers",
        "intervention": "Multi-layer compression bandages",
        "comparator": "Single-layer bandages",
        "outcomes": "Complete healing; time to healing",
        "study_designs": "Systematic reviews and non-randomized studies",
    }


def test_colon_separated_footnote_abbreviations(no_key_findings_meta: ReportMeta) -> None:
    assert dict(no_key_findings_meta.abbreviations) == {
        "MLB": "multi-layer bandage",
        "SLB": "single-layer bandage",
        "VLU": "venous leg ulcer",
    }


# --- smaller variants ----------------------------------------------------------------------


def test_iso_published_date_and_parenthesised_caption() -> None:
    meta = report_meta(
        document_of(
            "Nurse-Led Clinics for Heart Failure\nPublished: 2021-05-14",
            "Research Questions\nAre nurse-led clinics effective?\nAre they cost-effective?",
            "Table 1 (Selection Criteria)\nPopulation\nAdults with heart failure\n"
            "Study Design\nRandomized controlled trials",
            "Conclusions and Implications for Decision or Policy Making\nEvidence is limited.",
        )
    )
    assert meta.title == "Nurse-Led Clinics for Heart Failure"
    assert meta.publication_date == date(2021, 5, 14)
    assert meta.research_questions == (
        "Are nurse-led clinics effective?",
        "Are they cost-effective?",
    )
    assert dict(meta.selection_criteria) == {
        "population": "Adults with heart failure",
        "study_designs": "Randomized controlled trials",
    }


def test_prose_with_equals_signs_is_not_an_abbreviation_list() -> None:
    meta = report_meta(
        document_of(
            "Results\nMean age = 54 years in the trial population.",
            "Abbreviations: CI = confidence interval; HR = hazard ratio",
        )
    )
    assert dict(meta.abbreviations) == {"CI": "confidence interval", "HR": "hazard ratio"}


def test_an_empty_document_yields_empty_metadata() -> None:
    assert report_meta(document_of("Just one paragraph of prose.")) == ReportMeta()


@given(
    prefix=st.text(alphabet=" \t\f\uf0b7\u2022", max_size=4),
    suffix=st.sampled_from(["", ":", " ", " :"]),
    heading=st.sampled_from(
        [
            ("Research Questions", "research_questions"),
            ("Key Findings", "key_findings"),
            ("Methods", "methods"),
            ("Selection Criteria and Methods", "selection_criteria"),
            ("Results", "results"),
            ("Summary of Evidence", "results"),
            ("Overall Summary of Findings", "summary_of_findings"),
            ("Conclusions and Implications for Decision or Policy Making", "conclusions"),
            ("References", "references"),
            ("Appendix 1: Further Information", "appendix"),
        ]
    ),
)
def test_headings_survive_page_break_artifacts(
    prefix: str, suffix: str, heading: tuple[str, str]
) -> None:
    printed, key = heading
    assert section_key(f"{prefix}{printed}{suffix}") == key


@pytest.mark.parametrize(
    "line",
    [
        "results were varied and are presented below",
        "The Results of the trial",
        "Authors' Conclusions",
    ],
)
def test_prose_and_table_cells_are_not_headings(line: str) -> None:
    assert section_key(line) is None


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Table 1: Selection Criteria", "Selection Criteria"),
        ("Table 1 (Selection Criteria)", "Selection Criteria"),
        (" Table 2. Summary of Included Studies", "Summary of Included Studies"),
        ("Table 3", ""),
        ("Table 2. No studies examining acute outcomes were", None),
        ("Table 2 presents the results.", None),
    ],
)
def test_caption_titles(line: str, title: str | None) -> None:
    assert caption_title(line) == title


def test_databases_keep_commas_inside_parentheses() -> None:
    methods = "Searches used databases including Ovid (MEDLINE, Embase) and CINAHL. Other text."
    assert databases(methods) == ("Ovid (MEDLINE, Embase)", "CINAHL")


def test_databases_split_a_two_name_series_and_keep_an_and_inside_a_name() -> None:
    methods = (
        "Searches covered key resources including PubMed and Canadian and major international "
        "health technology agencies, as well as a focused Internet search. Nothing else."
    )
    assert databases(methods) == (
        "PubMed",
        "Canadian and major international health technology agencies",
    )


@pytest.mark.parametrize(
    ("line", "key"),
    [("Ov erall Summary of Findings", "summary_of_findings"), ("Key  Find ings", "key_findings")],
)
def test_headings_with_pdf_character_spacing(line: str, key: str) -> None:
    assert section_key(line) == key


def test_spaced_criterion_label_is_recognised() -> None:
    meta = report_meta(
        document_of("Table 1: Selection Criteria\nInterv ention\nA drug\nStudy  Designs\nTrials")
    )
    assert dict(meta.selection_criteria) == {"intervention": "A drug", "study_designs": "Trials"}


def test_lead_in_before_numbered_questions_is_not_a_question() -> None:
    meta = report_meta(
        document_of(
            "Research Questions\nThis report addresses the following questions:\n"
            "1. Is drug A effective\nfor adults?\n2) Is drug A safe?",
            "Methods\nNone.",
        )
    )
    assert meta.research_questions == ("Is drug A effective for adults?", "Is drug A safe?")


@pytest.mark.parametrize("markers", [("1.", "2."), ("a)", "b)"), ("(a)", "(b)"), ("A.", "B.")])
def test_question_markers_printed_apart_from_their_questions(markers: tuple[str, str]) -> None:
    """A word processor's list prints its number apart from the text (a tab stop): one question each."""
    first, second = markers
    meta = report_meta(
        document_of(
            f"Research Questions\n{first}\nIs drug A effective\nfor adults?\n{second}\nIs drug A safe?",
            "Methods\nNone.",
        )
    )
    assert meta.research_questions == ("Is drug A effective for adults?", "Is drug A safe?")


def test_bullet_glyphs_read_apart_from_their_items() -> None:
    meta = report_meta(
        document_of(
            "Table 1: Selection Criteria",
            "Population",
            "Adults with any of the following:\nChronic cough\nAsthma",
            "\u2022",
            "\u2022",
            "Outcomes",
            "Symptom relief\nquality of life",
            "\u2022",
        )
    )
    assert dict(meta.selection_criteria) == {
        "population": "Adults with any of the following: Chronic cough; Asthma",
        "outcomes": "Symptom relief quality of life",
    }


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("Documents published from 2012 to October 2017 were searched.", date(2012, 1, 1),
         date(2017, 10, 31)),
        ("The search was limited to studies published between 2010 and 2015.", date(2010, 1, 1),
         date(2015, 12, 31)),
        ("The search was limited to documents published since January 1, 2012.",
         date(2012, 1, 1), None),
        ("Retrieval was limited to documents published from 21 June 2016 to 3 February 2020.",
         date(2016, 6, 21), date(2020, 2, 3)),
    ],
)
def test_search_window_bounds(sentence: str, start: date, end: date | None) -> None:
    assert search_window(sentence) == (start, end)


def test_criteria_rows_packed_tight_are_read_from_where_they_are_printed() -> None:
    """A PDF's criteria table whose rows run together as one paragraph per column: each line goes
    to the label printed at or above its top, a label wrapped over two lines is one label, and a
    line back in the label column that is no label ends the table."""
    labels = [line("Population", 72, 100, 0), line("Intervention", 72, 122, 0), line("Study", 72, 144, 0), line("Designs", 72, 154, 0)]
    values = [
        line("Adults with severe asthma", 180, 100, 1),
        line("or chronic cough", 180, 110, 1),
        line("Intravenous iron", 180, 121, 1),  # a point above its label's top: still its row
        line("Randomized controlled trials,", 180, 144, 1),
        line("systematic reviews", 180, 154, 1),
    ]
    after = [line("Methods were applied to the studies found.", 72, 190, 2), line("Not a criterion", 180, 200, 2)]
    criteria = selection_criteria(labels + values + after)
    assert criteria == {
        "population": "Adults with severe asthma or chronic cough",
        "intervention": "Intravenous iron",
        "study_designs": "Randomized controlled trials, systematic reviews",
    }


def test_criteria_cells_centred_in_their_rows_go_to_the_label_beside_their_middle() -> None:
    """Cells centred vertically: a tall cell's first lines stand above its label, and a short row's
    label below the line of the row above; each cell (lines a line's spacing apart) goes to the
    label nearest its middle. A label run on into its value on one line is a label too."""
    lines = [
        line("Patients of any age with asthma or the following:", 139, 622, 0),
        line("Population", 59, 640, 1),
        line("• Recurrent urinary tract infection", 160, 643, 2),
        line("• Severe asthma", 160, 657, 2),
        line("Intervention Intravenous iron, alone or with usual care", 59, 681, 3),
        line("Comparator", 59, 704, 4),
        line("Placebo, usual care, no treatment", 139, 704, 5),
        line("Health technology assessments, systematic reviews,", 139, 745, 6),
        line("Study", 59, 751, 7),
        line("Designs", 59, 761, 7),
        line("randomized controlled trials", 139, 759, 6),
    ]
    assert selection_criteria(lines) == {
        "population": "Patients of any age with asthma or the following: Recurrent urinary tract infection; Severe asthma",
        "intervention": "Intravenous iron, alone or with usual care",
        "comparator": "Placebo, usual care, no treatment",
        "study_designs": "Health technology assessments, systematic reviews, randomized controlled trials",
    }


def test_centred_rows_of_one_line_each_packed_tight_are_read_apart() -> None:
    """Cells centred vertically, and one-line rows set closer than a cell's own lines (Typst):
    a value line level with a label opens that label's cell, however near the line above it."""
    lines = [
        line("Patients of any age with asthma", 169, 392, 0, height=9),
        line("Population", 58, 403, 1, height=9),
        line("or the following: severe asthma", 169, 403.5, 0, height=9),
        line("and chronic cough", 169, 415, 0, height=9),
        line("Intervention", 58, 426.7, 1, height=9),
        line("Comparator", 58, 440.7, 1, height=9),
        line("Intravenous iron, alone or with usual care", 169, 426.7, 2, height=9),
        line("Placebo, usual care, no treatment", 169, 440.6, 2, height=9),
    ]
    assert selection_criteria(lines) == {
        "population": "Patients of any age with asthma or the following: severe asthma and chronic cough",
        "intervention": "Intravenous iron, alone or with usual care",
        "comparator": "Placebo, usual care, no treatment",
    }


def test_criteria_labels_run_into_their_values_are_read_apart() -> None:
    """A text layer can set a label cell and its value on one line with no space between them
    (`ComparatorPlacebo`), a two-line label glued to each of its value's lines; a text export's
    label and value set apart in columns are left to the column reading."""
    from extract.meta.criteria import with_labels_apart

    texts = [
        "Population Patients of any age with asthma",
        "ComparatorPlacebo, usual care",
        "StudyHealth technology assessments, systematic reviews,",
        "Designsrandomized controlled trials",
        "Populations were small",
    ]
    assert with_labels_apart(texts) == [
        "Population: Patients of any age with asthma",
        "Comparator: Placebo, usual care",
        "Study Designs: Health technology assessments, systematic reviews,",
        "randomized controlled trials",
        "Populations were small",
    ]
    assert with_labels_apart(["Population       Patients of any age"]) == ["Population       Patients of any age"]
    lines = [Line(text, 0) for text in texts[:4]]
    assert selection_criteria(lines) == {
        "population": "Patients of any age with asthma",
        "comparator": "Placebo, usual care",
        "study_designs": "Health technology assessments, systematic reviews, randomized controlled trials",
    }


def text_meta(tmp_path: Path, text: str) -> ReportMeta:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return report_meta(read_text(path))


def test_criteria_labels_printed_in_a_run_take_the_value_blocks_after_them_in_turn(tmp_path: Path) -> None:
    """pdfminer prints a two-column table's labels together when the rows are tight, then the values."""
    meta = text_meta(tmp_path, (
        "Selection Criteria\n\nTable 1: Selection Criteria\nPopulation\n\nAdults with severe asthma\n\nIntervention\n\n"
        "Intravenous iron\n\nComparator\n\nOutcomes\n\nStudy Designs\n\nPlacebo, usual care\n\nClinical benefits and harms\n\n"
        "Randomized controlled trials,\nnon-randomized studies\n\nResults\nRapid Response reports are organized by quality.\n"
    ))
    assert meta.selection_criteria == {
        "population": "Adults with severe asthma",
        "intervention": "Intravenous iron",
        "comparator": "Placebo, usual care",
        "outcomes": "Clinical benefits and harms",
        "study_designs": "Randomized controlled trials, non-randomized studies",
    }


def test_criteria_printed_side_by_side_and_a_list_whose_marks_were_lost(tmp_path: Path) -> None:
    """`pdftotext -layout` prints labels and values across a column gap, the value's lines under
    its first; a list after `the following:` keeps one item per line even where its bullets were
    drawn as shapes and the text has none."""
    meta = text_meta(tmp_path, (
        "Selection Criteria\n\nTable 1: Selection Criteria\n"
        "Population          Patients of any age with severe asthma or the following:\n"
        "                    Recurrent urinary tract infection\n"
        "                    Severe asthma\n"
        "Intervention        Intravenous iron, alone or in combination\n"
        "                    with usual care\n"
        "Study Designs       Systematic reviews,   randomized trials\n\n"
        "Results\nRapid Response reports are organized by quality.\n"
    ))
    assert meta.selection_criteria == {
        "population": "Patients of any age with severe asthma or the following: Recurrent urinary tract infection; Severe asthma",
        "intervention": "Intravenous iron, alone or in combination with usual care",
        "study_designs": "Systematic reviews, randomized trials",
    }


def test_a_text_exports_running_header_and_page_numbers_stay_out_of_the_metadata(tmp_path: Path) -> None:
    header = "SUMMARY OF ABSTRACTS Rapid Response Service\n\nDrug X for condition Y: Clinical Effectiveness\n\n"
    pages = [
        "Drug X for condition Y: Clinical Effectiveness\n\nResearch Question\n\nWhat is the clinical effectiveness of drug X?\n\nPage 1",
        header + "Selection Criteria\n\nTable 1: Selection Criteria\nPopulation\n\nAdults\n\nStudy Designs\n\nRandomized trials\n\nPage 2",
        header + "Results\n\nThree studies were found.\n\nPage 3",
        header + "Conclusions\n\nMore research is needed.\n\nPage 4",
    ]
    meta = text_meta(tmp_path, "\f".join(pages))
    assert meta.selection_criteria == {"population": "Adults", "study_designs": "Randomized trials"}
    assert meta.title == "Drug X for condition Y: Clinical Effectiveness"  # the cover keeps its title


def test_an_abbreviation_footnote_ends_at_the_next_tables_caption(tmp_path: Path) -> None:
    from extract.meta.abbreviations import footnote_text

    block = "CI = confidence interval; vs = versus\nTable 3: Summary of Included Studies\nAuthor (Year)   Population"
    assert footnote_text(block) == "CI = confidence interval; vs = versus"


def test_a_title_ending_in_a_colon_goes_on_in_the_next_cover_block() -> None:
    from extract.meta.cover import report_title

    front = [Line("Drug X for condition Y:", 0), Line("Clinical Effectiveness", 1), Line("Publication Date: May 1, 2020", 2)]
    assert report_title(front) == "Drug X for condition Y: Clinical Effectiveness"
    assert report_title([Line("Drug X for condition Y", 0), Line("Clinical Effectiveness", 1)]) == "Drug X for condition Y"

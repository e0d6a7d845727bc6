"""Field normalization: author/year/ref splitting, design labels, dates, numbers, declared counts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.fields import (
    AuthorYearRef,
    citation_ranges,
    declared_counts,
    design_for_label,
    is_design_heading,
    parse_date,
    parse_number,
    reference_numbers,
    split_author_year_ref,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Zerdes (2017)", AuthorYearRef("Zerdes", 2017)),
        ("Mekinian (2016)2", AuthorYearRef("Mekinian", 2016, ref_no=2)),
        ("Smith et al. (2019)", AuthorYearRef("Smith", 2019)),
        ("Smith, 2019", AuthorYearRef("Smith", 2019)),
        ("Smith et al., 2019", AuthorYearRef("Smith", 2019)),
        ("Smith et al. 2019", AuthorYearRef("Smith", 2019)),
        ("Smith et al (2019)", AuthorYearRef("Smith", 2019)),
        ("van der Berg (2018)", AuthorYearRef("van der Berg", 2018)),
        ("O'Neil (2016)", AuthorYearRef("O'Neil", 2016)),
        ("O’Neil (2016)", AuthorYearRef("O’Neil", 2016)),
        ("Ramos-Medina (2014)12", AuthorYearRef("Ramos-Medina", 2014, ref_no=12)),
        ("Smith (2015a)", AuthorYearRef("Smith", 2015, year_suffix="a")),
        ("Katsoula, 20171", AuthorYearRef("Katsoula", 2017, ref_no=1)),
        ("Smith (2019)[3]", AuthorYearRef("Smith", 2019, ref_no=3)),
        ("Smith 2019 (3)", AuthorYearRef("Smith", 2019, ref_no=3)),
        ("Smith et al.3 (2019)", AuthorYearRef("Smith", 2019, ref_no=3)),
        ("Ramos-\nMedina (2014)\n12", AuthorYearRef("Ramos-Medina", 2014, ref_no=12)),
        ("Zerdes\n(2017)", AuthorYearRef("Zerdes", 2017)),
        ("Smith (2019) et al", AuthorYearRef("Smith", 2019)),
        ("Smith J (2019)", AuthorYearRef("Smith", 2019)),
        ("Smith JA, Jones B (2019)4", AuthorYearRef("Smith", 2019, ref_no=4)),
        ("Smith and Jones (2020)", AuthorYearRef("Smith", 2020)),
        ("Smith (2019) abstract only", AuthorYearRef("Smith", 2019, rest="abstract only")),
    ],
)
def test_split_author_year_ref_reads_printed_forms(cell: str, expected: AuthorYearRef) -> None:
    assert split_author_year_ref(cell) == expected


@pytest.mark.parametrize("cell", ["", "1", "Not specified in the abstract", "Smith (1850)"])
def test_split_author_year_ref_keeps_text_without_a_year_in_rest(cell: str) -> None:
    assert split_author_year_ref(cell) == AuthorYearRef(None, None, rest=cell)


surnames = st.builds(
    lambda particle, apostrophe, head, tail: f"{particle}{apostrophe}{head}{tail}",
    st.sampled_from(["", "van der ", "de ", "von "]),
    st.sampled_from(["", "O'", "O’", "D'"]),
    st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"-[A-Z][a-z]{1,8}", fullmatch=True)),
)
AUTHOR_FORMATS = (
    "{name} ({year}{suffix}){ref}",
    "{name} et al. ({year}{suffix}){ref}",
    "{name}, {year}{suffix}{ref}",
    "{name} et al., {year}{suffix}{ref}",
    "{name} et al. {year}{suffix}{ref}",
    "{name} ({year}{suffix}){bracket_ref}",
    "{name} {year}{suffix}{paren_ref}",
    "{name} et al.{ref} ({year}{suffix})",
    "{name}\n({year}{suffix})\n{ref}",
)


@given(
    surnames,
    st.integers(1900, 2099),
    st.sampled_from(["", "a", "b", "c"]),
    st.one_of(st.none(), st.integers(1, 999)),
    st.sampled_from(AUTHOR_FORMATS),
)
def test_split_author_year_ref_gives_back_the_printed_parts(
    name: str, year: int, suffix: str, ref: int | None, form: str
) -> None:
    printed = form.format(
        name=name,
        year=year,
        suffix=suffix,
        ref="" if ref is None else ref,
        bracket_ref="" if ref is None else f"[{ref}]",
        paren_ref="" if ref is None else f" ({ref})",
    )
    assert split_author_year_ref(printed) == AuthorYearRef(name, year, suffix, ref, "")


@pytest.mark.parametrize(
    ("label", "design"),
    [
        ("Systematic Reviews", "systematic_review"),
        ("Systematic Reviews and Meta-Analyses", "systematic_review"),
        ("Meta-Analysis", "meta_analysis"),
        ("Randomized Controlled Trials", "randomized_controlled_trial"),
        ("RCT", "randomized_controlled_trial"),
        ("Randomised controlled trial", "randomized_controlled_trial"),
        ("Prospective randomized controlled trial", "randomized_controlled_trial"),
        ("Prospective Observational Studies", "prospective_observational"),
        ("Prospective cohort study", "prospective_observational"),
        ("Retrospective Observational Studies", "retrospective_observational"),
        ("Retrospective chart review", "retrospective_observational"),
        ("case-control", "retrospective_observational"),
        ("retrospective non-randomized studies", "retrospective_observational"),
        ("Non-Randomized Studies", "non_randomized_study"),
        ("Nonrandomized", "non_randomized_study"),
        ("Observational Studies", "non_randomized_study"),
        ("Cohort studies", "non_randomized_study"),
        ("Guidelines", "guideline"),
        ("Clinical practice guideline", "guideline"),
        ("Economic Evaluations", "economic_evaluation"),
        ("Cost-effectiveness analysis", "economic_evaluation"),
        ("Health Technology Assessments", "health_technology_assessment"),
        ("Case series", "other"),
        ("Sy stematic Rev iews", "systematic_review"),
        ("NON-RANDOMIZED STUDIES", "non_randomized_study"),
    ],
)
def test_design_for_label_maps_printed_labels_to_the_contract_enum(label: str, design: str) -> None:
    assert design_for_label(label) == design


@pytest.mark.parametrize("text", ["Recurrent miscarriage", "First Author, Year", "Not specified in the abstract", ""])
def test_design_for_label_gives_none_for_text_that_names_no_design(text: str) -> None:
    assert design_for_label(text) is None


@pytest.mark.parametrize(
    "heading",
    [
        "Systematic Reviews",
        "Systematic Review",
        "Systematic Reviews and Meta-Analyses",
        "Randomized Controlled Trials",
        "Prospective Observational Studies",
        "Retrospective Observational Studies",
        "Non-Randomized Studies",
        "Guidelines",
        "Sy stematic Rev iews",
    ],
)
def test_is_design_heading_accepts_a_bare_design_label(heading: str) -> None:
    assert is_design_heading(heading)


@pytest.mark.parametrize(
    "text",
    [
        "Recurrent miscarriage",
        "The authors concluded that systematic reviews were needed",
        "Five systematic reviews were identified",
        "First Author, Year",
        "Study",
        "",
    ],
)
def test_is_design_heading_rejects_prose_and_other_cells(text: str) -> None:
    assert not is_design_heading(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 1, 2012", date(2012, 1, 1)),
        ("1 January 2012", date(2012, 1, 1)),
        ("October 26, 2017", date(2017, 10, 26)),
        ("October 26th, 2017.", date(2017, 10, 26)),
        ("2017-10-26", date(2017, 10, 26)),
        ("Jan 2012", date(2012, 1, 1)),
        ("Sept. 5, 2016", date(2016, 9, 5)),
        ("2012", None),
        ("February 30, 2012", None),
        ("Smarch 3, 2012", None),
        ("", None),
    ],
)
def test_parse_date_reads_printed_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("zero", 0), ("One", 1), ("nine", 9), ("nineteen", 19), ("twenty-one", 21), ("ninety nine", 99),
     ("17", 17), ("nin", None), ("hundred", None), ("", None)],
)
def test_parse_number_reads_words_and_digits(word: str, expected: int | None) -> None:
    assert parse_number(word) == expected


NUMBER_WORDS_BY_VALUE = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
TENS_BY_VALUE = "twenty thirty forty fifty sixty seventy eighty ninety".split()


@given(st.integers(0, 99))
def test_parse_number_reads_every_spelled_number_below_a_hundred(value: int) -> None:
    if value < 20:
        spelled = NUMBER_WORDS_BY_VALUE[value]
    else:
        tens, units = divmod(value, 10)
        spelled = TENS_BY_VALUE[tens - 2] + (f"-{NUMBER_WORDS_BY_VALUE[units]}" if units else "")
    assert parse_number(spelled) == value
    assert parse_number(str(value)) == value


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        ("Five systematic reviews, three randomized controlled trials, and nine non -randomized\n"
         "studies were identified regarding the off-label use",
         {"systematic_review": 5, "randomized_controlled_trial": 3, "non_randomized_study": 9}),
        ("Five systematic reviews, three randomized controlled trials, and nin e non-randomized\n"
         "studies were identified",
         {"systematic_review": 5, "randomized_controlled_trial": 3, "non_randomized_study": 9}),
        ("One systematic review was included.", {"systematic_review": 1}),
        ("4 RCTs met the criteria.", {"randomized_controlled_trial": 4}),
        ("two economic evaluations were found", {"economic_evaluation": 2}),
        ("No relevant health technology assessments were identified.", {"health_technology_assessment": 0}),
        ("five prospective observational studies, and four retrospective non-randomized studies",
         {"prospective_observational": 5, "retrospective_observational": 4}),
        ("three randomized controlled trials and two cohort studies",
         {"randomized_controlled_trial": 3, "non_randomized_study": 2}),
        ("Twenty-one guidelines were identified", {"guideline": 21}),
        ("Two of the trials reported harms at 12 months.", {}),
    ],
)
def test_declared_counts_reads_counts_per_design(sentence: str, counts: dict[str, int]) -> None:
    assert declared_counts(sentence) == counts


SEED_SUMMARY = (
    "Four systematic reviews,2-5 three randomized controlled trials,6-8 five prospective\n"
    "observational studies,9-13 and four retrospective non-randomized studies14-17 were identified"
)


def test_citation_ranges_reads_the_seed_summary_sentence() -> None:
    assert citation_ranges(SEED_SUMMARY) == {
        "systematic_review": (2, 3, 4, 5),
        "randomized_controlled_trial": (6, 7, 8),
        "prospective_observational": (9, 10, 11, 12, 13),
        "retrospective_observational": (14, 15, 16, 17),
    }


@pytest.mark.parametrize(
    ("sentence", "ranges"),
    [
        ("One systematic review 1 examined the use of IVIG", {"systematic_review": (1,)}),
        ("Three cohort studies3,5,7-9 were included", {"non_randomized_study": (3, 5, 7, 8, 9)}),
        ("Two RCTs [4, 6] and one systematic review [2] were included",
         {"randomized_controlled_trial": (4, 6), "systematic_review": (2,)}),
        ("One systematic review,1 and two systematic reviews,2,3 were found", {"systematic_review": (1, 2, 3)}),
        ("Five systematic reviews, 2 randomized trials were found", {}),
        ("Five systematic reviews were found", {}),
    ],
)
def test_citation_ranges_reads_cited_numbers_after_each_design(sentence: str, ranges: dict[str, tuple[int, ...]]) -> None:
    assert citation_ranges(sentence) == ranges


@given(st.lists(st.tuples(st.integers(1, 300), st.integers(0, 20)), min_size=1, max_size=6))
def test_reference_numbers_expands_every_printed_range(ranges: list[tuple[int, int]]) -> None:
    printed = ",".join(f"{start}-{start + width}" if width else str(start) for start, width in ranges)
    expected = sorted({n for start, width in ranges for n in range(start, start + width + 1)})
    assert reference_numbers(printed) == tuple(expected)


@given(st.text(max_size=80))
def test_field_readers_never_raise_on_arbitrary_text(text: str) -> None:
    split_author_year_ref(text)
    design_for_label(text)
    is_design_heading(text)
    parse_date(text)
    parse_number(text)
    declared_counts(text)
    citation_ranges(text)


@pytest.mark.parametrize(
    ("label", "design"),
    [
        ("Meta-analy sis", "meta_analysis"),
        ("Meta-Analy ses", "meta_analysis"),
        ("Sy stematic Rev iews", "systematic_review"),
        ("Prospectiv e cohort study", "prospective_observational"),
        ("Economic ev aluation", "economic_evaluation"),
    ],
)
def test_design_for_label_reads_labels_broken_by_the_f_v_y_artifact(label: str, design: str) -> None:
    assert design_for_label(label) == design

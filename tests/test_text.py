"""Text cleanup: spacing repair, wrapped lines, hyphens, bullets, Unicode — seed strings and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from wordfreq import top_n_list

from extract.text.clean import clean_findings, clean_text
from extract.text.spacing import is_word, repair_spacing

SEED_ABBREVIATIONS = (
    "AE = adv erse ev ents; ART = assisted reproductiv e technology ; IVIG = intrav enous "
    "immunoglobulin; NK = natural killer; NKT = natural killer T; v s = v ersus"
)
SEED_ABBREVIATIONS_CLEAN = (
    "AE = adverse events; ART = assisted reproductive technology; IVIG = intravenous "
    "immunoglobulin; NK = natural killer; NKT = natural killer T; vs = versus"
)

REAL_WORDS = (
    "the risk of adverse events was higher with treatment than placebo in women who had "
    "recurrent miscarriage and live birth rates were not significantly different between "
    "groups authors concluded that evidence is limited for patients a I into cannot some "
    "times may be every one review reviewed systematic randomized trial studies nine versus"
).split()


def test_seed_abbreviation_footnote_cleans_to_the_printed_words() -> None:
    assert clean_text(SEED_ABBREVIATIONS) == SEED_ABBREVIATIONS_CLEAN


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("adv erse ev ents", "adverse events"),
        ("nin e", "nine"),
        ("assisted reproductiv e technology", "assisted reproductive technology"),
        ("intrav enous", "intravenous"),
        ("v s = v ersus", "vs = versus"),
        ("sy stematic rev iews", "systematic reviews"),
        ("rev iew ed", "reviewed"),
        ("Adv erse, ev ents.", "Adverse, events."),
        ("non-random ized studies", "non-randomized studies"),
        ("technology ;", "technology;"),
        ("co -morbidity and pre -treatment", "co-morbidity and pre-treatment"),
        ("one economic ev aluation,1 and two ev idence-based guidelines3-4", "one economic evaluation,1 and two evidence-based guidelines3-4"),
    ],
)
def test_repair_spacing_joins_fragments_into_words(broken: str, repaired: str) -> None:
    assert repair_spacing(broken) == repaired


@pytest.mark.parametrize(
    "kept",
    [
        "the risk",
        "in to",
        "can not",
        "a void",
        "IVIG vs placebo",
        "NK cell activity",
        "AE rate",
        "Th17 cells",
        "30.8% vs 61.5%",
        "natural killer T cells",
        "to re-implement",
        "playwright-cli -s",
    ],
)
def test_repair_spacing_leaves_words_abbreviations_and_numbers_apart(kept: str) -> None:
    assert repair_spacing(kept) == kept


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Five systematic reviews, three randomized controlled trials, and nine non -randomized\nstudies",
         "Five systematic reviews, three randomized controlled trials, and nine non-randomized studies"),
        ("three randomized controlled trials, and nin e non-randomized\nstudies were identified",
         "three randomized controlled trials, and nine non-randomized studies were identified"),
        ("Th17 cells were\ndown-regulated and\nTreg cells were upregulated significantly",
         "Th17 cells were down-regulated and Treg cells were upregulated significantly"),
        ("substitution for IVIG in\nthese patients .", "substitution for IVIG in these patients."),
        ("Women who had\nexperienced ≥3\nconsecutive pregnancy\nloses after ART",
         "Women who had experienced ≥3 consecutive pregnancy loses after ART"),
        ("Paraneiplastic\ndermatomyositis", "Paraneiplastic dermatomyositis"),
        ("After 3 cycles of IVIG,\nNK call percentages", "After 3 cycles of IVIG, NK call percentages"),
        ("Authors’\nConclusions", "Authors’ Conclusions"),
        ("expanded CD56(+)\ncells", "expanded CD56(+) cells"),
        ("recurrent miscarriage (average =\n5) and elevated NK\ncells",
         "recurrent miscarriage (average = 5) and elevated NK cells"),
        ("therapies and meta -analyses\nare presented", "therapies and meta-analyses are presented"),
    ],
)
def test_clean_text_on_seed_cells(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("the treat-\nment arm", "the treatment arm"),
        ("was signifi-\ncantly lower", "was significantly lower"),
        ("were down-\nregulated", "were down-regulated"),
        ("at follow-\nup visits", "at follow-up visits"),
        ("TNF-\nalpha antagonists", "TNF-alpha antagonists"),
        ("from 2012-\n2017", "from 2012-2017"),
        ("aspirin -\nheparin", "aspirin - heparin"),
    ],
)
def test_clean_text_resolves_line_break_hyphens_by_the_lexicon(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_normalises_unicode_but_keeps_printed_symbols() -> None:
    decomposed = "Cafe\u0301 patients\u00a0with ≥3 \u2018losses\u2019\x07\u200b"
    assert clean_text(decomposed) == "Café patients with ≥3 ‘losses’"


def test_clean_text_keeps_the_space_before_an_opening_bracket() -> None:
    assert clean_text("rate (96.3% vs 30.6%) , [12]") == "rate (96.3% vs 30.6%), [12]"


def test_clean_findings_splits_private_use_bullets_and_joins_wrapped_lines() -> None:
    cell = (
        "\uf0b7 No significant\ndifference in live births\nwas found between\nIVIG, placebo, or\n"
        "usual care\n\uf0b7 The risk of AEs\nappeared to increase\nwith IVIG vs placebo"
    )
    assert clean_findings(cell) == (
        "No significant difference in live births was found between IVIG, placebo, or usual care\n"
        "The risk of AEs appeared to increase with IVIG vs placebo"
    )


@pytest.mark.parametrize("bullet", ["\uf0b7", "\uf0a7", "\uf0d8", "\uf076", "\uf0fc", "•", "▪", "◦"])
def test_clean_findings_removes_every_bullet_glyph(bullet: str) -> None:
    cell = f"{bullet} Live birth rate was\n30.8%\n{bullet} Rate of reduction of\nNK cell activity"
    assert clean_findings(cell) == "Live birth rate was 30.8%\nRate of reduction of NK cell activity"


@pytest.mark.parametrize("unmapped", ["(cid:7)", "\ufffd"])
def test_a_glyph_the_pdf_maps_to_no_character_opening_a_line_is_a_bullet(unmapped: str) -> None:
    """pdfminer reads a bullet glyph with no Unicode map as `(cid:N)`; a PDF writer that draws
    such a PDF again (cairo) maps it to U+FFFD. Inside a line it stays, for validation to flag."""
    cell = f"{unmapped} Live birth rate was\n30.8%\n{unmapped} Rate of reduction of\nNK cell activity"
    assert clean_findings(cell) == "Live birth rate was 30.8%\nRate of reduction of NK cell activity"
    assert unmapped in clean_findings(f"Rate {unmapped} of reduction")


@pytest.mark.parametrize("dash", ["-", "–"])
def test_clean_findings_reads_a_dash_at_line_start_as_a_bullet(dash: str) -> None:
    cell = f"{dash} 86.7% of women\nbecame pregnant\n{dash} 82.0% had a live birth"
    assert clean_findings(cell) == "86.7% of women became pregnant\n82.0% had a live birth"


def test_clean_findings_keeps_a_cell_without_bullets_as_one_finding() -> None:
    cell = "More live births were\nreported with IVIG than\nplacebo, but the\ndifference was not\nsignificant"
    assert clean_findings(cell) == (
        "More live births were reported with IVIG than placebo, but the difference was not significant"
    )


def test_clean_findings_drops_empty_findings_and_keeps_the_lead_in() -> None:
    cell = "Conditions:\n\uf0b7\n\uf0b7 Acute rejection\n \uf0b7  \n\uf0b7 Recurrent miscarriage\n"
    assert clean_findings(cell) == "Conditions:\nAcute rejection\nRecurrent miscarriage"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("adverse", True), ("Adverse,", True), ("a", True), ("I", True), ("IVIG", True),
        ("NK", True), ("30.8%", True), ("non-randomized", True), ("heparin", True),
        ("erse", False), ("nin", False), ("e", False), ("v", False), ("ersus", False),
        ("ev", False), ("reproductiv", False),
        # a name with its number is printed so; a citation number on a word leaves the word to judge
        ("B12", True), ("p53", True), ("T2", True), ("evaluation,1", True), ("aluation,1", False),
    ],
)
def test_is_word_tells_fragments_from_words(token: str, expected: bool) -> None:
    assert is_word(token) is expected


real_sentences = st.lists(st.sampled_from(REAL_WORDS), min_size=1, max_size=12).map(" ".join)


@given(real_sentences)
def test_repair_never_changes_text_made_of_real_words(sentence: str) -> None:
    assert repair_spacing(sentence) == sentence


@given(real_sentences)
def test_clean_text_never_changes_a_clean_sentence(sentence: str) -> None:
    assert clean_text(sentence) == sentence


cell_text = st.lists(
    st.one_of(
        st.sampled_from(list(" \n-–,.;:()[]•\uf0b7\u00ad\t’'")),
        st.sampled_from(["adv", "erse", "ev", "ents", "nin", "e", "v", "s", "the", "risk", "IVIG", "non"]),
        st.characters(),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300)
@given(cell_text)
def test_clean_text_is_idempotent_and_total(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=300)
@given(cell_text)
def test_clean_findings_output_is_one_clean_finding_per_line(text: str) -> None:
    findings = clean_findings(text).split("\n")
    assert all(finding == clean_text(finding) != "" for finding in findings) or findings == [""]


@settings(max_examples=300)
@given(cell_text)
def test_clean_findings_is_idempotent_once_findings_are_bulleted_again(text: str) -> None:
    once = clean_findings(text)
    rebulleted = "\n".join(f"\uf0b7 {finding}" for finding in once.split("\n"))
    assert clean_findings(rebulleted) == once


@given(st.text(max_size=40))
def test_clean_findings_is_idempotent_on_a_single_finding(text: str) -> None:
    once = clean_findings(text)
    assume("\n" not in once)
    assert clean_findings(once) == once


def test_indented_lines_are_findings_whose_bullet_glyph_was_lost() -> None:
    cell = " No significant\ndifference in rates\n The risk of AEs\nappeared to increase"
    assert clean_findings(cell) == "No significant difference in rates\nThe risk of AEs appeared to increase"
    assert clean_findings("One finding\nwrapped once") == "One finding wrapped once"


# --- the f/v/y glyph-advance artifact ---------------------------------------------------------

FVY_FINAL_WORDS = (
    "of if by may any every they study therapy safety efficacy self half off key day way very "
    "only early why family policy quality dietary surgery brief proof"
).split()
FOLLOWING_WORDS = (
    "all the be you one more time care patients were was in and or an on at its ten is use "
    "used end eat ice it each either a I oral dose acid lung bone hip outcomes data"
).split()


def artifact_spacing(text: str) -> str:
    """Break every word after f, v or y the way the glyph advance does (`Dufresne` → `Duf resne`)."""
    return re.sub(r"([fvy])(?=[a-z])", r"\1 ", text)


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("Duf resne", "Dufresne"),
        ("Kowalczy k", "Kowalczyk"),
        ("Sandov al", "Sandoval"),
        ("v an Dijk", "van Dijk"),
        ("v an der Berg", "van der Berg"),
        ("Lindqv ist", "Lindqvist"),
        ("Fy f e", "Fyfe"),
        ("McAv oy", "McAvoy"),
        ("O'Keef e", "O'Keefe"),
        ("Meta-analy sis", "Meta-analysis"),
        ("Meta-Analy ses", "Meta-Analyses"),
        ("Hy aluronic acid injection", "Hyaluronic acid injection"),
        ("with hy aluronic acid", "with hyaluronic acid"),
        ("Table 2: Summary of Included Studies f or the Review", "Table 2: Summary of Included Studies for the Review"),
        ("patients were try ing to stop", "patients were trying to stop"),
        ("a dev ice was dev eloped", "a device was developed"),
    ],
)
def test_repair_spacing_joins_breaks_after_f_v_y(broken: str, repaired: str) -> None:
    assert repair_spacing(broken) == repaired


@pytest.mark.parametrize(
    "kept",
    [
        "of all", "by the", "may be", "if you", "of ten", "any one", "self care",
        "Tabory et al.", "Kowalczy et al.", "Petrov de la Cruz", "Godfrey von Berg",
        "values of n", "therapy may oral", "lymphadenopathy subcarinal", "IgG levels",
        "McDonald and", "O'Neil et al.",
    ],
)
def test_repair_spacing_never_joins_real_words_or_name_particles_after_f_v_y(kept: str) -> None:
    assert repair_spacing(kept) == kept


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("community - acquired pneumonia", "community-acquired pneumonia"),
        ("Community -\nacquired pneumonia", "Community-acquired pneumonia"),
        ("with community - acquired pneumonia or community - acquired sepsis",
         "with community-acquired pneumonia or community-acquired sepsis"),
    ],
)
def test_spaced_hyphen_after_f_v_y_closes_between_word_parts(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "kept",
    [
        "5 - 10 days",
        "community - acquired, 5 - 10 days",
        "aspirin - heparin",
        "efficacy – and safety",
        "efficacy - and safety",
        "the therapy - acquired or not – was stopped",
        "IgGy - acquired",
    ],
)
def test_spaced_dashes_that_may_be_real_stay(kept: str) -> None:
    assert clean_text(kept) == kept


def test_is_word_reads_names_after_a_surname_prefix_by_the_lexicon() -> None:
    assert is_word("McAvoy") and is_word("O'Neil")
    assert not is_word("McAv")


fvy_sentences = st.lists(st.sampled_from(REAL_WORDS + FVY_FINAL_WORDS + FOLLOWING_WORDS), min_size=1, max_size=12).map(
    " ".join
)


@given(fvy_sentences)
def test_repair_never_joins_words_ending_in_f_v_y_to_the_next_word(sentence: str) -> None:
    assert repair_spacing(sentence) == sentence


@given(st.sampled_from(FVY_FINAL_WORDS), st.sampled_from(FOLLOWING_WORDS))
def test_a_word_ending_in_f_v_y_and_a_real_word_stay_two_words(left: str, right: str) -> None:
    assert repair_spacing(f"{left} {right}") == f"{left} {right}"


@given(fvy_sentences)
def test_repair_is_idempotent_on_artifact_text(sentence: str) -> None:
    once = repair_spacing(artifact_spacing(sentence))
    assert repair_spacing(once) == once


LEXICON_WORDS = tuple(word for word in top_n_list("en", 30000) if re.fullmatch(r"[a-z]{5,}", word))
BROKEN_BY_ARTIFACT = tuple(word for word in LEXICON_WORDS if artifact_spacing(word) != word)


def test_repair_recovers_nearly_every_lexicon_word_the_artifact_breaks() -> None:
    recovered = sum(repair_spacing(artifact_spacing(word)) == word for word in BROKEN_BY_ARTIFACT)
    assert len(BROKEN_BY_ARTIFACT) > 3000
    assert recovered >= 0.95 * len(BROKEN_BY_ARTIFACT)


def test_hyphens_a_text_export_dropped_at_line_ends_come_back_where_the_text_hyphenates_the_word() -> None:
    from extract.text.clean import restore_dropped_hyphens

    dropped = "Twelve evidence-based guidelines were found.\nEvidencebased guideline\nHospital readmission fell\nrecommended as first-line"
    assert restore_dropped_hyphens(dropped) == dropped.replace("Evidencebased", "Evidence-based")
    # an export that keeps its line-end hyphens glued nothing, and a word never hyphenated stays
    kept = "Evidence-\nbased guideline\nTwelve evidence-based guidelines\nEvidencebased"
    assert restore_dropped_hyphens(kept) == kept
    assert restore_dropped_hyphens("readmission fell\nreadmission rose") == "readmission fell\nreadmission rose"
    # a compound the dictionary knows may be the source's own spelling, though it prints both
    both = "Twelve non-randomized studies\nthree nonrandomized trials"
    assert restore_dropped_hyphens(both) == both
    # spaced glyphs keep their artifact: the hyphen goes where the text's own spaced form has it
    spaced = "twelv e ev idence-based guidelines\nEv idencebased guideline"
    assert restore_dropped_hyphens(spaced) == spaced.replace("idencebased", "idence-based")


def test_ligature_glyphs_become_their_letters_and_nothing_else_changes() -> None:
    from extract.text.clean import clean_text

    assert clean_text("signi\ufb01cant e\ufb00ect, Gri\ufb03ths, \ufb02uid") == "significant effect, Griffiths, fluid"
    assert clean_text("Æsop’s coöperation ≥3") == "Æsop’s coöperation ≥3"

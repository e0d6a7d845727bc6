"""Field normalization: author / year / reference splitting, design labels, dates, counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extract.text.clean import clean_text

# --- author, year, reference ---------------------------------------------------------------


@dataclass(frozen=True)
class AuthorYearRef:
    """An author cell split into its parts; `rest` keeps anything that is none of them."""

    first_author: str | None
    year: int | None
    year_suffix: str = ""
    ref_no: int | None = None
    rest: str = ""


_ET_AL = r"et\.?\s*al\.?"
_YEAR = r"(?:19|20)\d{2}"
_AUTHOR_CELL = re.compile(
    rf"""
    ^(?P<name>[^\d()\[\];]+?)
    (?:\s*,?\s*{_ET_AL})?
    (?P<name_ref>\d{{1,3}})?
    \s*[,;]?\s*
    (?P<open>[(\[])?\s*
    (?P<year>{_YEAR})(?P<suffix>[a-z])?
    (?P<glued_ref>\d{{1,3}})?
    \s*(?(open)[)\]])
    (?P<after>.*)$
    """,
    re.VERBOSE | re.DOTALL,
)
_REF_AFTER_YEAR = re.compile(r"^\s*(?:\[(\d{1,3})\]|\((\d{1,3})\)|(\d{1,3}))(?!\d)(?P<rest>.*)$", re.DOTALL)
_TRAILING_ET_AL = re.compile(rf"^\s*,?\s*{_ET_AL}(?P<rest>.*)$", re.DOTALL)
_LINE_BREAK_HYPHEN = re.compile(r"-[ \t]*\n\s*")
_INITIALS = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.\s?){1,3})$")
_CO_AUTHOR = re.compile(r"(?:,|\s+(?:and|&)\s).*$")


def split_author_year_ref(text: str) -> AuthorYearRef:
    """Split `Smith (2016)2`, `Smith et al., 2019`, `Jones, 20171` into their parts.

    The first author is the surname as printed: `et al.`, co-authors after a comma, `and` or
    `&`, and initials written before or after the surname (`Smith JA`, `J. Smith`) are left
    out. A reference number is a 1–3 digit number glued to the name (`Smith et al.3`), glued
    to the year (`20171` is 2017 and ref 1), or printed after the year bare, in brackets or in
    parentheses. Text with no 19xx/20xx year keeps everything in `rest`.
    """
    flat = " ".join(_LINE_BREAK_HYPHEN.sub("-", text).split())
    match = _AUTHOR_CELL.match(flat)
    if match is None:
        return AuthorYearRef(first_author=None, year=None, rest=flat)
    ref_no, rest = _ref_and_rest(match)
    return AuthorYearRef(
        first_author=surname(match["name"]),
        year=int(match["year"]),
        year_suffix=match["suffix"] or "",
        ref_no=ref_no,
        rest=rest,
    )


def _ref_and_rest(match: re.Match[str]) -> tuple[int | None, str]:
    """Find the reference number wherever the cell printed it, and what text is left over."""
    after = match["after"]
    et_al = _TRAILING_ET_AL.match(after)
    if et_al:
        after = et_al["rest"]
    for glued in (match["name_ref"], match["glued_ref"]):
        if glued:
            return int(glued), after.strip()
    trailing = _REF_AFTER_YEAR.match(after)
    if trailing:
        number = next(group for group in trailing.groups()[:3] if group)
        return int(number), trailing["rest"].strip()
    return None, after.strip()


def surname(name: str) -> str:
    """Reduce a printed author name to the first author's surname as printed."""
    name = _CO_AUTHOR.sub("", name).strip(" ,.;")
    words = name.split()
    while len(words) > 1 and _INITIALS.match(words[-1].rstrip(",")):
        words.pop()
    while len(words) > 1 and _INITIALS.match(words[0]):
        words.pop(0)
    return " ".join(words).strip(" ,")


# A paragraph that opens by stating the authors' conclusion: how a combined "Findings and
# Conclusions" cell marks where its findings end ("The authors concluded that…", "Authors'
# conclusion: …", "The authors suggested…", "Conclusion — …", "In conclusion, …").
CONCLUSION_LEAD = re.compile(
    r"^(?:(?:the\s+)?(?:study\s+|review\s+|trial\s+)?(?:authors?|investigators|reviewers|researchers)['’]?\s+"
    r"(?:conclu\w*|suggest\w*|stat(?:ed|e)\b|recommend\w*|propos\w*|believe\w*|indicat\w*|advis\w*|call(?:ed)?\s+for)"
    r"|(?:authors?['’]?\s+)?conclusions?\s*[:—–-]|in\s+conclusion\b)",
    re.IGNORECASE,
)
# The label such a paragraph may open with: a heading inside the cell, not part of the conclusion.
CONCLUSION_LABEL = re.compile(r"^\s*(?:authors?['’]?\s+)?conclusions?\s*[:—–-]\s*", re.IGNORECASE)


# --- designs -------------------------------------------------------------------------------

DESIGNS = (
    "health_technology_assessment",
    "systematic_review",
    "meta_analysis",
    "randomized_controlled_trial",
    "non_randomized_study",
    "prospective_observational",
    "retrospective_observational",
    "guideline",
    "economic_evaluation",
    "other",
)

MAX_LABEL_WORDS = 15

_NON_RANDOMIZED = r"non[- ]?randomi[sz]ed"
_DESIGN_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("health_technology_assessment", (r"health technology assessments?", r"htas?")),
    ("systematic_review", (
        r"systematic(?: literature)? reviews?",
        r"overviews? of (?:systematic )?reviews",
        r"umbrella reviews?",
    )),
    ("meta_analysis", (r"meta[- ]?analy[sz][ie]s",)),
    ("guideline", (r"guidelines?", r"consensus statements?", r"practice recommendations")),
    ("economic_evaluation", (
        r"economic (?:evaluations?|analys[ie]s|stud(?:y|ies))",
        r"cost[- ](?:effectiveness|utility|benefit|minimi[sz]ation|consequences?)",
        r"cost analys[ie]s",
    )),
    ("prospective_observational", (
        rf"prospective\b.*\b(?:{_NON_RANDOMIZED}|observational|cohorts?|stud(?:y|ies)|series|registry)",
    )),
    ("retrospective_observational", (r"retrospective", r"case[- ]control", r"chart reviews?")),
    ("non_randomized_study", (_NON_RANDOMIZED, r"quasi[- ]?experimental", r"before[- ]and[- ]after")),
    ("randomized_controlled_trial", (r"randomi[sz]ed", r"rcts?")),
    ("non_randomized_study", (
        r"observational", r"cohorts?", r"cross[- ]sectional", r"controlled (?:clinical )?trials?",
    )),
    ("other", (
        r"case (?:series|reports?)", r"qualitative", r"mixed[- ]methods?", r"surveys?",
        r"diagnostic (?:accuracy )?stud(?:y|ies)", r"other (?:studies|designs|study designs)",
        r"clinical trials?",
    )),
)
_DESIGN_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (design, re.compile("|".join(rf"\b{phrase}\b" for phrase in phrases)))
    for design, phrases in _DESIGN_PHRASES
)


def normalize_label(label: str) -> str:
    """Clean a printed label and lower-case it, so matching survives spacing artifacts and case."""
    return clean_text(label).lower().replace("–", "-").replace("‐", "-")


def design_for_label(label: str) -> str | None:
    """Map a printed design heading or Study Design cell to the contract's `design` value.

    The most specific design named wins: an HTA, a systematic review (also "and
    meta-analyses"), a meta-analysis, a guideline, an economic evaluation, a prospective or
    retrospective study (a retrospective non-randomized study is retrospective), a
    non-randomized study, a randomized trial, then observational designs. Text longer than
    MAX_LABEL_WORDS words is prose, not a label, and gives None.
    """
    normalized = normalize_label(label)
    if not normalized or len(normalized.split()) > MAX_LABEL_WORDS:
        return None
    return next((design for design, rule in _DESIGN_RULES if rule.search(normalized)), None)


_HEADING_VOCABULARY = frozenset(
    """
    health technology assessment assessments hta htas systematic literature review reviews
    overview overviews umbrella of meta-analysis meta-analyses metaanalysis metaanalyses meta
    analysis analyses randomized randomised controlled clinical trial trials rct rcts
    non-randomized non-randomised nonrandomized nonrandomised non prospective retrospective
    observational study studies cohort cohorts case-control case control series chart
    guideline guidelines practice evidence-based consensus statement statements economic
    evaluation evaluations cost-effectiveness cost-utility cost-benefit cost effectiveness
    utility cross-sectional quasi-experimental before-and-after comparative single-arm
    uncontrolled crossover cluster network and or with other designs
    """.split()
)


def is_design_heading(text: str) -> bool:
    """Tell whether a short text is only a design label (a group heading), not prose naming one."""
    words = re.findall(r"[\w'-]+|[^\w\s]", normalize_label(text))
    if not words or len(words) > 10:
        return False
    if not all(word in _HEADING_VOCABULARY or word in {",", "&", "/", "(", ")"} for word in words):
        return False
    return design_for_label(text) is not None


def names_a_group(text: str) -> bool:
    """Tell a group heading (`Randomized Controlled Trials`, `Case Series`) from a Study Design
    cell (`Randomized controlled trial`, `Case series`): a heading names its studies in the
    plural or in title case; a cell names one study's design in sentence case."""
    words = re.findall(r"[^\W\d_]+", clean_text(text))
    if not words:
        return False
    last = words[-1].lower()
    plural = last.endswith("s") and not last.endswith(("ss", "sis", "us", "series"))
    title_case = len(words) > 1 and all(word[0].isupper() for word in words if len(word) > 3)
    return plural or title_case


# --- dates and numbers ---------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_GROUP = r"(?P<year>\d{4})"
_DATE_FORMS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"{_MONTH}\s+{_DAY},?\s+{_YEAR_GROUP}",
        rf"{_DAY}\s+{_MONTH},?\s+{_YEAR_GROUP}",
        r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})",
        rf"{_MONTH},?\s+{_YEAR_GROUP}",
    )
)


# Dates as prose prints them, for finding one in a sentence (parse_date reads what was found).
MONTH_PATTERN = (
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_PATTERN = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{MONTH_PATTERN}\s+\d{{4}}|{MONTH_PATTERN}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|{MONTH_PATTERN},?\s+\d{{4}}|\b\d{{4}})\b"
)
CALENDAR_DATE = re.compile(
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{MONTH_PATTERN}\s+\d{{4}}|{MONTH_PATTERN}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|{MONTH_PATTERN},?\s+\d{{4}})",
    re.IGNORECASE,
)


def parse_date(text: str) -> date | None:
    """Read a printed date (`January 1, 2012`, `1 January 2012`, `2017-10-26`, `Jan 2012`).

    A month without a day is its first day. A year alone is not a date and gives None, as
    does anything that is not a real calendar date.
    """
    flat = " ".join(text.split()).strip(" .,;:()")
    for form in _DATE_FORMS:
        match = form.fullmatch(flat)
        if match:
            return _calendar_date(match)
    return None


def _calendar_date(match: re.Match[str]) -> date | None:
    """Build a date from matched year, month (name or number) and optional day."""
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
    day = int(match.groupdict().get("day") or 1)
    if month is None:
        return None
    try:
        return date(int(match["year"]), month, day)
    except ValueError:
        return None


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {word: value for value, word in enumerate(_UNITS)} | {
    word: 20 + 10 * index for index, word in enumerate(_TENS)
}
_COMPOUND_NUMBER = re.compile(rf"({'|'.join(_TENS)})[- –]({'|'.join(_UNITS[1:10])})")


def parse_number(word: str) -> int | None:
    """Read a count printed in digits or words from zero to ninety-nine (`twenty-one`)."""
    flat = " ".join(word.split()).lower()
    if flat.isdigit() and flat.isascii():
        return int(flat)
    if flat in NUMBER_WORDS:
        return NUMBER_WORDS[flat]
    compound = _COMPOUND_NUMBER.fullmatch(flat)
    if compound:
        return NUMBER_WORDS[compound[1]] + NUMBER_WORDS[compound[2]]
    return None


# --- declared counts and citation ranges ---------------------------------------------------

_COUNT_WORD = (
    rf"\d{{1,3}}|(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS[1:10])}))?|{'|'.join(_UNITS)}|no"
)
_DESIGN_HEAD = re.compile(
    r"reviews?|meta-analy[sz][ie]s|metaanaly[sz][ie]s|trials?|rcts?|studies|study|assessments?"
    r"|htas?|guidelines?|evaluations?|analy[sz][ie]s|cohorts?|series",
    re.IGNORECASE,
)
MAX_PHRASE_WORDS = 7
_COUNT = re.compile(
    rf"(?<![\w-])(?P<count>{_COUNT_WORD})(?=(?P<tail>(?:\s+[A-Za-z][A-Za-z-]*){{1,{MAX_PHRASE_WORDS}}}))",
    re.IGNORECASE,
)
_TAIL_WORD = re.compile(r"\s+([A-Za-z][A-Za-z-]*)")
_FILLER_WORDS = frozenset(
    "relevant additional eligible included published potentially new unique separate primary "
    "recent further other".split()
)
_CITED_ITEM = r"\d{1,4}(?:\s?[-–]\s?\d{1,4})?"
_CITATION_LIST = re.compile(
    rf"(?:,|\s)?\s?[\[(]?(?P<cites>{_CITED_ITEM}(?:\s?,\s?{_CITED_ITEM})*)[\])]?(?![\w%.])"
)
MAX_CITATION_RANGE = 500


@dataclass(frozen=True)
class CountedDesign:
    """A `<count> <design phrase>` found in a sentence, with where the phrase ends."""

    design: str
    count: int
    start: int
    end: int


def counted_designs(sentence: str) -> list[CountedDesign]:
    """Find each `<count> <design phrase>` in a sentence, taking the longest phrase that is a design label."""
    found = []
    for match in _COUNT.finditer(sentence):
        count = 0 if match["count"].lower() == "no" else parse_number(match["count"])
        phrase_end = _design_phrase_end(match["tail"])
        if count is None or phrase_end is None:
            continue
        offset, design = phrase_end
        found.append(CountedDesign(design, count, match.start(), match.end() + offset))
    return found


def _design_phrase_end(tail: str) -> tuple[int, str] | None:
    """The end offset and design of the longest run of tail words that is a design label."""
    words = list(_TAIL_WORD.finditer(tail))
    for size in range(len(words), 0, -1):
        kept = [word[1] for word in words[:size] if word[1].lower() not in _FILLER_WORDS]
        if not kept or not _DESIGN_HEAD.fullmatch(words[size - 1][1]):
            continue
        phrase = " ".join(kept)
        design = design_for_label(phrase) if is_design_heading(phrase) else None
        if design is not None:
            return words[size - 1].end(), design
    return None


def declared_counts(sentence: str) -> dict[str, int]:
    """Study counts a sentence declares per design (`Five systematic reviews` → 5), summed per design."""
    counts: dict[str, int] = {}
    for counted in counted_designs(clean_text(sentence)):
        counts[counted.design] = counts.get(counted.design, 0) + counted.count
    return counts


def citation_ranges(sentence: str) -> dict[str, tuple[int, ...]]:
    """Reference numbers cited right after each counted design (`reviews,2-5`), merged per design."""
    cleaned = clean_text(sentence)
    counted = counted_designs(cleaned)
    count_starts = {item.start for item in counted}
    merged: dict[str, set[int]] = {}
    for item in counted:
        cited = _CITATION_LIST.match(cleaned, item.end)
        if cited is None or any(item.end <= start < cited.end() for start in count_starts):
            continue
        merged.setdefault(item.design, set()).update(reference_numbers(cited["cites"]))
    return {design: tuple(sorted(numbers)) for design, numbers in merged.items() if numbers}


def reference_numbers(cites: str) -> tuple[int, ...]:
    """Expand a printed citation list such as `3,5,7-9` into its reference numbers."""
    numbers: set[int] = set()
    for item in re.split(r"\s?,\s?", cites.strip()):
        bounds = [int(part) for part in re.split(r"\s?[-–]\s?", item) if part]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= MAX_CITATION_RANGE:
            numbers.update(range(bounds[0], bounds[1] + 1))
        else:
            numbers.update(bounds)
    return tuple(sorted(numbers))

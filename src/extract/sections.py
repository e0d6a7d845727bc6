"""Report metadata from a document's blocks: title, date, questions, search, counts, criteria.

Block boundaries differ between text and PDF input, so the blocks are read as one stream of
lines and sections are found by their headings. All cleanup is delegated to `extract.text`;
dates, design labels, declared counts and citation ranges to `extract.fields`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from extract import fields
from extract.model import Document, ReportMeta
from extract.text import clean_text


@dataclass(frozen=True)
class Line:
    """One non-blank printed line and the block it came from, so paragraph breaks stay visible."""

    text: str
    block_index: int


@dataclass(frozen=True)
class Heading:
    """A section heading (`key` names the section) or a table caption (`key` is `table`)."""

    key: str
    line_no: int
    caption: str = ""


TABLE_CAPTION = "table"

# Section key → the heading as printed, matched whole after numbering and page-break artifacts
# are stripped, lower-cased and with spaces removed (PDF character spacing splits headings:
# `Ov erall Summary`). Every heading also ends the section before it.
SECTION_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern.replace(" ", "")))
    for key, pattern in (
        ("research_questions", r"research questions?"),
        ("key_findings", r"key (?:findings|messages)"),
        ("context", r"context(?: and policy issues)?"),
        ("methods", r"(?:literature search )?methods"),
        ("selection_criteria", r"selection criteria(?: and methods)?"),
        ("results", r"results|summary of evidence"),
        ("summary_of_findings", r"(?:overall )?summary of findings"),
        ("limitations", r"limitations"),
        ("conclusions", r"conclusions?(?: and implications for decision or policy making)?"),
        ("references", r"references(?: summarized)?"),
        ("appendix", r"appendi(?:x|ces)\d*(?:[:.\-–—].*)?"),
        ("abbreviations", r"abbreviations?"),
    )
)

LEADING_ARTIFACTS = re.compile(r"^[^\w(]+")
LEADING_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")
CAPTION = re.compile(r"Table\s+\d+[A-Za-z]?(?:\s*[:.\-–—]\s*|\s*\(|\s+|$)(?P<title>.*)")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
QUESTION_BREAK = re.compile(r"(?<=\?)\s+(?=[A-Z])")
LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s+")
BULLET_GLYPHS = "\uf0b7\uf0a7\uf0d8\uf076\u2022\u25aa\u25cf\u25e6\u2023\u2043\u25a0\u27a2"
BULLET_START = re.compile(rf"^\s*[{BULLET_GLYPHS}]\s*")
LONE_BULLET = re.compile(rf"\s*[{BULLET_GLYPHS}]\s*")

MONTH = (
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|{MONTH},?\s+\d{{4}}|\b\d{{4}})\b"
)
CALENDAR_DATE = re.compile(
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|{MONTH},?\s+\d{{4}})",
    re.IGNORECASE,
)
LABELLED_PUBLICATION_DATE = re.compile(
    rf"(?:\bPublication Date|\bPublished(?: on)?|^\s*Date)\s*:\s*(?P<date>{DATE})",
    re.IGNORECASE | re.MULTILINE,
)
COVER_METADATA = re.compile(
    r"^\s*(?:Service Line|Publication Date|Published|Date|Version|Report Length|Cite As)\s*:",
    re.IGNORECASE,
)
TITLE_LABEL = re.compile(r"^\s*Title\s*:\s*", re.IGNORECASE)

SEARCH_WINDOWS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\bbetween\s+(?P<start>{DATE})\s+and\s+(?P<end>{DATE})",
        rf"\bfrom\s+(?P<start>{DATE})\s+(?:to|until|through)\s+(?P<end>{DATE})",
        rf"\b(?:since|after|from)\s+(?P<start>{DATE})",
    )
)
SEARCH_SENTENCE = re.compile(r"publish|search|limit|restrict", re.IGNORECASE)

LANGUAGE_NAMES = (
    "English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch", "Chinese",
    "Japanese", "Korean", "Russian", "Arabic", "Swedish", "Danish", "Norwegian", "Finnish",
    "Polish", "Turkish", "Hebrew", "Greek",
)
LANGUAGE = re.compile(r"\b(" + "|".join(LANGUAGE_NAMES) + r")\b")
LANGUAGE_SENTENCE = re.compile(r"language|limited to|restricted to", re.IGNORECASE)

RESOURCE_LIST = re.compile(
    r"\b(?:resources|databases|sources)\s*(?:including|such as|:)\s+(?P<list>.+?)(?:\.\s|\.?$)",
    re.IGNORECASE,
)
RESOURCE_SEPARATOR = re.compile(r",\s*(?:and\s+)?")
SUPPLEMENTARY_SEARCH = re.compile(r",?\s+as well as\s+.*$")
NONE_IDENTIFIED = re.compile(
    r"\bNo\s+(?:relevant\s+|eligible\s+|additional\s+)?(?P<labels>[A-Za-z][A-Za-z ,\-]*?)\s+"
    r"(?:were|was)\s+(?:identified|found|included|retrieved)",
)
LABEL_SEPARATOR = re.compile(r",\s*(?:or\s+|and\s+)?|\s+(?:or|and)\s+")

PRINTED_CRITERION_LABELS: Mapping[str, str] = {
    "population": "population",
    "populations": "population",
    "patients": "population",
    "participants": "population",
    "population/patients": "population",
    "intervention": "intervention",
    "interventions": "intervention",
    "intervention(s)": "intervention",
    "comparator": "comparator",
    "comparators": "comparator",
    "comparator(s)": "comparator",
    "comparison": "comparator",
    "comparisons": "comparator",
    "control": "comparator",
    "outcome": "outcomes",
    "outcomes": "outcomes",
    "outcome(s)": "outcomes",
    "study design": "study_designs",
    "study designs": "study_designs",
    "study design(s)": "study_designs",
    "study type": "study_designs",
    "study types": "study_designs",
    "types of studies": "study_designs",
    "type of studies": "study_designs",
    "types of study": "study_designs",
}
# The labels as compared: lower-case, spaces removed (see `squash`).
CRITERION_LABELS: Mapping[str, str] = {
    label.replace(" ", ""): criterion for label, criterion in PRINTED_CRITERION_LABELS.items()
}
INLINE_CRITERION = re.compile(r"^(?P<label>[A-Za-z/() ]{4,20}?)\s*:\s*(?P<text>\S.*)$")
SELECTION_CAPTION = re.compile(r"\(?\s*(?:selection|inclusion|eligibility) criteria", re.I)

ABBREVIATION_PAIR = re.compile(
    r"^\s*(?P<abbr>[^=:;]{1,15}?)\s*(?:=|:|\s–\s|\s—\s)\s*(?P<expansion>\S.*?)\s*$"
)
COLUMN_GAP = re.compile(r"\t+|\s{2,}")
ABBREVIATION_START = re.compile(r"^\s*(?P<abbr>[^=:;\s][^=:;]{0,14}?)\s*(?:=|:)\s")
ABBREVIATIONS_PREFIX = re.compile(r"^\s*Abbreviations?\s*:\s*", re.IGNORECASE)


def report_meta(doc: Document) -> ReportMeta:
    """Read what a report says about itself, so its tables can be checked against it."""
    lines = document_lines(doc)
    headings = find_headings(lines)
    methods = section_text(section_lines(lines, headings, "methods"))
    key_findings = section_text(section_lines(lines, headings, "key_findings"))
    results_intro = section_text(section_lines(lines, headings, "results"))
    summary = section_text(section_lines(lines, headings, "summary_of_findings"))
    search_start, search_end = search_window(methods)
    return ReportMeta(
        title=report_title(front_lines(lines, headings)),
        publication_date=publication_date(lines, headings),
        research_questions=research_questions(section_lines(lines, headings, "research_questions")),
        search_start=search_start,
        search_end=search_end,
        languages=languages(methods),
        databases=databases(methods),
        declared_counts=declared_study_counts(key_findings, results_intro),
        summary_counts=summary_counts(summary),
        citation_ranges=summary_citation_ranges(summary),
        selection_criteria=selection_criteria(selection_lines(lines, headings)),
        abbreviations=report_abbreviations(doc, section_lines(lines, headings, "abbreviations")),
    )


# --- lines, headings, sections -------------------------------------------------------------


def document_lines(doc: Document) -> tuple[Line, ...]:
    """Flatten the blocks into non-blank lines; form feeds and other breaks end a line."""
    return tuple(
        Line(text, block.index)
        for block in doc.blocks
        for text in block.text.splitlines()
        if text.strip()
    )


def heading_text(line: str) -> str:
    """A line stripped of page-break artifacts, bullets, numbering and a trailing colon."""
    text = LEADING_ARTIFACTS.sub("", line.strip())
    text = LEADING_NUMBERING.sub("", text)
    return " ".join(text.rstrip(": ").split())


def squash(text: str) -> str:
    """Lower-case text without whitespace, for labels whose letters PDF spacing pulled apart."""
    return "".join(text.split()).lower()


def section_key(line: str) -> str | None:
    """The section a heading line opens, or None for any other line."""
    text = heading_text(line)
    if not text or not text[0].isupper():
        return None
    squashed = squash(text)
    return next((key for key, pattern in SECTION_HEADINGS if pattern.fullmatch(squashed)), None)


def caption_title(line: str) -> str | None:
    """The title of a table caption line (`Table 1: Selection Criteria`), or None."""
    match = CAPTION.fullmatch(heading_text(line))
    if match is None:
        return None
    title = match["title"].strip(" ()")
    return title if is_title_like(title) else None


def is_title_like(title: str) -> bool:
    """Tell a caption's title from prose that merely starts with `Table 2`, by its capitals."""
    if title.endswith((".", ",", ";")):
        return False
    long_words = [word for word in title.split() if len(word) > 3]
    capitalised = [word for word in long_words if word[0].isupper()]
    return len(capitalised) * 3 >= len(long_words) * 2


def find_headings(lines: Sequence[Line]) -> tuple[Heading, ...]:
    """Every section heading and table caption, in reading order."""
    headings = []
    for line_no, line in enumerate(lines):
        key = section_key(line.text)
        caption = None if key else caption_title(line.text)
        if key:
            headings.append(Heading(key, line_no))
        elif caption is not None:
            headings.append(Heading(TABLE_CAPTION, line_no, caption))
    return tuple(headings)


def lines_after(
    lines: Sequence[Line], headings: Sequence[Heading], start: Heading
) -> tuple[Line, ...]:
    """The lines between a heading and the next heading or caption."""
    end = next((h.line_no for h in headings if h.line_no > start.line_no), len(lines))
    return tuple(lines[start.line_no + 1 : end])


def section_lines(
    lines: Sequence[Line], headings: Sequence[Heading], key: str
) -> tuple[Line, ...]:
    """The body of the first section with this key (later matches are table header cells)."""
    start = next((h for h in headings if h.key == key), None)
    return () if start is None else lines_after(lines, headings, start)


def front_lines(lines: Sequence[Line], headings: Sequence[Heading]) -> tuple[Line, ...]:
    """The cover lines before the first heading; none when no heading was found."""
    return tuple(lines[: headings[0].line_no]) if headings else ()


def section_text(lines: Sequence[Line]) -> str:
    """A section's prose as one cleaned paragraph."""
    return clean_text("\n".join(line.text for line in lines)) if lines else ""


def sentences(text: str) -> tuple[str, ...]:
    """Split cleaned prose into sentences, at a stop followed by a capital."""
    return tuple(part.strip() for part in SENTENCE_BREAK.split(text) if part.strip())


# --- title and publication date ------------------------------------------------------------


def is_cover_metadata(text: str) -> bool:
    """A cover line that is a date or a labelled fact, not part of the title."""
    return bool(COVER_METADATA.match(text) or CALENDAR_DATE.fullmatch(text.strip()))


def is_banner(text: str) -> bool:
    """An all-capitals series line (`RAPID RESPONSE REPORT`) printed above the title."""
    letters = [ch for ch in TITLE_LABEL.sub("", text) if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and not TITLE_LABEL.match(text)


def front_blocks(front: Sequence[Line]) -> list[list[Line]]:
    """The cover lines grouped back into their blocks."""
    blocks: list[list[Line]] = []
    for line in front:
        if not blocks or blocks[-1][-1].block_index != line.block_index:
            blocks.append([])
        blocks[-1].append(line)
    return blocks


def title_lines(block: Sequence[Line]) -> list[str]:
    """A cover block's lines up to its first date or labelled fact, `TITLE:` label removed."""
    kept: list[str] = []
    for line in block:
        if is_cover_metadata(line.text):
            break
        kept.append(TITLE_LABEL.sub("", line.text))
    return kept


def report_title(front: Sequence[Line]) -> str | None:
    """The first cover block that is neither a series banner nor a date or labelled fact."""
    for block in front_blocks(front):
        lines = [] if is_banner(block[0].text) else title_lines(block)
        if lines:
            return clean_text("\n".join(lines)) or None
    return None


def publication_date(lines: Sequence[Line], headings: Sequence[Heading]) -> date | None:
    """A labelled publication date anywhere, else a bare date line on the cover."""
    labelled = LABELLED_PUBLICATION_DATE.search("\n".join(line.text for line in lines))
    if labelled:
        return fields.parse_date(labelled["date"])
    cover_dates = (
        line.text.strip()
        for line in front_lines(lines, headings)
        if CALENDAR_DATE.fullmatch(line.text.strip())
    )
    first = next(cover_dates, None)
    return fields.parse_date(first) if first else None


# --- research questions --------------------------------------------------------------------


def starts_question(line: Line, previous: Line | None) -> bool:
    """A list marker, or a new block after a finished sentence (not a page-broken one)."""
    if previous is None or LIST_MARKER.match(line.text) or BULLET_START.match(line.text):
        return True
    finished = previous.text.rstrip().endswith(("?", ".", ":"))
    return finished and line.block_index != previous.block_index


def question_items(section: Sequence[Line]) -> list[list[str]]:
    """Group a section's lines into items, one per numbered, bulleted or separate question."""
    items: list[list[str]] = []
    previous: Line | None = None
    for line in section:
        if starts_question(line, previous):
            items.append([])
        items[-1].append(BULLET_START.sub("", LIST_MARKER.sub("", line.text)))
        previous = line
    return items


def research_questions(section: Sequence[Line]) -> tuple[str, ...]:
    """Each research question on one cleaned line, wrapped lines joined, lead-ins left out."""
    cleaned = (clean_text("\n".join(item)) for item in question_items(section))
    questions = (q.strip() for text in cleaned for q in QUESTION_BREAK.split(text))
    return tuple(q for q in questions if q and not q.endswith(":"))


# --- search window, languages, databases ---------------------------------------------------


def search_window(methods: str) -> tuple[date | None, date | None]:
    """The publication window of the literature search, from the first sentence stating one."""
    for sentence in sentences(methods):
        if not SEARCH_SENTENCE.search(sentence):
            continue
        for pattern in SEARCH_WINDOWS:
            match = pattern.search(sentence)
            if match:
                end = match.groupdict().get("end")
                return window_start(match["start"]), window_end(end) if end else None
    return None, None


def window_start(text: str) -> date | None:
    """A window's first day: `2012` is January 1, `March 2020` its first day."""
    year_only = re.fullmatch(r"\d{4}", text.strip())
    return date(int(text), 1, 1) if year_only else fields.parse_date(text)


def window_end(text: str) -> date | None:
    """A window's last day: `2017` is December 31, `October 2017` is October 31."""
    if re.fullmatch(r"\d{4}", text.strip()):
        return date(int(text), 12, 31)
    day = fields.parse_date(text)
    has_day = bool(re.search(r"\b\d{1,2}\b", text))
    if day is None or has_day:
        return day
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def languages(methods: str) -> tuple[str, ...]:
    """Languages the search was limited to, in the order the Methods name them."""
    named = (
        match.group(1)
        for sentence in sentences(methods)
        if LANGUAGE_SENTENCE.search(sentence)
        for match in LANGUAGE.finditer(sentence)
    )
    return tuple(dict.fromkeys(named))


def split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split at separators outside parentheses, so `(CRD, DARE)` stays one item."""
    parts, depth, start = [], 0, 0
    for match in separator.finditer(text):
        depth = text.count("(", 0, match.start()) - text.count(")", 0, match.start())
        if depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def split_final_pair(item: str) -> list[str]:
    """Split a last list item `Embase and PubMed` at its first `and` between capitalised names."""
    left, sep, right = item.partition(" and ")
    balanced = left.count("(") == left.count(")")
    if sep and balanced and left[:1].isupper() and right[:1].isupper():
        return [left.strip(), right.strip()]
    return [item]


def databases(methods: str) -> tuple[str, ...]:
    """The searched resources as printed, split on commas and a final `and`.

    Items keep their words as printed, articles included (`The Cochrane Library`). What follows
    `as well as` (`a focused Internet search`) is a search activity, not a resource, and is
    left out. An `and` inside an item is split only in a final `Name and Name` pair.
    """
    match = RESOURCE_LIST.search(methods)
    if match is None:
        return ()
    listed = SUPPLEMENTARY_SEARCH.sub("", match["list"].rstrip(". "))
    items = split_top_level(listed, RESOURCE_SEPARATOR)
    has_final_conjunction = bool(re.search(r",\s*and\s", listed))
    if items and not has_final_conjunction:
        items = items[:-1] + split_final_pair(items[-1])
    return tuple(re.sub(r"^(?:and|or)\s+", "", item) for item in items)


# --- declared counts and citation ranges ---------------------------------------------------


def declaring_counts(text: str) -> dict[str, int]:
    """Counts from the first sentence that declares at least one included study."""
    for sentence in sentences(text):
        counts = fields.declared_counts(sentence)
        if any(count > 0 for count in counts.values()):
            return dict(counts)
    return {}


def absent_designs(text: str) -> tuple[str, ...]:
    """Designs the text says none were found of (`No relevant health technology assessments`)."""
    designs = []
    for match in NONE_IDENTIFIED.finditer(text):
        for label in split_top_level(match["labels"], LABEL_SEPARATOR):
            design = fields.design_for_label(label) if len(label.split()) <= 6 else None
            if design and design != "other":
                designs.append(design)
    return tuple(dict.fromkeys(designs))


def declared_study_counts(key_findings: str, results_intro: str) -> dict[str, int]:
    """Study counts the report declares, Key Findings first, with zero for designs found absent."""
    counts = declaring_counts(key_findings) or declaring_counts(results_intro)
    zeros = absent_designs(f"{key_findings} {results_intro}")
    return {**counts, **{design: 0 for design in zeros if design not in counts}}


def summary_counts(summary: str) -> dict[str, int]:
    """Study counts of the summary of findings, summed over its sentences."""
    totals: dict[str, int] = {}
    for sentence in sentences(summary):
        for design, count in fields.declared_counts(sentence).items():
            totals[design] = totals.get(design, 0) + count
    return totals


def summary_citation_ranges(summary: str) -> dict[str, tuple[int, ...]]:
    """Reference numbers cited per design in the summary of findings, merged and sorted."""
    merged: dict[str, set[int]] = {}
    for sentence in sentences(summary):
        for design, refs in fields.citation_ranges(sentence).items():
            merged.setdefault(design, set()).update(refs)
    return {design: tuple(sorted(refs)) for design, refs in merged.items()}


# --- selection criteria --------------------------------------------------------------------


def selection_lines(lines: Sequence[Line], headings: Sequence[Heading]) -> tuple[Line, ...]:
    """The selection criteria table's lines, or the Selection Criteria section without one."""
    caption = next(
        (h for h in headings if h.key == TABLE_CAPTION and SELECTION_CAPTION.match(h.caption)),
        None,
    )
    if caption is not None:
        return lines_after(lines, headings, caption)
    return section_lines(lines, headings, "selection_criteria")


def criterion_label(line: str) -> tuple[str, str] | None:
    """The criterion a row label names, with any text printed after `Label:` on its line."""
    whole = CRITERION_LABELS.get(squash(heading_text(line)))
    if whole:
        return whole, ""
    inline = INLINE_CRITERION.match(line.strip())
    criterion = CRITERION_LABELS.get(squash(inline["label"])) if inline else None
    return (criterion, inline["text"]) if inline and criterion else None


def criteria_rows(lines: Sequence[Line]) -> dict[str, list[str]]:
    """The value lines under each criterion label; lines before the first label are prose."""
    rows: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        label = criterion_label(line.text)
        if label and label[0] not in rows:
            current = label[0]
            rows[current] = [label[1]] if label[1] else []
        elif current is not None:
            rows[current].append(line.text)
    return rows


def marked_items(value_lines: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Split a cell into its lead-in lines and the items that start at a bullet or indent.

    An item starts at a bullet glyph or, after the first line, at an indented line: text
    extraction often drops the private-use bullet glyph and leaves only its space.
    """
    lead: list[str] = []
    items: list[list[str]] = []
    for position, text in enumerate(value_lines):
        starts_item = bool(BULLET_START.match(text)) or (position > 0 and text[:1].isspace())
        if starts_item:
            items.append([BULLET_START.sub("", text).strip()])
        elif items:
            items[-1].append(text)
        else:
            lead.append(text)
    return lead, items


def bullet_items(value_lines: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Lead-in lines and bullet items, also when the glyphs were read apart from their text.

    A PDF can yield the glyphs as lines of their own; when there are exactly as many lines
    after a lead-in ending in `:` as detached glyphs, each of those lines is one item.
    """
    lines = [text for text in value_lines if not LONE_BULLET.fullmatch(text)]
    detached = len(value_lines) - len(lines)
    lead, items = marked_items(lines)
    split_at = len(lead) - detached
    if detached and not items and split_at > 0 and lead[split_at - 1].rstrip().endswith(":"):
        return lead[:split_at], [[text] for text in lead[split_at:]]
    return lead, items


def criterion_text(value_lines: Sequence[str]) -> str:
    """A criterion cell as one cleaned line, bullet items joined with `; ` after the lead-in."""
    lead_lines, item_lines = bullet_items(value_lines)
    lead = clean_text("\n".join(lead_lines)) if lead_lines else ""
    items = [text for text in (clean_text("\n".join(item)) for item in item_lines) if text]
    if not items:
        return lead
    if not lead:
        return "; ".join(items)
    return f"{lead} {'; '.join(items)}" if lead.endswith(":") else f"{lead}; {'; '.join(items)}"


def selection_criteria(lines: Sequence[Line]) -> dict[str, str]:
    """Table 1's rows keyed by contract criterion, cleaned."""
    texts = {criterion: criterion_text(value) for criterion, value in criteria_rows(lines).items()}
    return {criterion: text for criterion, text in texts.items() if text}


# --- abbreviations -------------------------------------------------------------------------


def looks_like_abbreviation(key: str) -> bool:
    """A short key with at least two capitals (`AE`, `HbA1c`) or of at most four letters (`vs`)."""
    letters = key.replace(" ", "")
    capitals = sum(ch.isupper() for ch in letters)
    return 0 < len(letters) <= 12 and len(key.split()) <= 2 and (capitals >= 2 or len(letters) <= 4)


def abbreviation_pairs(text: str, minimum_pairs: int) -> dict[str, str]:
    """`X = y; Z = w` (or `X: y`) as a mapping, empty unless every part is such a pair."""
    cleaned = clean_text(ABBREVIATIONS_PREFIX.sub("", text))
    parts = [part for part in cleaned.split(";") if part.strip()]
    pairs = [ABBREVIATION_PAIR.match(part) for part in parts]
    if len(parts) < minimum_pairs or not all(
        pair and looks_like_abbreviation(pair["abbr"]) for pair in pairs
    ):
        return {}
    return {pair["abbr"].strip(): pair["expansion"].rstrip(" .") for pair in pairs if pair}


def starts_with_abbreviation(line: str) -> bool:
    """A line opening with `AE = ` or `AE: ` (after an optional `Abbreviations:` label)."""
    match = ABBREVIATION_START.match(ABBREVIATIONS_PREFIX.sub("", line))
    return bool(match and looks_like_abbreviation(match["abbr"].strip()))


def footnote_text(block_text: str) -> str | None:
    """The part of a block from its first `X = y` or `X: y` line on, or None when it has none."""
    lines = block_text.splitlines()
    starts = (n for n, text in enumerate(lines) if starts_with_abbreviation(text))
    start = next(starts, None)
    return None if start is None else "\n".join(lines[start:])


def footnote_abbreviations(doc: Document) -> Iterable[dict[str, str]]:
    """Abbreviation footnotes under tables: blocks ending in `X = y;` or `X: y;` pairs."""
    for block in doc.blocks:
        footnote = footnote_text(block.text)
        if footnote is not None:
            yield abbreviation_pairs(footnote, minimum_pairs=2)


def as_pair_text(text: str) -> str:
    """Read a two-column line (`AE<tab>adverse event`) as `AE = adverse event`."""
    return text if re.search(r"[=:]", text) else COLUMN_GAP.sub(" = ", text.strip(), count=1)


def section_abbreviations(section: Sequence[Line]) -> dict[str, str]:
    """An Abbreviations section: one `X = y`, `X: y` or `X<tab>y` pair per line or `;` part."""
    found: dict[str, str] = {}
    for line in section:
        for pair_text in as_pair_text(line.text).split(";"):
            for abbreviation, expansion in abbreviation_pairs(pair_text, minimum_pairs=1).items():
                found.setdefault(abbreviation, expansion)
    return found


def report_abbreviations(doc: Document, section: Sequence[Line]) -> dict[str, str]:
    """All abbreviations the report defines; the first definition of a key wins."""
    found: dict[str, str] = {}
    for mapping in (section_abbreviations(section), *footnote_abbreviations(doc)):
        for abbreviation, expansion in mapping.items():
            found.setdefault(abbreviation, expansion)
    return found

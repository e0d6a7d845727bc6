"""What a forged report says, as blocks any PDF producer can draw: the same words whatever draws them.

The ground truth comes from the spec; the printed text comes from the builders here (Key
Findings, Methods, Overall Summary, author cells, references), which the reportlab drawer and
every other producer share, so a report drawn by any of them holds the same text and truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from tests.forge.spec import (
    CATEGORY_NOUNS,
    COMBINED,
    DESIGN_ORDER,
    Citation,
    Column,
    ReportSpec,
    StudyRow,
    TableSpec,
    all_rows,
    citation_ranges,
    column_key,
    declared_counts,
    summary_counts,
)

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
BULLET = "\u2022"
ListKind = Literal["numbered", "lettered_paren", "lettered_dot"]


@dataclass(frozen=True)
class Span:
    """A run of text in one style; `glue` attaches it to the previous span without a space."""

    text: str
    bold: bool = False
    superscript: bool = False
    glue: bool = False


@dataclass(frozen=True)
class Item:
    """A paragraph inside a cell or the body; a bulleted item gets a hanging indent."""

    spans: tuple[Span, ...]
    bullet: bool = False


Cell = tuple[Item, ...]


@dataclass(frozen=True)
class Cover:
    """The cover page; `fields` print as 'Label: value', the report length after them."""

    report_type: str
    title: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Heading:
    """A section heading (level 2) or the body's title (level 1)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph of styled spans."""

    spans: tuple[Span, ...]
    size: float = 10.0


@dataclass(frozen=True)
class MarkedList:
    """A numbered or lettered list; the markers are not part of the items' text."""

    kind: ListKind
    items: tuple[str, ...]


@dataclass(frozen=True)
class CriteriaTable:
    """Table 1: a criterion's name beside its lead sentence and bullets, no header row."""

    caption: str
    rows: tuple[tuple[str, Cell], ...]


@dataclass(frozen=True)
class GroupEntry:
    """A full-width design heading inside a study table."""

    label: str


@dataclass(frozen=True)
class RowEntry:
    """A study row: its (table, row) index in the spec and one cell per column."""

    key: tuple[int, int]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class StudyTable:
    """A summary-of-included-studies table with its caption, header cells and footnote."""

    caption: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    entries: tuple[GroupEntry | RowEntry, ...]
    ruled: bool
    note: str | None


@dataclass(frozen=True)
class References:
    """A reference list: its heading and its paragraphs as printed (group headings, entries, PubMed lines)."""

    heading: str
    entries: tuple[str, ...]


Block = Cover | Heading | Paragraph | MarkedList | CriteriaTable | StudyTable | References


def long_date(day: date) -> str:
    """A date as CADTH prints it: 'January 1, 2012'."""
    return f"{day:%B} {day.day}, {day.year}"


def count_words(n: int) -> str:
    """A count as prose prints it: words up to twenty, digits beyond."""
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def counted_noun(category: str, n: int) -> str:
    """'three randomized controlled trials', 'one systematic review'."""
    singular, plural = CATEGORY_NOUNS[category]
    return f"{count_words(n)} {singular if n == 1 else plural}"


def join_series(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b, and c' — the serial comma CADTH uses."""
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def key_findings_sentences(spec: ReportSpec) -> list[str]:
    """The Key Findings sentence declaring counts, plus the no-HTA sentence when none were found."""
    counts = declared_counts(spec)
    parts = [counted_noun(c, counts[c]) for c in DESIGN_ORDER if counts.get(c)]
    verb = "was" if sum(counts.values()) == 1 else "were"
    text = join_series(parts)
    sentences = [f"{text[0].upper()}{text[1:]} {verb} identified regarding {spec.topic}."]
    if counts["health_technology_assessment"] == 0:
        sentences.append("No relevant health technology assessments were identified.")
    return sentences


def ref_range_text(refs: tuple[int, ...]) -> str:
    """'2-5' for consecutive references, '2,4,7' otherwise."""
    if len(refs) > 1 and list(refs) == list(range(refs[0], refs[-1] + 1)):
        return f"{refs[0]}-{refs[-1]}"
    return ",".join(str(ref) for ref in refs)


def summary_spans(spec: ReportSpec) -> tuple[Span, ...]:
    """The Overall Summary sentence: each design's count followed by its superscript citations."""
    counts = summary_counts(spec)
    ranges = citation_ranges(spec)
    designs = [d for d in DESIGN_ORDER if counts.get(d)]
    spans: list[Span] = []
    for index, design in enumerate(designs):
        text = counted_noun(design, counts[design])
        if index == 0:
            text = text[0].upper() + text[1:]
        joiner = "and " if index == len(designs) - 1 and index > 0 else ""
        comma = "," if len(designs) > 2 and index < len(designs) - 1 else ""
        spans.append(Span(f"{joiner}{text}{comma}"))
        if design in ranges:
            spans.append(Span(ref_range_text(ranges[design]), superscript=True, glue=True))
    tables = join_series([table.label.split(":")[0] for table in spec.tables])
    verb = "was" if len(all_rows(spec)) == 1 else "were"
    spans.append(Span(f"{verb} identified. The results of the studies were varied and are "
                      f"presented in further detail in {tables}."))
    return tuple(spans)


def methods_text(spec: ReportSpec) -> str:
    """The Methods paragraph with databases and the search window sentence."""
    languages = " and ".join(spec.languages)
    return (f"A limited literature search was conducted on key resources including "
            f"{join_series(list(spec.databases))}, as well as a focused Internet search. "
            f"Methodological filters were applied to limit retrieval to health technology "
            f"assessments, systematic reviews, meta-analyses, randomized controlled trials, "
            f"and non-randomized studies. Where possible, retrieval was limited to the human "
            f"population. The search was also limited to {languages} language documents "
            f"published between {long_date(spec.search_start)} and {long_date(spec.search_end)}. "
            f"Internet links were provided, where available.")


SELECTION_TEXT = ("One reviewer screened citations and selected studies based on the inclusion "
                  "criteria presented in Table 1.")
RESULTS_LEAD = "Rapid Response reports are organized so that the higher quality evidence is presented first. "


def results_text(spec: ReportSpec) -> str:
    """The Results section's paragraph: the ordering sentence and the Key Findings again."""
    return RESULTS_LEAD + " ".join(key_findings_sentences(spec))


def question_markers(spec: ReportSpec) -> tuple[str, ...]:
    """The marker printed before each research question ('' when a lone question has none)."""
    n = len(spec.research_questions)
    style = spec.question_markers
    if style == "auto":
        style = "numbered" if n > 1 else "none"
    letters = "abcdefghij"
    return tuple({"numbered": f"{i + 1}.", "lettered_paren": f"{letters[i]})",
                  "lettered_dot": f"{letters[i]}.", "none": ""}[style] for i in range(n))


def question_list(spec: ReportSpec) -> Paragraph | MarkedList:
    """Research questions as a marked list, or a plain paragraph for a lone unmarked question."""
    markers = question_markers(spec)
    if not markers[0]:
        return Paragraph((Span(spec.research_questions[0]),), spec.body_size)
    style = spec.question_markers if spec.question_markers != "auto" else "numbered"
    return MarkedList(style, spec.research_questions)  # type: ignore[arg-type]


def author_items(row: StudyRow, table: TableSpec) -> Cell:
    """The author cell as printed, with the reference number where the table's style puts it."""
    year = f"{row.year}{row.year_suffix}"
    name = f"{row.surname} et al." if table.author_format == "et_al" else row.surname
    year_text = f", {year}" if table.author_format == "comma" else f" ({year})"
    ref = str(row.ref_no) if row.ref_no is not None else None
    placement = table.ref_placement if ref is not None else "none"
    if placement == "after_author":
        spans = (Span(name), Span(ref or "", superscript=True, glue=True),
                 Span(year_text.lstrip(" "), glue=table.author_format == "comma"))
        return (Item(spans),)
    base = Span(f"{name}{year_text}")
    if placement == "after_year":
        return (Item((base, Span(ref or "", superscript=True, glue=True))),)
    if placement == "next_line":
        return (Item((base,)), Item((Span(ref or "", superscript=True),)))
    if placement == "inline":
        return (Item((base, Span(f"[{ref}]"))),)
    return (Item((base,)),)


def cell_items(values: tuple[str, ...]) -> Cell:
    """One value prints as a paragraph; several print as a bulleted list."""
    bullet = len(values) > 1
    return tuple(Item((Span(value),), bullet=bullet) for value in values)


def findings_and_conclusion(row: StudyRow) -> Cell:
    """A combined cell: every finding as a bullet, then the conclusion as a plain paragraph."""
    findings = tuple(Item((Span(value),), bullet=True) for value in row.cells.get("results", ()))
    conclusion = row.cells.get("authors_conclusions", ())
    lead = f"{row.conclusion_label} " if row.conclusion_label else ""
    return findings + tuple(Item((Span(lead + value),)) for value in conclusion)


def column_items(row: StudyRow, table: TableSpec, column: Column) -> Cell:
    """What one column of a study row prints."""
    if column.field == "author":
        return author_items(row, table)
    if column.field == COMBINED:
        return findings_and_conclusion(row)
    return cell_items(row.cells.get(column_key(column), ()))


def abbreviation_note(table: TableSpec) -> str | None:
    """The footnote under a table spelling out its abbreviations."""
    if not table.abbreviations:
        return None
    return "; ".join(f"{short} = {long}" for short, long in table.abbreviations)


def study_table(spec: ReportSpec, table_index: int) -> StudyTable:
    """One study table as blocks: group headings where the design changes (grouped tables)."""
    table = spec.tables[table_index]
    entries: list[GroupEntry | RowEntry] = []
    previous: str | None = None
    for index, row in enumerate(table.rows):
        if table.grouped and row.design_label != previous:
            entries.append(GroupEntry(row.design_label))
            previous = row.design_label
        cells = tuple(column_items(row, table, column) for column in table.columns)
        entries.append(RowEntry((table_index, index), cells))
    return StudyTable(table.label, tuple(c.header for c in table.columns),
                      tuple(c.width for c in table.columns), tuple(entries), table.ruled,
                      abbreviation_note(table))


def criterion_name(name: str) -> str:
    """A criterion key as Table 1 prints it: 'study_designs' → 'Study Designs'."""
    return name.replace("_", " ").title()


def criteria_table(spec: ReportSpec) -> CriteriaTable:
    """Table 1 as blocks: each criterion's lead as a paragraph, its bullets after it."""
    rows = tuple((criterion_name(c.name),
                  (Item((Span(c.lead),)),) + tuple(Item((Span(b),), bullet=True) for b in c.bullets))
                 for c in spec.criteria)
    return CriteriaTable("Table 1: Selection Criteria", rows)


APPENDIX_HEADING = "Appendix 1: References of Potential Interest"


def default_citation(row: StudyRow) -> Citation:
    """The invented but plausible citation every row without one of its own has always printed."""
    topic = (row.cells.get("indication") or row.cells.get("population") or ("the condition",))[0]
    return Citation((f"{row.surname} A", "Martin B", "Chen C"),
                    f"Outcomes in {topic[0].lower()}{topic[1:]}: a {CATEGORY_NOUNS[row.design][0]}",
                    row.year, "J Clin Res", str(row.year % 40 + 3), str(row.year % 12 + 1),
                    f"{row.year % 900 + 11}-{row.year % 900 + 19}")


def row_citation(row: StudyRow) -> Citation:
    """The row's own citation, else the default one."""
    return row.citation or default_citation(row)


def source_text(c: Citation) -> str:
    """After the title: `Journal. Year Mon;Vol(Issue):Pages.`, or a report's `Place: Publisher; Year [cited …].`"""
    when = f"{c.year} {c.month}".strip()
    if c.publisher:
        cited = f" [cited {c.cited}]" if c.cited else ""
        return f"{c.publisher}; {when}{cited}."
    issue = f"({c.issue})" if c.issue else ""
    volume = f";{c.volume or ''}{issue}" if c.volume or c.issue else ""
    pages = f":{c.pages}" if c.pages else ""
    return f"{c.journal}. {when}{volume}{pages}."


def citation_paragraphs(c: Citation) -> tuple[str, ...]:
    """One entry as printed in Vancouver/NLM style: the citation with its DOI and URL, then its PubMed line."""
    authors = ", ".join(c.authors) + (", et al" if c.et_al else "")
    title = f"{c.title} [Internet]." if c.publisher else c.title + ("" if c.title.endswith(("?", "!")) else ".")
    text = f"{authors}. {title} {source_text(c)}"
    text += f" doi: {c.doi}." if c.doi else ""
    text += f" Available from: {c.url}" if c.url else ""
    return (text,) + ((f"PubMed: PM{c.pmid}",) if c.pmid else ())


ListedReference = tuple[int, str, "str | None", Citation, tuple[str, ...]]


def listed_references(spec: ReportSpec) -> tuple[ListedReference, ...]:
    """(ref_no, section, group, citation, printed paragraphs) of every numbered entry the lists print."""
    rows = sorted((r for r in all_rows(spec) if r.ref_no is not None), key=lambda r: r.ref_no or 0)
    listed: list[ListedReference] = [
        (row.ref_no or 0, "summarized", row.design_label if spec.reference_groups else None,
         row_citation(row), citation_paragraphs(row_citation(row)))
        for row in rows if row.ref_no not in spec.unlisted_refs
    ]
    first = max((row.ref_no or 0 for row in rows), default=0) + 1
    listed += [(first + index, "additional", group, citation, citation_paragraphs(citation))
               for index, (group, citation) in enumerate(spec.additional_references)]
    return tuple(listed)


def numbered(entries: tuple[ListedReference, ...]) -> tuple[str, ...]:
    """Printed paragraphs of numbered entries, a group heading wherever the group changes."""
    printed: list[str] = []
    group: str | None = None
    for ref_no, _, entry_group, _, paragraphs in entries:
        if entry_group is not None and entry_group != group:
            printed.append(entry_group)
        group = entry_group
        printed += [f"{ref_no}. {paragraphs[0]}", *paragraphs[1:]]
    return tuple(printed)


def reference_list(spec: ReportSpec) -> tuple[References, ...]:
    """The References section and, when the spec has one, the appendix of further references: the one place their text is written."""
    listed = listed_references(spec)
    summarized = numbered(tuple(entry for entry in listed if entry[1] == "summarized"))
    unnumbered = tuple(p for row in all_rows(spec) if row.ref_no is None for p in citation_paragraphs(row_citation(row)))
    blocks = [References("References Summarized", summarized + unnumbered)]
    additional = tuple(entry for entry in listed if entry[1] == "additional")
    if additional:
        blocks.append(References(APPENDIX_HEADING, numbered(additional)))
    return tuple(blocks)


def cover_fields(spec: ReportSpec) -> tuple[tuple[str, str], ...]:
    """The cover's labelled lines before the report length, which only the producer knows."""
    return (("Service Line", spec.service_line), ("Version", "1.0"),
            ("Publication Date", long_date(spec.publication_date)))


def running_footer(spec: ReportSpec) -> str:
    """The footer's left text; the page number goes on the right."""
    return f"{spec.report_type.upper()}  {spec.service_line}"


def report_blocks(spec: ReportSpec) -> tuple[Block, ...]:
    """The whole report in CADTH order, as every producer prints it."""
    body = spec.body_size
    return (
        Cover(spec.report_type.upper(), spec.title, cover_fields(spec)),
        Heading(spec.title, level=1),
        Heading("Research Questions"),
        question_list(spec),
        Heading("Key Findings"),
        Paragraph((Span(" ".join(key_findings_sentences(spec))),), body),
        Heading("Methods"),
        Paragraph((Span(methods_text(spec)),), body),
        Heading("Selection Criteria"),
        Paragraph((Span(SELECTION_TEXT),), body),
        criteria_table(spec),
        Heading("Results"),
        Paragraph((Span(results_text(spec)),), body),
        Heading("Overall Summary of Findings"),
        Paragraph(summary_spans(spec), body),
        *(study_table(spec, index) for index in range(len(spec.tables))),
        *reference_list(spec),
    )


def item_text(item: Item) -> str:
    """An item's words as plain text, glued spans joined without a space."""
    text = ""
    for span in item.spans:
        words = " ".join(span.text.split())
        text += words if span.glue or not text else f" {words}"
    return text

"""A forged report as data: what the drawer prints and what the extractor must give back.

A `ReportSpec` says everything a CADTH-style "Rapid Response" report prints. The ground truth
(`expected_studies`, `expected_report`) is derived from the spec alone, except for the page
each table row starts on, which only the drawer knows and passes in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Mapping

AuthorFormat = Literal["paren", "et_al", "comma"]
RefPlacement = Literal["after_author", "after_year", "next_line", "inline", "none"]
QuestionMarkers = Literal["auto", "numbered", "lettered_paren", "lettered_dot"]
# A column whose cell lists the findings (bullets) and ends with the authors' conclusion paragraph.
COMBINED = "findings_and_conclusions"

STUDY_FIELDS: tuple[str, ...] = (
    "report_id",
    "study_key",
    "ref_no",
    "first_author",
    "year",
    "design",
    "design_label",
    "indication",
    "population",
    "results",
    "authors_conclusions",
    "source_page",
    "table_label",
    "study_design",
    "intervention",
    "comparator",
    "outcomes",
    "extra",
)
CELL_FIELDS: frozenset[str] = frozenset(
    {
        "indication",
        "population",
        "results",
        "authors_conclusions",
        "study_design",
        "intervention",
        "comparator",
        "outcomes",
    }
)

# Which design counts under which phrase of the Key Findings sentence (observational → NRS).
DECLARED_CATEGORY: Mapping[str, str] = {
    "health_technology_assessment": "health_technology_assessment",
    "systematic_review": "systematic_review",
    "meta_analysis": "meta_analysis",
    "randomized_controlled_trial": "randomized_controlled_trial",
    "non_randomized_study": "non_randomized_study",
    "prospective_observational": "non_randomized_study",
    "retrospective_observational": "non_randomized_study",
    "economic_evaluation": "economic_evaluation",
    "guideline": "guideline",
    "other": "other",
}
CATEGORY_NOUNS: Mapping[str, tuple[str, str]] = {
    "health_technology_assessment": ("health technology assessment", "health technology assessments"),
    "systematic_review": ("systematic review", "systematic reviews"),
    "meta_analysis": ("meta-analysis", "meta-analyses"),
    "randomized_controlled_trial": ("randomized controlled trial", "randomized controlled trials"),
    "non_randomized_study": ("non-randomized study", "non-randomized studies"),
    "prospective_observational": ("prospective observational study", "prospective observational studies"),
    "retrospective_observational": (
        "retrospective observational study",
        "retrospective observational studies",
    ),
    "economic_evaluation": ("economic evaluation", "economic evaluations"),
    "guideline": ("evidence-based guideline", "evidence-based guidelines"),
    "other": ("other study", "other studies"),
}
DESIGN_ORDER: tuple[str, ...] = tuple(CATEGORY_NOUNS)


@dataclass(frozen=True)
class Column:
    """One printed column: its header as printed, the contract field it fills, its relative width.

    `field` is "author" for the author/year/reference cell, a contract field name, "extra"
    (then the header is the key in the record's `extra` mapping), or COMBINED (the row's
    results as bullets, then its authors' conclusions as a paragraph).
    """

    header: str
    field: str
    width: float = 1.0


@dataclass(frozen=True)
class Citation:
    """A reference entry's fields, printed in Vancouver/NLM style (`content.citation_paragraphs`).

    `authors` are printed as given ("Smith AB", or one group's name), then ", et al" when
    `et_al`; a `publisher` ("Ottawa (ON): CADTH") makes it a report, cited with "[Internet]" and
    without journal, volume, issue or pages. `month` follows the year ("Mar", "Jun 5");
    `cited` is a report's "[cited …]" date. `pmid` prints as a "PubMed: PM…" line under the entry.
    """

    authors: tuple[str, ...]
    title: str
    year: int
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    month: str = ""
    et_al: bool = False
    publisher: str | None = None
    cited: str = ""
    doi: str | None = None
    url: str | None = None
    pmid: str | None = None


@dataclass(frozen=True)
class StudyRow:
    """One included study; `cells` maps a contract field (or an extra header) to its printed items.

    One item prints as a paragraph, several items as a bulleted list; an empty tuple is an
    empty cell (the ground truth then holds None). `conclusion_label` is printed before the
    conclusion in a COMBINED cell ("Authors' conclusion:"); a label, not part of the truth.
    """

    surname: str
    year: int
    ref_no: int | None
    design: str
    design_label: str
    cells: Mapping[str, tuple[str, ...]]
    year_suffix: str = ""
    conclusion_label: str = ""
    citation: Citation | None = None


@dataclass(frozen=True)
class TableSpec:
    """A summary-of-included-studies table and how it is printed."""

    label: str
    columns: tuple[Column, ...]
    rows: tuple[StudyRow, ...]
    grouped: bool = True
    author_format: AuthorFormat = "paren"
    ref_placement: RefPlacement = "after_year"
    ruled: bool = True
    abbreviations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One row of Table 1 (selection criteria): a lead sentence and optional bullets."""

    name: str
    lead: str
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportSpec:
    """Everything a forged report prints, and the knobs that change how it is printed."""

    report_id: str
    title: str
    publication_date: date
    research_questions: tuple[str, ...]
    topic: str
    search_start: date
    search_end: date
    databases: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    tables: tuple[TableSpec, ...]
    languages: tuple[str, ...] = ("English",)
    spacing_artifact: bool = False
    body_size: float = 10.0
    table_size: float = 9.0
    service_line: str = "Rapid Response Service"
    report_type: str = "Summary of Abstracts"
    question_markers: QuestionMarkers = "auto"
    # Reference lists (off by default, so existing specs print what they always printed):
    # group headings in References Summarized, an appendix of (group, citation) entries, and
    # reference numbers left out of the list (a defect).
    reference_groups: bool = False
    additional_references: tuple[tuple[str, Citation], ...] = ()
    unlisted_refs: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroundTruth:
    """What an extractor must find in the drawn PDF: contract study records and report metadata.

    `row_pages` maps a study key to the first and last page its table row is drawn on, so
    tests can pick the rows broken across pages. `references` are the `references` rows the
    printed lists must give.
    """

    studies: tuple[Mapping[str, object], ...]
    report: Mapping[str, object]
    pages: int = 0
    row_pages: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    references: tuple[Mapping[str, object], ...] = ()


def all_rows(spec: ReportSpec) -> tuple[StudyRow, ...]:
    """Every study of the report, in printed order, because counts and ranges span all tables."""
    return tuple(row for table in spec.tables for row in table.rows)


def criterion_text(criterion: Criterion) -> str:
    """The criterion as the contract stores it: the lead, then the bullets joined by '; '."""
    if not criterion.bullets:
        return criterion.lead
    return f"{criterion.lead} {'; '.join(criterion.bullets)}".strip()


def report_abbreviations(spec: ReportSpec) -> dict[str, str]:
    """All abbreviation footnotes of the report merged, since the contract keeps one list per report."""
    merged: dict[str, str] = {}
    for table in spec.tables:
        merged.update(dict(table.abbreviations))
    return dict(sorted(merged.items()))


def declared_counts(spec: ReportSpec) -> dict[str, int]:
    """The counts the Key Findings sentence declares, by design category (HTAs always declared)."""
    counts: dict[str, int] = {"health_technology_assessment": 0}
    for row in all_rows(spec):
        category = DECLARED_CATEGORY[row.design]
        counts[category] = counts.get(category, 0) + 1
    return counts


def summary_counts(spec: ReportSpec) -> dict[str, int]:
    """The finer counts the Overall Summary prints, by contract design."""
    counts: dict[str, int] = {}
    for row in all_rows(spec):
        counts[row.design] = counts.get(row.design, 0) + 1
    return counts


def citation_ranges(spec: ReportSpec) -> dict[str, tuple[int, ...]]:
    """The reference numbers the Overall Summary cites after each design's count."""
    ranges: dict[str, tuple[int, ...]] = {}
    for row in all_rows(spec):
        if row.ref_no is not None:
            ranges[row.design] = ranges.get(row.design, ()) + (row.ref_no,)
    return ranges


def cell_value(items: tuple[str, ...]) -> str | None:
    """A cell's ground-truth text: one item per line, None for an empty cell."""
    return "\n".join(items) if items else None


def design_label_for(row: StudyRow, table: TableSpec) -> str:
    """The group heading (grouped tables) or the Study Design cell as printed."""
    if table.grouped:
        return row.design_label
    return cell_value(row.cells.get("study_design", ())) or row.design_label


def study_record(
    report_id: str, table: TableSpec, row: StudyRow, source_page: int | None
) -> dict[str, object]:
    """The contract study record one printed row must become."""
    record: dict[str, object] = {name: None for name in STUDY_FIELDS}
    extra: dict[str, str] = {}
    for column in table.columns:
        value = cell_value(row.cells.get(column_key(column), ()))
        if column.field == "extra":
            if value is not None:
                extra[column.header] = value
        elif column.field == COMBINED:
            record["results"] = value
            record["authors_conclusions"] = cell_value(row.cells.get("authors_conclusions", ()))
        elif column.field != "author":
            record[column.field] = value
    key_tail = str(row.ref_no) if row.ref_no is not None else f"{row.surname}-{row.year}"
    record.update(
        report_id=report_id,
        study_key=f"{report_id}:{key_tail}",
        ref_no=row.ref_no,
        first_author=row.surname,
        year=row.year,
        design=row.design,
        design_label=design_label_for(row, table),
        source_page=source_page,
        table_label=table.label,
        extra=json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
    )
    return record


def column_key(column: Column) -> str:
    """The key of a column's items in `StudyRow.cells`: the field, the header for extras, results for COMBINED."""
    if column.field == COMBINED:
        return "results"
    return column.header if column.field == "extra" else column.field


def expected_studies(
    spec: ReportSpec, source_pages: Mapping[tuple[int, int], int]
) -> tuple[dict[str, object], ...]:
    """All study records in printed order; `source_pages` maps (table index, row index) → page."""
    return tuple(
        study_record(spec.report_id, table, row, source_pages.get((t, r)))
        for t, table in enumerate(spec.tables)
        for r, row in enumerate(table.rows)
    )


def expected_report(spec: ReportSpec, n_pages: int) -> dict[str, object]:
    """The report-level metadata an extractor must find (dates as ISO strings)."""
    return {
        "report_id": spec.report_id,
        "title": spec.title,
        "publication_date": spec.publication_date.isoformat(),
        "research_questions": list(spec.research_questions),
        "search_start": spec.search_start.isoformat(),
        "search_end": spec.search_end.isoformat(),
        "languages": list(spec.languages),
        "databases": list(spec.databases),
        "declared_counts": declared_counts(spec),
        "summary_counts": summary_counts(spec),
        "citation_ranges": {k: list(v) for k, v in citation_ranges(spec).items()},
        "selection_criteria": {c.name: criterion_text(c) for c in spec.criteria},
        "abbreviations": report_abbreviations(spec),
        "table_labels": [table.label for table in spec.tables],
        "n_studies": len(all_rows(spec)),
        "pages": n_pages,
    }


def ground_truth(spec: ReportSpec, n_pages: int,
                 row_pages: Mapping[tuple[int, int], tuple[int, int]]) -> GroundTruth:
    """The truth of a drawn report, given where each (table, row) was drawn, first and last page."""
    studies = expected_studies(spec, {key: first for key, (first, _) in row_pages.items()})
    keys = [str(record["study_key"]) for record in studies]
    spans = dict(zip(keys, (row_pages[key] for key in sorted(row_pages))))
    return GroundTruth(studies, expected_report(spec, n_pages), n_pages, spans, expected_references(spec))


def expected_references(spec: ReportSpec) -> tuple[dict[str, object], ...]:
    """The `references` rows the printed lists must give (content.py prints them; imported late, it imports this)."""
    from tests.forge.content import listed_references

    return tuple(
        {
            "report_id": spec.report_id, "ref_no": ref_no, "section": section, "group": group,
            "text": " ".join(paragraphs), "first_author": first_author_of(citation),
            "authors": "\n".join(citation.authors), "year": citation.year, "title": citation.title,
            "journal": citation.journal, "volume": citation.volume, "issue": citation.issue,
            "pages": citation.pages, "pmid": citation.pmid, "doi": citation.doi, "url": citation.url,
        }
        for ref_no, section, group, citation, paragraphs in listed_references(spec)
    )


def first_author_of(citation: Citation) -> str:
    """The first author's surname: the name before its initials, or a group's whole name."""
    name = citation.authors[0]
    surname, _, initials = name.rpartition(" ")
    return surname if surname and initials.isupper() and len(initials) <= 4 else name


def expected_links(spec: ReportSpec) -> dict[str, dict[str, str | None]]:
    """study_key → the pmid and doi its reference gives (listed references only)."""
    from tests.forge.content import listed_references

    listed = {ref_no: citation for ref_no, section, _, citation, _ in listed_references(spec) if section == "summarized"}
    return {
        f"{spec.report_id}:{row.ref_no}": {"pmid": listed[row.ref_no].pmid, "doi": listed[row.ref_no].doi}
        for row in all_rows(spec) if row.ref_no in listed
    }

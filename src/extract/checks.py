"""Cross-checks within one report: the table against the report's own words and arithmetic.

Like pdfplumber's test that sums a report's columns against its printed totals, these checks
hold the extracted study rows against the counts the report declares, the reference numbers it
cites, its publication date and search window. Each check is a pure function returning Failures
(severity is applied later from the policy file); report-level failures carry no study_key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import pandas as pd

from extract.model import Extraction, Failure, Table
from extract.casts import cell_int, cell_text, is_missing
from extract.reference_checks import reference_failures
from extract.tables_spec import DESIGN_NAMES
from extract.schemas import column_name, row_description
from extract.text.spacing import repair_spacing

# A declared design also counts rows of narrower designs the declaration does not name apart.
COVERED_DESIGNS: Mapping[str, tuple[str, ...]] = {
    "non_randomized_study": ("prospective_observational", "retrospective_observational"),
    "systematic_review": ("meta_analysis",),
}

# Cells whose absence is an error when their table has that column at all.
TABLE_CELL_COLUMNS: tuple[str, ...] = (
    "indication",
    "population",
    "results",
    "authors_conclusions",
    "study_design",
    "intervention",
    "comparator",
    "outcomes",
)
TEXT_COLUMNS: tuple[str, ...] = ("first_author", "design_label", "table_label") + TABLE_CELL_COLUMNS

GLYPH_CODE = re.compile(r"\(cid:\d+\)")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
REPLACEMENT_CHAR = "\ufffd"


def design_name(design: str, count: int) -> str:
    """Spell a design code the way a report would, singular or plural by count."""
    singular, plural = DESIGN_NAMES.get(design, (design.replace("_", " "),) * 2)
    return singular if count == 1 else plural


def ref_ranges(refs: Iterable[int]) -> str:
    """Print reference numbers as a report does: `1, 3–5`."""
    numbers = sorted(set(refs))
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def covered_designs(declared: str, declared_designs: Iterable[str]) -> frozenset[str]:
    """The row designs a declaration counts: itself plus narrower designs not declared apart."""
    others = set(declared_designs) - {declared}
    narrower = [d for d in COVERED_DESIGNS.get(declared, ()) if d not in others]
    return frozenset((declared, *narrower))


def refs_of(studies: pd.DataFrame) -> list[int]:
    """The reference numbers of some study rows, missing ones left out."""
    if "ref_no" not in studies.columns:
        return []
    # Not Series.map: on an Int64 column it turns cell_int's None back into <NA>.
    numbers = (cell_int(value) for value in studies["ref_no"].tolist())
    return [n for n in numbers if n is not None]


def _listing(studies: pd.DataFrame) -> str:
    """Count rows and name their refs: `3 (refs 6–8)`."""
    refs = refs_of(studies)
    return f"{len(studies)} (refs {ref_ranges(refs)})" if refs else str(len(studies))


def count_failures(
    studies: pd.DataFrame, declared: Mapping[str, int], report_id: str, check: str, claim: str
) -> list[Failure]:
    """Compare a section's declared study counts per design with the rows of that design.

    Only what the report declares is compared, explicit zeros included ("No relevant
    guidelines were identified"); a design it is silent about is no claim, since Key Findings
    often speak to one research question while the tables answer several.
    """
    if not declared:
        return []
    failures = []
    for design, count in sorted(declared.items()):
        rows = studies[studies["design"].isin(covered_designs(design, declared))]
        if len(rows) != count:
            message = (
                f"{claim} {count} {design_name(design, count)}; "
                f"the table lists {_listing(rows)}."
            )
            failures.append(Failure(check, message, report_id, failure_case=f"{design}={count}"))
    return failures


def citation_range_failures(
    studies: pd.DataFrame, citation_ranges: Mapping[str, Sequence[int]], report_id: str
) -> list[Failure]:
    """Every reference the Overall Summary cites for a design must be a row of that design."""
    failures = []
    for design, cited in sorted(citation_ranges.items()):
        rows = studies[studies["design"].isin(covered_designs(design, citation_ranges))]
        stray = sorted(set(cited) - set(refs_of(rows)))
        if stray:
            refs, verb = ("ref", "is not a row") if len(stray) == 1 else ("refs", "are not rows")
            message = (
                f"The Overall Summary cites refs {ref_ranges(cited)} as "
                f"{design_name(design, len(cited))}, but {refs} {ref_ranges(stray)} {verb} "
                f"of that design in the table."
            )
            failures.append(
                Failure("citation_range", message, report_id, failure_case=ref_ranges(stray))
            )
    return failures


def duplicate_ref_no_failures(studies: pd.DataFrame, report_id: str) -> list[Failure]:
    """Two rows with one reference number mean a row was split or a number misread."""
    refs = studies["ref_no"].map(cell_int)
    repeated = studies[refs.notna() & refs.duplicated(keep=False)]
    return [
        row_failure(
            row,
            "duplicate_ref_no",
            report_id,
            "ref_no",
            f"{row_description(row)}: reference number {cell_int(row['ref_no'])} "
            f"is used by more than one row of this report.",
        )
        for row in repeated.to_dict("records")
    ]


def ref_no_gap_failures(studies: pd.DataFrame, report_id: str) -> list[Failure]:
    """Reference numbers skipped between the first and the last suggest a lost row."""
    refs = sorted(set(refs_of(studies)))
    if not refs:
        return []
    missing = sorted(set(range(refs[0], refs[-1] + 1)) - set(refs))
    failures = []
    if missing:
        message = (
            f"The report's tables skip reference numbers {ref_ranges(missing)} between "
            f"{refs[0]} and {refs[-1]}; a study row may have been lost."
        )
        failures.append(Failure("ref_no_gap", message, report_id, column="ref_no",
                                failure_case=ref_ranges(missing)))
    if refs[0] > 1:
        message = (
            f"The report's tables start at reference number {refs[0]}; refs "
            f"{ref_ranges(range(1, refs[0]))} are in no table (rows lost, or background citations)."
        )
        failures.append(Failure("ref_no_start", message, report_id, column="ref_no",
                                failure_case=ref_ranges(range(1, refs[0]))))
    return failures


def year_after_publication_failures(
    studies: pd.DataFrame, publication_date: date | None, report_id: str
) -> list[Failure]:
    """A study cannot be published after the report that includes it."""
    if publication_date is None:
        return []
    return [
        row_failure(
            row, "year_after_publication", report_id, "year",
            f"{row_description(row)}: year {cell_int(row['year'])} is after the report's "
            f"publication date {publication_date.isoformat()}.",
            str(cell_int(row["year"])),
        )
        for row in studies.to_dict("records")
        if (cell_int(row["year"]) or 0) > publication_date.year
    ]


def year_outside_search_failures(
    studies: pd.DataFrame,
    search_start: date | None,
    search_end: date | None,
    publication_date: date | None,
    report_id: str,
) -> list[Failure]:
    """A year outside the literature search window hints at a misread year or a stray row."""
    start = search_start.year if search_start else None
    end = search_end.year if search_end else None
    latest = publication_date.year if publication_date else None
    window = " to ".join(d.isoformat() if d else "…" for d in (search_start, search_end))
    failures = []
    for row in studies.to_dict("records"):
        year = cell_int(row["year"])
        if year is None or (latest is not None and year > latest):
            continue
        if (start is not None and year < start) or (end is not None and year > end):
            message = f"{row_description(row)}: year {year} is outside the search window {window}."
            failures.append(row_failure(row, "year_outside_search", report_id, "year", message, str(year)))
    return failures


def table_columns(tables: Sequence[Table]) -> dict[str, frozenset[str]]:
    """The contract fields each found table has, by caption: the union of its rows' cells."""
    columns: dict[str, frozenset[str]] = {}
    for table in tables:
        fields = frozenset(key for row in table.rows for key in row.cells)
        key = table.label or ""
        columns[key] = columns.get(key, frozenset()) | fields
    return columns


def required_cell_failures(
    studies: pd.DataFrame, columns_by_table: Mapping[str, frozenset[str]], report_id: str
) -> list[Failure]:
    """A missing cell is an error only where the study's own table has that column."""
    labels = studies.get("table_label", pd.Series([None] * len(studies), index=studies.index))
    failures: list[Failure] = []
    for label, rows in studies.groupby(labels.map(lambda v: cell_text(v) or ""), sort=True):
        present = columns_by_table.get(str(label)) or columns_with_values(rows)
        failures += _missing_cells(rows, present, str(label), report_id)
    return failures


def columns_with_values(rows: pd.DataFrame) -> frozenset[str]:
    """Without the table's header, a column counts as present when any of its rows fills it."""
    return frozenset(c for c in rows.columns if not rows[c].map(is_missing).all())


def _missing_cells(
    rows: pd.DataFrame, present: frozenset[str], label: str, report_id: str
) -> list[Failure]:
    """One failure per empty cell in the columns this table has."""
    table_name = f"'{label}'" if label else "its table"
    return [
        row_failure(
            row, "required", report_id, column,
            f"{row_description(row)}: the {column_name(column)} cell is empty, "
            f"though {table_name} has that column.",
        )
        for row in rows.to_dict("records")
        for column in TABLE_CELL_COLUMNS
        if column in present and column in rows.columns and is_missing(row.get(column))
    ]


def broken_word(text: str, repair: Callable[[str], str] = repair_spacing) -> tuple[str, str] | None:
    """The first fragment run that spacing repair would join, and what it would join it into."""
    words = text.split()
    repaired = repair(text).split()
    if repaired == words:  # nothing to join: most cells (the matcher below costs more than the repair)
        return None
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=words, b=repaired, autojunk=False).get_opcodes():
        if tag != "equal":
            return " ".join(words[i1:i2]), " ".join(repaired[j1:j2])
    return None


def artifact_failures(studies: pd.DataFrame, report_id: str) -> list[Failure]:
    """Leftover PDF artifacts in text cells: broken words, glyph codes, private-use glyphs."""
    return [
        failure
        for row in studies.to_dict("records")
        for column in TEXT_COLUMNS
        if cell_text(row.get(column)) is not None
        for failure in cell_artifact_failures(row, column, report_id)
    ]


def cell_artifact_failures(row: Mapping[str, object], column: str, report_id: str) -> list[Failure]:
    """All artifact kinds found in one cell, each with the offending text as its case."""
    text = cell_text(row.get(column)) or ""
    where = f"{row_description(row)}: the {column_name(column)} cell"
    failures = []
    if glyph := GLYPH_CODE.search(text):
        failures.append(row_failure(row, "glyph_code", report_id, column,
                                    f"{where} holds the undecoded glyph code {glyph.group()}; "
                                    f"a character was lost.", glyph.group()))
    if private := PRIVATE_USE.search(text):
        code = f"U+{ord(private.group()):04X}"
        failures.append(row_failure(row, "private_use_char", report_id, column,
                                    f"{where} holds the private-use glyph {code} "
                                    f"(usually a bullet the cleanup missed).", code))
    if REPLACEMENT_CHAR in text:
        failures.append(row_failure(row, "replacement_char", report_id, column,
                                    f"{where} holds U+FFFD; a character could not be decoded.",
                                    "U+FFFD"))
    if fragment := broken_word(text):
        failures.append(row_failure(row, "broken_word", report_id, column,
                                    f"{where} holds '{fragment[0]}', text broken by PDF "
                                    f"character spacing (repaired: '{fragment[1]}').", fragment[0]))
    return failures


def duplicate_study_failures(studies: pd.DataFrame, report_id: str) -> list[Failure]:
    """Same first author, year and indication under different refs: probably one study twice."""
    keys = studies[["first_author", "year", "indication"]].map(
        lambda v: (cell_text(v) or "").casefold()
    )
    repeated = keys.duplicated(keep="first") & ~studies["ref_no"].map(cell_int).duplicated(keep=False)
    return [
        row_failure(
            row, "duplicate_study", report_id, None,
            f"{row_description(row)} has the same first author, year and indication as an "
            f"earlier row of this report.",
        )
        for row in studies[repeated].to_dict("records")
    ]


def row_failure(
    row: Mapping[str, object],
    check: str,
    report_id: str,
    column: str | None,
    message: str,
    failure_case: str | None = None,
) -> Failure:
    """A row-level failure carrying the row's key, reference number and page."""
    return Failure(
        check=check,
        message=message,
        report_id=report_id,
        study_key=cell_text(row.get("study_key")),
        ref_no=cell_int(row.get("ref_no")),
        column=column,
        failure_case=failure_case,
        page_no=cell_int(row.get("source_page")),
    )


def cross_check_failures(studies: pd.DataFrame, extraction: Extraction) -> list[Failure]:
    """Run every cross-check of one report's study rows against what the report says."""
    meta, report_id = extraction.meta, extraction.document.report_id
    return [
        *count_failures(
            studies, meta.declared_counts, report_id, "declared_count", "Key Findings declare"
        ),
        *count_failures(
            studies, meta.summary_counts, report_id, "summary_count", "The Overall Summary reports"
        ),
        *citation_range_failures(studies, meta.citation_ranges, report_id),
        *duplicate_ref_no_failures(studies, report_id),
        *ref_no_gap_failures(studies, report_id),
        *year_after_publication_failures(studies, meta.publication_date, report_id),
        *year_outside_search_failures(
            studies, meta.search_start, meta.search_end, meta.publication_date, report_id
        ),
        *required_cell_failures(studies, table_columns(extraction.tables), report_id),
        *artifact_failures(studies, report_id),
        *duplicate_study_failures(studies, report_id),
        *reference_failures(studies, meta.references, report_id),
    ]

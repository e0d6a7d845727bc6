"""Study rows linked to their citations, and one study followed across reports.

A study row's `ref_no` points to an entry of its report's References Summarized list: the row
takes that entry's PMID, DOI and text. Its `study_id` names the study the same way in every
report: `pmid:N` when the reference gives a PMID, else `doi:…` (lower case, as DOIs compare),
else a key of the first author's surname, the year and the title's first words, normalised so
accents, case and punctuation do not split one study in two. `study_index` gathers the rows
sharing a study_id: the reports that summarise it, and the design labels and populations each
gives it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from extract.casts import cell_int, cell_text, with_column_types
from extract.model import Reference
from extract.tables_spec import TABLES

TITLE_KEY_WORDS = 10
REFERENCE_COLUMNS: tuple[str, ...] = TABLES["references"].column_names("contract", "extension")


def name_key(text: str | None) -> str:
    """Letters and digits only, accents folded, lower case: `Ødegaard`, `O'Neil` → `odegaard`, `oneil`."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O"))
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def title_words(title: str | None) -> list[str]:
    """A title's first words, normalised like names, so two printings of one title agree."""
    words = re.split(r"[\s\-–—/]+", title or "")
    return [key for key in (name_key(word) for word in words) if key][:TITLE_KEY_WORDS]


def study_id(pmid: str | None, doi: str | None, first_author: str | None, year: int | None, title: str | None) -> str:
    """`pmid:N`, else `doi:…`, else `key:author-year[-title words]`: the same study gets the same id in every report."""
    if pmid:
        return f"pmid:{pmid}"
    if doi:
        return f"doi:{doi.casefold()}"
    parts = [name_key(first_author) or "unknown", str(year) if year is not None else "nd", *title_words(title)]
    return "key:" + "-".join(parts)


def summarized(references: Sequence[Reference]) -> dict[int, list[Reference]]:
    """The References Summarized entries by number (a number printed twice keeps both)."""
    found: dict[int, list[Reference]] = {}
    for reference in references:
        if reference.section == "summarized":
            found.setdefault(reference.ref_no, []).append(reference)
    return found


def cited_reference(row: Mapping[str, Any], by_number: Mapping[int, list[Reference]]) -> Reference | None:
    """The entry a row's ref_no points to: of several with that number, the one naming the row's author."""
    ref_no = cell_int(row.get("ref_no"))
    candidates = by_number.get(ref_no, []) if ref_no is not None else []
    author = name_key(cell_text(row.get("first_author")))
    return next((r for r in candidates if name_key(r.first_author) == author), candidates[0] if candidates else None)


def linked_studies(studies: pd.DataFrame, references: Sequence[Reference]) -> pd.DataFrame:
    """Study rows with their reference's PMID, DOI and text, and their study_id."""
    by_number = summarized(references)
    linked = studies.copy()
    records = studies.to_dict("records")
    cited = [cited_reference(row, by_number) for row in records]
    linked["pmid"] = [r.pmid if r else None for r in cited]
    linked["doi"] = [r.doi if r else None for r in cited]
    linked["reference_text"] = [r.text if r else None for r in cited]
    linked["study_id"] = [row_study_id(row, r) for row, r in zip(records, cited)]
    return linked


def row_study_id(row: Mapping[str, Any], reference: Reference | None) -> str:
    """A row's study_id: from its reference, the row's own author and year filling what the reference lacks."""
    if reference is None:
        return study_id(None, None, cell_text(row.get("first_author")), cell_int(row.get("year")), None)
    author = reference.first_author or cell_text(row.get("first_author"))
    year = reference.year if reference.year is not None else cell_int(row.get("year"))
    return study_id(reference.pmid, reference.doi, author, year, reference.title)


def reference_records(report_id: str, references: Sequence[Reference]) -> list[dict[str, Any]]:
    """One `references` record per entry, authors one per line."""
    return [
        {
            "report_id": report_id, "ref_no": r.ref_no, "section": r.section, "group": r.group, "text": r.text,
            "first_author": r.first_author, "authors": "\n".join(r.authors) or None, "year": r.year,
            "title": r.title, "journal": r.journal, "volume": r.volume, "issue": r.issue, "pages": r.pages,
            "pmid": r.pmid, "doi": r.doi, "url": r.url, "source_page": r.page_no,
        }
        for r in references
    ]


def references_frame(report_id: str, references: Sequence[Reference]) -> pd.DataFrame:
    """A report's references as a typed frame, even when it has none."""
    kinds = TABLES["references"].kinds
    frame = pd.DataFrame(reference_records(report_id, references), columns=list(kinds))
    return with_column_types(frame, kinds)


def per_report_lines(reports: Sequence[Any], values: Sequence[Any]) -> str | None:
    """`report_id: value`, one line per report that gives a value, in report order."""
    lines = [f"{report}: {value}" for report, value in zip(reports, values) if cell_text(value) is not None]
    return "\n".join(dict.fromkeys(lines)) or None


def first_present(values: Sequence[Any]) -> Any:
    """The first non-missing value of a column, or None."""
    return next((value for value in values if cell_text(value) is not None), None)


# The study columns a study_index row is drawn from.
INDEX_SOURCE_COLUMNS: tuple[str, ...] = (
    "report_id", "ref_no", "design", "design_label", "population", "first_author", "year", "pmid", "doi",
)


def index_record(study: str, rows: Mapping[str, Sequence[Any]], titles: Mapping[tuple[str, int], str]) -> dict[str, Any]:
    """One study_index row from the study rows sharing its study_id, given column by column."""
    reports = list(dict.fromkeys(rows["report_id"]))
    designs = sorted({d for d in rows["design"] if cell_text(d) is not None})
    title = next(
        (titles[key] for key in zip(rows["report_id"], map(cell_int, rows["ref_no"])) if key in titles), None
    )
    return {
        "study_id": study,
        "report_ids": "\n".join(reports),
        "n_reports": len(reports),
        "design_labels": per_report_lines(rows["report_id"], rows["design_label"]),
        "populations": per_report_lines(rows["report_id"], rows["population"]),
        "designs": "\n".join(designs) or None,
        "n_designs": len(designs),
        "first_author": first_present(rows["first_author"]),
        "year": cell_int(first_present(rows["year"])),
        "title": title,
        "pmid": first_present(rows["pmid"]),
        "doi": first_present(rows["doi"]),
    }


def rows_by_study(ordered: pd.DataFrame) -> dict[str, dict[str, list[Any]]]:
    """The study rows' source columns grouped by study_id (sorted), each group's rows in the frame's order.

    Grouped in plain Python: a pandas group per study cost more than all the work done on it
    (seconds for a thousand studies, on every run, cached or not).
    """
    columns = {
        name: ordered[name].tolist() if name in ordered.columns else [None] * len(ordered) for name in INDEX_SOURCE_COLUMNS
    }
    grouped: dict[str, dict[str, list[Any]]] = {}
    for position, study in enumerate(ordered["study_id"].tolist()):
        if cell_text(study) is None:
            continue
        rows = grouped.setdefault(str(study), {name: [] for name in INDEX_SOURCE_COLUMNS})
        for name, values in columns.items():
            rows[name].append(values[position])
    return dict(sorted(grouped.items()))


def study_index_frame(studies: pd.DataFrame, references: pd.DataFrame) -> pd.DataFrame:
    """One row per study_id over every report's published study rows."""
    kinds = TABLES["study_index"].kinds
    if studies.empty or "study_id" not in studies.columns:
        return with_column_types(pd.DataFrame(columns=list(kinds)), kinds)
    listed = references[references["section"] == "summarized"] if "section" in references.columns else references
    titles = {
        (str(report), int(number)): str(title)
        for report, number, title in zip(listed.get("report_id", []), listed.get("ref_no", []), listed.get("title", []))
        if cell_int(number) is not None and cell_text(title) is not None
    }
    ordered = studies.sort_values(["report_id", "ref_no"], kind="mergesort", na_position="last")
    records = [index_record(study, rows, titles) for study, rows in rows_by_study(ordered).items()]
    return with_column_types(pd.DataFrame(records, columns=list(kinds)), kinds)

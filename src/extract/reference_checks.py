"""Cross-checks of the study rows against the report's reference lists, and of the lists themselves.

A row's ref_no must lead to an entry of References Summarized naming the same first author and
year; every summarized entry should be cited by a row; a PMID is listed once per list; PMIDs
and DOIs must have their form. A report with no numbered References Summarized makes no claim
about its rows' references, so nothing is checked against it. Pure functions returning Failures,
as in `extract.checks`; severity comes later from the policy file.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from extract.casts import cell_int, cell_text
from extract.links import cited_reference, name_key, summarized
from extract.model import Failure, Reference
from extract.schemas import row_description


def reference_failures(studies: pd.DataFrame, references: Sequence[Reference], report_id: str) -> list[Failure]:
    """Every reference check of one report."""
    return [
        *missing_reference_failures(studies, references, report_id),
        *uncited_reference_failures(studies, references, report_id),
        *mismatch_failures(studies, references, report_id),
        *duplicate_pmid_failures(references, report_id),
        *malformed_identifier_failures(references, report_id),
    ]


def reference_failure(reference: Reference, check: str, report_id: str, message: str,
                      column: str | None = None, failure_case: str | None = None) -> Failure:
    """A failure about one entry of a list: table `references`, its number and page."""
    return Failure(check, message, report_id, table="references", ref_no=reference.ref_no, column=column,
                   failure_case=failure_case, page_no=reference.page_no)


def study_failure(row: dict, check: str, report_id: str, message: str, column: str | None,
                  failure_case: str | None) -> Failure:
    """A failure about one study row, carrying its key, reference number and page."""
    return Failure(check, message, report_id, study_key=cell_text(row.get("study_key")),
                   ref_no=cell_int(row.get("ref_no")), column=column, failure_case=failure_case,
                   page_no=cell_int(row.get("source_page")))


def missing_reference_failures(studies: pd.DataFrame, references: Sequence[Reference], report_id: str) -> list[Failure]:
    """A row whose ref_no no entry of References Summarized carries: the citation is lost."""
    listed = summarized(references)
    if not listed:
        return []
    return [
        study_failure(row, "reference_missing", report_id,
                      f"{row_description(row)}: References Summarized has no entry {cell_int(row['ref_no'])}.",
                      "ref_no", str(cell_int(row["ref_no"])))
        for row in studies.to_dict("records")
        if cell_int(row.get("ref_no")) is not None and cell_int(row["ref_no"]) not in listed
    ]


def uncited_reference_failures(studies: pd.DataFrame, references: Sequence[Reference], report_id: str) -> list[Failure]:
    """A summarized entry no study row cites: a row may be lost, or the list holds more than the tables."""
    cited = {cell_int(value) for value in studies.get("ref_no", pd.Series(dtype=object)).tolist()}
    return [
        reference_failure(r, "reference_uncited", report_id,
                          f"Reference {r.ref_no} of References Summarized ({entry_name(r)}) is cited by no row "
                          f"of the report's tables.", "ref_no", str(r.ref_no))
        for r in references
        if r.section == "summarized" and r.ref_no not in cited
    ]


def entry_name(reference: Reference) -> str:
    """An entry named as a steward finds it: first author and year, else the start of its text."""
    who = ", ".join(str(part) for part in (reference.first_author, reference.year) if part is not None)
    return who or reference.text[:40]


def mismatch_failures(studies: pd.DataFrame, references: Sequence[Reference], report_id: str) -> list[Failure]:
    """A row whose first author or year differs from the entry its ref_no points to; the message shows both."""
    listed = summarized(references)
    failures = []
    for row in studies.to_dict("records"):
        reference = cited_reference(row, listed)
        if reference is None:
            continue
        author, year = cell_text(row.get("first_author")), cell_int(row.get("year"))
        author_differs = not same_author(author, reference)
        year_differs = reference.year is not None and year is not None and reference.year != year
        if author_differs or year_differs:
            column = "first_author" if author_differs and not year_differs else "year" if year_differs and not author_differs else None
            failures.append(study_failure(
                row, "reference_mismatch", report_id,
                f"{row_description(row)}: the table says {author} ({year}), but reference {reference.ref_no} "
                f"says {reference.first_author or 'no author read'} ({reference.year or 'no year read'}).",
                column, f"{author} ({year}) / {reference.first_author} ({reference.year})",
            ))
    return failures


def same_author(author: str | None, reference: Reference) -> bool:
    """Whether a row's first author is the entry's: the same surname once accents, case and spacing are set aside.

    An entry whose authors could not be read makes no claim; a group author matches a row that
    names the group by its words or its initials.
    """
    if author is None or reference.first_author is None:
        return True
    row_key, listed = name_key(author), name_key(reference.first_author)
    initials = "".join(word[0] for word in reference.first_author.split() if word[:1].isupper()).casefold()
    return row_key in (listed, initials) or (len(row_key) > 3 and row_key in listed)


def duplicate_pmid_failures(references: Sequence[Reference], report_id: str) -> list[Failure]:
    """One PMID on two entries of one list: the same study listed twice, or a PMID misprinted."""
    failures = []
    for section in ("summarized", "additional"):
        entries = [r for r in references if r.section == section and r.pmid]
        for r in entries:
            others = [o.ref_no for o in entries if o.pmid == r.pmid and o is not r]
            if others:
                failures.append(reference_failure(
                    r, "duplicate_pmid", report_id,
                    f"Reference {r.ref_no} ({entry_name(r)}) has PMID {r.pmid}, as "
                    f"reference{'s' if len(others) > 1 else ''} {', '.join(map(str, others))} of the same list does.",
                    "pmid", r.pmid))
    return failures


def malformed_identifier_failures(references: Sequence[Reference], report_id: str) -> list[Failure]:
    """A PMID that is not digits, or a DOI that does not start `10.nnnn/`: left out of the table, listed here."""
    what = {"pmid": ("malformed_pmid", "a PubMed ID of digits"), "doi": ("malformed_doi", "a DOI (10.nnnn/…)")}
    return [
        reference_failure(r, what[field][0], report_id,
                          f"Reference {r.ref_no} ({entry_name(r)}) prints {printed!r} where {what[field][1]} "
                          f"belongs; the {field} column is left empty.", field, printed)
        for r in references
        for field, printed in r.malformed
        if field in what
    ]

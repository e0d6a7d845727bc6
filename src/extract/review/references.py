"""A study's entry in its report's reference list, beside its failures, when the curated folder has one.

The `references` table (report_id, ref_no, text, pmid, doi, url, …) is optional: a curated folder
written before it existed, or by a run that found no reference list, simply has none, and the
page shows no reference then. Links are built only from what can be trusted to be one: a PMID
of digits, a DOI that starts `10.`, a URL that is http(s); anything else is shown as text only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from extract.review.decisions import cell_text_or_empty

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI = "https://doi.org/{}"
PMID = re.compile(r"\d{1,10}")
DOI_NAME = re.compile(r"10\.\d{4,9}/\S+")
WEB = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """One entry of a report's reference list, with the links that lead to the study itself."""

    ref_no: int
    text: str
    links: tuple[tuple[str, str], ...]  # (label, address), shown with the address as its text


def number(value: object) -> int | None:
    """A reference number from a table cell, or None."""
    text = cell_text_or_empty(value).removesuffix(".0").strip()
    return int(text) if text.isdigit() else None


def entry_links(pmid: str, doi: str, url: str) -> tuple[tuple[str, str], ...]:
    """The PubMed, DOI and web links of an entry, each only when its identifier has the right form."""
    links = []
    if PMID.fullmatch(pmid):
        links.append(("PubMed", PUBMED.format(pmid)))
    doi = doi.removeprefix("https://doi.org/").removeprefix("doi:").strip()
    if DOI_NAME.fullmatch(doi):
        links.append(("DOI", DOI.format(quote(doi, safe="/:;()._-"))))
    if WEB.fullmatch(url) and not links:
        links.append(("Link", url))
    return tuple(links)


def reference_index(references: pd.DataFrame) -> Mapping[tuple[str, int], Reference]:
    """Every entry by report and reference number (an empty index when there is no references table)."""
    if references.empty or not {"report_id", "ref_no"} <= set(references.columns):
        return {}
    index: dict[tuple[str, int], Reference] = {}
    for row in references.to_dict("records"):
        ref_no = number(row.get("ref_no"))
        if ref_no is None:
            continue
        text = {name: cell_text_or_empty(row.get(name)).strip() for name in ("text", "pmid", "doi", "url")}
        text["pmid"] = text["pmid"].removesuffix(".0")  # a PMID column read as numbers
        index.setdefault(
            (cell_text_or_empty(row.get("report_id")), ref_no),
            Reference(ref_no, text["text"], entry_links(text["pmid"], text["doi"], text["url"])),
        )
    return index

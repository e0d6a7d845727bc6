"""One reference entry read into its fields, by the rules of Vancouver/NLM, the style these reports cite in.

Journal articles: `Authors. Title. Journal. Year[ Mon[ Day]];Volume(Issue):Pages.`; reports and
web documents: `Authors. Title [Internet]. Place: Publisher; Year[ Mon] [cited …].`; after either,
`doi: 10.…`, `Available from: URL` and, in CADTH lists, a `PubMed: PM12345678` line. A field the
entry does not show in one of these forms stays None: a field that cannot be read is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

YEAR = r"(?:1[89]|20)\d{2}"
PMID_MARK = re.compile(r"\b(?:PubMed\s*(?:ID)?|PMID)\s*:?\s*(?:PMID\s*:?\s*)?(?P<value>\S*)", re.IGNORECASE)
PMID_VALUE = re.compile(r"^(?:PM)?(?P<digits>\d{1,9})$", re.IGNORECASE)
DOI_MARK = re.compile(r"\bdoi\s*:\s*(?P<value>\S*)|https?://(?:dx\.)?doi\.org/(?P<url_value>\S+)", re.IGNORECASE)
DOI_VALUE = re.compile(r"^10\.\d{4,9}/\S+$")
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
AVAILABLE = re.compile(r"\s*\bAvailable (?:from|at)\s*:?\s*$", re.IGNORECASE)
# Where the citation proper ends: the first link or identifier after it.
LINKS_START = re.compile(
    r"\s*(?:\bdoi\s*:|\bPubMed\b|\bPMID\b|\bAvailable (?:from|at)\b|https?://|www\.)", re.IGNORECASE
)
# A line that is only a link or an identifier, as CADTH prints `PubMed: PM12345678` under an entry.
LINK_LINE = re.compile(r"^(?:PubMed|PMID|doi\s*:|Available (?:from|at)|https?://|www\.)", re.IGNORECASE)

# One personal author: surname words (particles, hyphens, apostrophes, accents) and 1–4 initials.
_PERSON = r"[^\W\d_][^,.;:()\[\]\d]*?\s[A-Z]{1,4}"
AUTHORS = re.compile(rf"^(?P<authors>{_PERSON}(?:,\s{_PERSON})*)(?P<et_al>,?\s+et\s+al)?\.\s+")
INITIALS = re.compile(r"^[A-Z]{1,4}$")
# A group as author: the first sentence names an organisation.
ORGANISATION = re.compile(
    r"\b(?:Agency|Institute|Institut|Society|Association|College|Organi[sz]ation|Committee|Group|"
    r"Task Force|Network|Ministry|Department|Council|Foundation|Cent(?:re|er)|Collaboration|"
    r"Academy|Federation|Health Quality|Excellence|Panel|Consortium|Board|Service)\b"
)
JOURNAL_TAIL = re.compile(
    rf"""(?:^|(?<=[.?!]))\s*(?P<journal>[^.?!\[\]]+?)\.\s+
    (?P<year>{YEAR})(?P<date>\s+[A-Z][a-z]{{2}}[^;:.]*?)?
    (?:;\s*(?P<volume>[^\s(:;.][^(:;]*?)?\s*(?:\((?P<issue>[^()]+)\))?)?
    (?::\s*(?P<pages>[A-Za-z]*\d[\w–-]*))?
    \.?\s*$""",
    re.VERBOSE,
)
PUBLISHER_TAIL = re.compile(
    rf"""(?:^|(?<=[.?!]))\s*(?P<place>[^.;:?!]+?)\s*:\s*(?P<publisher>[^;.]+?)\s*;\s*
    (?P<year>{YEAR})(?P<rest>[^.]*?)\.?\s*$""",
    re.VERBOSE,
)
INTERNET = re.compile(r"\s*\[Internet\]\s*$", re.IGNORECASE)
LINK_TOKEN = re.compile(r"^(?:https?://|www\.|(?:doi:)?10\.\d)", re.IGNORECASE)
# pdfium reports the hyphen a producer broke a line at as U+0002 (or a soft hyphen).
BREAK_HYPHENS = "\x02\u00ad"
# An NLM source cut after `(13):` or `2017;` goes on without a space: `(13):1627-31`, `2017;12(3)`.
# A link cut inside a word (a producer breaking a long URL anywhere) goes on with a lower-case
# run holding a URL separator: `recom` / `mendations/sign/reports-7771`.
LINK_GOES_ON = re.compile(r"^[a-z0-9][\w%~=&?#]*[/.\-]\S")
SOURCE_CUT = re.compile(r"(?:[\d)]:|\d;|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec);)$")
SOURCE_GOES_ON = re.compile(r"^[(\d]|^[A-Za-z]{1,2}\d")


def join_entry_lines(lines: Sequence[str]) -> str:
    """An entry's lines joined by newlines, except where a line break cut a link or an NLM source apart.

    A link (URL or DOI) cut after `/` or `-` goes on unspaced on the next line; cut after other
    punctuation (`www.sign.` / `ac.uk`) it goes on when the next line opens in lower case or
    with a digit, so a DOI's closing period before `PubMed:` still ends it; cut inside a word,
    when the next line opens with more of a link. A break hyphen reported as U+0002 or a soft
    hyphen is a printed hyphen: it is kept for `clean_text` to judge like any line-end hyphen.
    """
    joined = ""
    for line in (line.strip() for line in lines):
        if line and joined:
            last = joined.split()[-1]
            hyphen = "-" if last.endswith(tuple(BREAK_HYPHENS)) else ""
            joined = f"{joined.rstrip(BREAK_HYPHENS)}{hyphen}"
            joined = f"{joined}{line}" if glued(last, line) else f"{joined}\n{line}"
        elif line:
            joined = line
    return joined


def glued(last: str, following: str) -> bool:
    """Whether a line ending in the token `last` goes on into `following` without a space."""
    if LINK_TOKEN.match(last):
        if last.endswith(("/", "-", *BREAK_HYPHENS)):
            return True
        if not last[-1].isalnum():
            return bool(re.match(r"[a-z0-9]", following))
        return bool(LINK_GOES_ON.match(following))
    return bool(SOURCE_CUT.search(last) and SOURCE_GOES_ON.match(following))


# The source fields of an entry whose source is in no form the rules know.
NO_SOURCE: dict[str, Any] = dict.fromkeys(("title", "journal", "year", "volume", "issue", "pages"))


def citation_fields(text: str) -> dict[str, Any]:
    """Every field of one cleaned entry the rules can read, as Reference keyword arguments."""
    pmid, pmid_problem = pmid_of(text)
    doi, doi_problem = doi_of(text)
    citation = citation_part(text)
    authors, rest = split_authors(citation)
    fields: dict[str, Any] = {
        "authors": authors,
        "first_author": first_author(authors),
        "pmid": pmid,
        "doi": doi,
        "url": url_of(text),
        "malformed": tuple(problem for problem in (pmid_problem, doi_problem) if problem),
    }
    return {**fields, **NO_SOURCE, **source_fields(rest)}


def pmid_of(text: str) -> tuple[str | None, tuple[str, str] | None]:
    """The PMID's digits (`PubMed: PM29135085` → `29135085`), or a problem when one is printed malformed."""
    match = PMID_MARK.search(text)
    if match is None:
        return None, None
    printed = match["value"].rstrip(".,;")
    value = PMID_VALUE.match(printed)
    return (value["digits"], None) if value else (None, ("pmid", printed or match.group(0)))


def doi_of(text: str) -> tuple[str | None, tuple[str, str] | None]:
    """The DOI as printed without a closing period, or a problem when `doi:` is followed by something else."""
    match = DOI_MARK.search(text)
    if match is None:
        return None, None
    printed = (match["value"] if match["value"] is not None else match["url_value"]).rstrip(".,;")
    return (printed, None) if DOI_VALUE.match(printed) else (None, ("doi", printed or match.group(0)))


def url_of(text: str) -> str | None:
    """The first URL of the entry, without the sentence's closing period."""
    match = URL.search(text)
    return match.group(0).rstrip(".,;") if match else None


def citation_part(text: str) -> str:
    """The entry before its links and identifiers."""
    match = LINKS_START.search(text)
    return (text[: match.start()] if match else text).strip()


def split_authors(citation: str) -> tuple[tuple[str, ...], str]:
    """The author list (personal names, or one organisation) and the citation after it."""
    match = AUTHORS.match(citation)
    if match:
        return tuple(name.strip() for name in match["authors"].split(", ")), citation[match.end():]
    first, stop, rest = citation.partition(". ")
    if stop and ORGANISATION.search(first) and ":" not in first:
        return (first.strip(),), rest
    return (), citation


def first_author(authors: tuple[str, ...]) -> str | None:
    """The first author's surname as printed; a group author is named whole."""
    if not authors:
        return None
    name = authors[0]
    if ORGANISATION.search(name):
        return name
    words = name.split()  # Vancouver puts initials after the surname: only trailing ones go
    return " ".join(words[:-1] if len(words) > 1 and INITIALS.match(words[-1]) else words) or None


def source_fields(rest: str) -> dict[str, Any]:
    """Title, journal, year, volume, issue and pages from the citation after its authors."""
    journal = JOURNAL_TAIL.search(rest)
    if journal and journal.start("journal") > 0:
        return {
            "title": title_of(rest[: journal.start("journal")]),
            "journal": journal["journal"].strip(),
            "year": int(journal["year"]),
            "volume": blank_to_none(journal["volume"]),
            "issue": blank_to_none(journal["issue"]),
            "pages": blank_to_none(journal["pages"]),
        }
    published = PUBLISHER_TAIL.search(rest)
    if published and published.start("place") > 0:
        return {"title": title_of(rest[: published.start("place")]), "year": int(published["year"])}
    return {}


def title_of(text: str) -> str | None:
    """A title as printed: its closing period and an `[Internet]` marker left out, `?` and `!` kept."""
    title = INTERNET.sub("", text.strip().removesuffix(".").strip())
    return title or None


def blank_to_none(value: str | None) -> str | None:
    """None for a missing or blank captured field."""
    return value.strip() if value and value.strip() else None

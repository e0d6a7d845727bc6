"""The literature search: its publication window, its language limits and the resources searched."""

from __future__ import annotations

import calendar
import re
from datetime import date

from extract import fields
from extract.meta.sections import sentences, split_top_level


SEARCH_WINDOWS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\bbetween\s+(?P<start>{fields.DATE_PATTERN})\s+and\s+(?P<end>{fields.DATE_PATTERN})",
        rf"\bfrom\s+(?P<start>{fields.DATE_PATTERN})\s+(?:to|until|through)\s+(?P<end>{fields.DATE_PATTERN})",
        rf"\b(?:since|after|from)\s+(?P<start>{fields.DATE_PATTERN})",
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


# A full month name printed with artifact spaces inside it (`Nov ember`, `Sept ember`): its
# letters in order with at most one space between any two, the first and last not split off.
_SPACED_MONTH = re.compile(
    r"\b(?:"
    + "|".join(" ?".join(name) for name in sorted({n for n in fields.MONTHS if len(n) > 4}, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


def with_month_names_joined(text: str) -> str:
    """The text with full month names that character spacing split joined again (`Nov ember 6`
    -> `November 6`); a name printed whole, and every other word, is left as printed."""
    return _SPACED_MONTH.sub(lambda match: match.group(0).replace(" ", ""), text)


def search_window(methods: str) -> tuple[date | None, date | None]:
    """The publication window of the literature search, from the first sentence stating one."""
    for sentence in map(with_month_names_joined, sentences(methods)):
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


def split_final_pair(item: str) -> list[str]:
    """Split a last list item `Embase and PubMed` at its first `and` between capitalised names."""
    left, sep, right = item.partition(" and ")
    balanced = left.count("(") == left.count(")")
    if sep and balanced and left[:1].isupper() and right[:1].isupper():
        return [left.strip(), right.strip()]
    return [item]

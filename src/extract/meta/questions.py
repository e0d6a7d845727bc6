"""Research questions: numbered, lettered, bulleted or separate paragraphs, one cleaned line each."""

from __future__ import annotations

import re
from typing import Sequence

from extract.meta.sections import Line
from extract.text.clean import BULLET_START, clean_text


QUESTION_BREAK = re.compile(r"(?<=\?)\s+(?=[A-Z])")
LIST_MARKER = re.compile(r"^\s*\(?(?:\d{1,2}|[a-zA-Z])[.)]\s+")
# A numbering a producer printed apart from its question (a Word list's "1." before a tab).
LONE_MARKER = re.compile(r"^\s*\(?(?:\d{1,2}|[a-zA-Z])[.)]\s*$")


def research_questions(section: Sequence[Line]) -> tuple[str, ...]:
    """Each research question on one cleaned line, wrapped lines joined, lead-ins left out."""
    cleaned = (clean_text("\n".join(item)) for item in question_items(section))
    questions = (q.strip() for text in cleaned for q in QUESTION_BREAK.split(text))
    return tuple(q for q in questions if q and not q.endswith(":"))


def question_items(section: Sequence[Line]) -> list[list[str]]:
    """Group a section's lines into items, one per numbered, bulleted or separate question.

    A marker printed on a line of its own opens an item that the next line fills.
    """
    items: list[list[str]] = []
    previous: Line | None = None
    after_marker = False
    for line in section:
        lone = LONE_MARKER.match(line.text) is not None
        if lone or (not after_marker and starts_question(line, previous)):
            items.append([])
        if not lone:
            items[-1].append(BULLET_START.sub("", LIST_MARKER.sub("", line.text)))
        after_marker, previous = lone, line
    return [item for item in items if item]


def starts_question(line: Line, previous: Line | None) -> bool:
    """A list marker, or a new block after a finished sentence (not a page-broken one)."""
    if previous is None or LIST_MARKER.match(line.text) or BULLET_START.match(line.text):
        return True
    finished = previous.text.rstrip().endswith(("?", ".", ":"))
    return finished and line.block_index != previous.block_index

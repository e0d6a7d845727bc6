"""Where a cell's sentence stands at a block's end: cut inside it, or finished."""

from __future__ import annotations

import re


_DANGLING_END = re.compile(
    r"(\b(and|or|of|the|a|an|with|in|on|at|to|for|by|from|than|between|vs|versus|was|were|is|are|that|which"
    r"|who|as|but|not|no|per)|[,;:(\u2013-])\s*$",
    re.IGNORECASE,
)


def ends_mid_sentence(text: str) -> bool:
    """A block ending in a connective word or a comma, or inside a parenthesis (`(OR 1.45; 95%`),
    was cut inside a sentence; its cell goes on."""
    return bool(_DANGLING_END.search(text)) or text.count("(") > text.count(")")


def closes_sentence(text: str) -> bool:
    """A text ending in a full stop, a question or exclamation mark, or a colon: what follows starts anew."""
    return text.rstrip().endswith((".", "!", "?", ":"))

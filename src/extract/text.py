"""The single home of text cleanup: spacing artifacts, line joins, hyphens, bullets, Unicode.

Every function here is pure. Nobody cleans text anywhere else.
"""

from __future__ import annotations


def clean_text(text: str) -> str:
    """Clean one cell or paragraph: join wrapped lines, repair spacing, tidy punctuation."""
    raise NotImplementedError


def clean_findings(text: str) -> str:
    """Clean a cell that may hold a bullet list: one finding per line, bullets removed."""
    raise NotImplementedError


def repair_spacing(text: str) -> str:
    """Join word fragments split by PDF character spacing (`adv erse ev ents` → `adverse events`)."""
    raise NotImplementedError

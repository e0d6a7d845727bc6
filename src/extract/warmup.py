"""Imported by the isolation forkserver (`isolation.WORKER_PRELOAD`): loads, once, what the first
extraction of every forked worker would otherwise load again.

Each report is read in a process forked from that server; caches loaded lazily on first use
(the word list behind the spacing repair, a large one) would be loaded again by every worker.
Looking one word up here, at import, loads it before the fork. Nothing here imports pandas:
parsing workers stay small, and shaping and validation run in the process that asked.
"""

from __future__ import annotations

from extract.text.spacing import is_word


def warm_up() -> None:
    """Look up one word, so the lexicon is in memory before any worker is forked."""
    is_word("report")


warm_up()

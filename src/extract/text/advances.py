"""Word breaks a text export marks after letters with extra advance.

A PDF whose glyphs carry extra advance after a few letters comes out of some text tools with a
space inside words after those letters (`Nov ember`, `intrav enous`) and, where a real word
break follows one of them, two spaces (the advance, then the space). The text's own double
spaces name the letters; one space after them is then closed. Layout-preserving exports, whose
double spaces align columns after any letter, show no such pattern and are left alone.
"""

from __future__ import annotations

import re
from collections import Counter

from extract.text.spacing import lexicon_word, word_zipf

# A text export that prints a word break after a glyph with extra advance as two spaces (the
# advance, then the space) marks the advance alone with one: at least this many such breaks …
MIN_MARKED_BREAKS = 5
# … nearly all of them after the same few letters.
MIN_MARKED_SHARE = 0.8
MAX_MARKED_LETTERS = 4
_DOUBLE_SPACE_AFTER_LETTER = re.compile(r"([^\W\d_])  (?=[^\W\d_])")


def marked_advance_letters(text: str) -> frozenset[str]:
    """The letters after which a text export prints its word breaks as two spaces, when it shows
    that pattern: the source's own evidence that one space after those letters is extra advance
    inside a word, not a break. Empty when the text shows no such pattern (most text, and
    layout-preserving exports, whose double spaces align columns after any letter)."""
    after = Counter(match.group(1) for match in _DOUBLE_SPACE_AFTER_LETTER.finditer(text))
    total = sum(after.values())
    if total < MIN_MARKED_BREAKS:
        return frozenset()
    letters, covered = [], 0
    for letter, count in after.most_common(MAX_MARKED_LETTERS):
        letters.append(letter)
        covered += count
        if covered >= MIN_MARKED_SHARE * total:
            return frozenset(letters) | advance_letters(text)
    return frozenset()


# A letter shows extra advance after it when this many single-space gaps after it join into
# words the lexicon knows (`intrav enous`, `Nov ember`) …
MIN_ADVANCE_JOINS = 5
# … and they are at least this share of its single-space gaps before a lower-case letter.
MIN_ADVANCE_SHARE = 0.5
_SINGLE_SPACE_AFTER_LETTER = re.compile(r"([^\W\d_]+) (?! )(?=([a-z][^\W\d_]*))")


def advance_letters(text: str) -> frozenset[str]:
    """Letters the text shows extra advance after: most of their single-space gaps before a
    lower-case letter join two pieces into a word the lexicon knows (a word break after them
    being printed as two spaces, `marked_advance_letters`, these gaps are inside words)."""
    gaps: Counter[str] = Counter()
    joins: Counter[str] = Counter()
    for match in _SINGLE_SPACE_AFTER_LETTER.finditer(text):
        left, right = match.group(1), match.group(2)
        letter = left[-1]
        gaps[letter] += 1
        if lexicon_word((left + right).lower()) and not (lexicon_word(left.lower()) and lexicon_word(right)):
            joins[letter] += 1
    return frozenset(letter for letter, count in joins.items() if count >= MIN_ADVANCE_JOINS and count >= MIN_ADVANCE_SHARE * gaps[letter])


def close_marked_advances(text: str, letters: frozenset[str]) -> str:
    """A text with the pattern `marked_advance_letters` found: one space after one of those
    letters and before a letter is closed (`Nov ember`, `of ten` -> `often`), two are one.
    An export is not always consistent: a common lower-case word that makes no word with the
    piece after it keeps its space (`therapy v s`: a real break printed with one space)."""
    if not letters:
        return text
    marked = "".join(sorted(re.escape(letter) for letter in letters))
    closed = re.sub(rf"([^\W\d_]*[{marked}]) (?=([^\W\d_]+))", _closed_gap, text)
    return closed.replace("\x00", "").replace("  ", " ") if "\x00" in closed else closed


# A lower-case word at least this common keeps a single space after it when joining it to the
# next piece makes no word.
MIN_ZIPF_KEPT_APART = 3.5


def _closed_gap(match: re.Match[str]) -> str:
    """One single-space gap after a marked letter: closed (a NUL mark), or kept as a real break."""
    left, right = match.group(1), match.group(2)
    kept = left.islower() and lexicon_word(left) and word_zipf(left) >= MIN_ZIPF_KEPT_APART and not lexicon_word((left + right).lower())
    return f"{left} " if kept else f"{left}\x00"

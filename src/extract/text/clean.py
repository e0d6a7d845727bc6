"""The single home of text cleanup: characters, line joins, line-break hyphens and bullets.

Every function here is pure, and nobody cleans text anywhere else: table cells, metadata and
study fields all pass through `clean_text` (one paragraph) or `clean_findings` (a bullet list,
one finding per line). Spacing repair, the one cleanup that needs a lexicon, is `extract.text.spacing`.
"""

from __future__ import annotations

import re
import unicodedata

from extract.text.spacing import keeps_line_break_hyphen, repair_spacing, word_zipf

# The one set of bullet glyphs: the usual bullet characters, and the whole Private Use Area,
# where Symbol and Wingdings fonts put theirs (U+F0B7 and its neighbours).
BULLET_CHARS = "•▪◦●○■□►▸‣⁃∙➢➤✓✔❖◆◇"
BULLET = BULLET_CHARS[0]  # the bullet written where a drawing, not a glyph, marks a list item
BULLET_CLASS = f"\ue000-\uf8ff{BULLET_CHARS}"  # inside a regex character class
BULLET_START = re.compile(rf"^\s*[{BULLET_CLASS}]\s*")
LONE_BULLET = re.compile(rf"\s*[{BULLET_CLASS}]\s*")
_BULLET_ANYWHERE = re.compile(f"[{BULLET_CLASS}]")
_DASH_BULLET_AT_LINE_START = re.compile(r"^[ \t]*(?:[-–—*](?:[ \t]+|$))+", re.MULTILINE)
# A glyph the PDF gives no character for, standing alone at a line's start, is a list bullet
# (a Symbol-font bullet without a Unicode map: pdfminer reads `(cid:N)`, and a PDF writer that
# redraws it, such as cairo, maps it to U+FFFD); anywhere else it stays, for validation to flag.
_UNMAPPED_BULLET_AT_LINE_START = re.compile(r"^[ \t]*(?:\(cid:\d+\)|\ufffd)(?:[ \t]+|$)", re.MULTILINE)
# Text tools often drop a private-use bullet glyph and keep only the indent it left.
_INDENTED_LINE_START = re.compile(r"^[ \t\u00a0]+(?=\S)", re.MULTILINE)
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None)
# Latin typographic ligatures (ﬁ, ﬂ, ﬀ, ﬃ, ﬄ, ﬅ, ﬆ) are one glyph a producer drew for two or three
# letters; the letters are the text. Readers expand them as text leaves the PDF.
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_CHARACTER_FIXES = {**_INVISIBLE_CHARS, **LIGATURES}
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_CONTROL_CHARS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc, newline kept


def starts_list_item(line: str) -> bool:
    """Whether a raw line opens a list item: a bullet glyph or a dash bullet at its start."""
    return any(pattern.match(line) for pattern in (BULLET_START, _DASH_BULLET_AT_LINE_START, _UNMAPPED_BULLET_AT_LINE_START))


def without_list_marker(line: str) -> str | None:
    """A line that opens a list item with its marker (bullet glyph, dash, unmapped glyph) taken
    off; None for a line that opens no item."""
    for pattern in (BULLET_START, _DASH_BULLET_AT_LINE_START, _UNMAPPED_BULLET_AT_LINE_START):
        if pattern.match(line):
            return pattern.sub("", line, count=1).strip()
    return None


def is_bullet_glyph(char: str) -> bool:
    """Whether one character is a bullet glyph (of BULLET_CHARS or the Private Use Area)."""
    return len(char) == 1 and _BULLET_ANYWHERE.match(char) is not None


def clean_text(text: str) -> str:
    """Clean one cell or paragraph: join wrapped lines, repair spacing, tidy punctuation."""
    text = join_wrapped_lines(normalize_characters(text))
    text = _HORIZONTAL_SPACE.sub(" ", text).strip()
    return repair_spacing(text)


def clean_findings(text: str) -> str:
    """Clean a cell that may hold a bullet list: one finding per line, bullets removed."""
    findings = (clean_text(finding) for finding in split_findings(text))
    return "\n".join(finding for finding in findings if finding)


def normalize_characters(text: str) -> str:
    """NFC-normalise, expand ligature glyphs and drop control and invisible characters, keeping printed symbols as they are."""
    text = unicodedata.normalize("NFC", text).translate(_CHARACTER_FIXES)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _CONTROL_CHARS.sub("", text)


def join_wrapped_lines(text: str) -> str:
    """Join lines wrapped by layout into one line, resolving hyphens left at line ends."""
    lines = [line.strip() for line in text.split("\n")]
    joined = ""
    for line in (line for line in lines if line):
        if not joined:
            joined = line
        elif re.search(r"[^\W\d_]-$", joined) and re.match(r"[^\W\d_]", line):
            keep = keeps_line_break_hyphen(joined[:-1], line)
            joined = joined + line if keep else joined[:-1] + line
        elif re.search(r"\w-$", joined):
            joined = joined + line
        else:
            joined = joined + " " + line
    return joined


def split_findings(text: str) -> list[str]:
    """Split a cell's raw text at bullet glyphs, line-start dash bullets and indented lines."""
    text = _INDENTED_LINE_START.sub("\ue000", text)
    text = normalize_characters(text)
    text = _DASH_BULLET_AT_LINE_START.sub("\ue000", text)
    text = _UNMAPPED_BULLET_AT_LINE_START.sub("\ue000", text)
    return _BULLET_ANYWHERE.split(text)


_LINE_END_HYPHEN = re.compile(r"[^\W\d_]-[ \t]*$", re.MULTILINE)
_HYPHENATED = re.compile(r"\b([^\W\d_]{2,})-([^\W\d_]{2,})\b")
_LONG_WORD = re.compile(r"\b[^\W\d_]{4,}\b")


def restore_dropped_hyphens(text: str) -> str:
    """A text export that drops the hyphen of every word it joins at a line end (pdftotext's
    default mode) shows no line ending in a hyphen; there, a word printed elsewhere in the same
    text with a hyphen (`evidence-based`) gets it back where it was glued (`Evidencebased`).

    Only a glued word no dictionary knows is restored, and only to the text's own hyphenation:
    a source may print a compound both ways (`nonrandomized` beside `non-randomized`), and a
    word it never hyphenates stays as printed."""
    if _LINE_END_HYPHEN.search(text):
        return text
    compounds = {(left + right).casefold(): len(left) for left, right in _HYPHENATED.findall(text)}
    if not compounds:
        return text

    def restored(match: re.Match[str]) -> str:
        word = match.group(0)
        cut = compounds.get(word.casefold())
        return word if cut is None or word_zipf(word.casefold()) > 0 else f"{word[:cut]}-{word[cut:]}"

    return _LONG_WORD.sub(restored, text)

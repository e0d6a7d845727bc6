"""Spacing repair: join word fragments that PDF character spacing split (`adv erse ev ents`).

A PDF places glyphs, not words; text extractors guess word breaks from the gaps, and a report
whose glyphs carry extra advance comes out with spaces inside words. Whether a space is such an
artifact is decided here from the `wordfreq` lexicon (Zipf scale: log10 of frequency per billion
words, so 7 ≈ "the", 3 ≈ once per million words, 0 = unknown). A space is joined only where at
least one side is no word, and only into a word; where a run of fragments allows several
joinings (`rev iew ed`), the most probable reading under the lexicon wins, ties going to fewer
joins. Two words are never joined (`of all`, `by the`, `may be` stay apart).

One mechanism also joins into words no lexicon knows (rare surnames, drug names): some
producers place glyphs with extra advance after the letters f, v and y, so a break right after
one of them is an artifact when the right part continues in lower case and neither part is a
word (`Duf resne`, `Hy aluronic`, `Kowalczy k`, `Lindqv ist`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

# A token of five or more letters is a word at this frequency: it keeps rare clinical terms
# ("heparin", "etiology") while leaving PDF fragments ("enous", "ersus", "stematic") out.
MIN_ZIPF_LONG = 2.5
# Short tokens need more, since the lexicon holds web noise for them: "erse", "ents", "ment",
# "ween" sit below the four-letter bar, "adv", "nin", "iew", "ver", "sus" below the three-letter one.
MIN_ZIPF_FOUR_LETTERS = 3.3
MIN_ZIPF_THREE_LETTERS = 3.5
# Function words ("of", "to", "in", "am") pass; web-noise pairs ("ev", "ed", "sy") do not.
MIN_ZIPF_TWO_LETTERS = 5.5
# Two lone letters may join into a two-letter word (`v s` → `vs`), since neither side is a word.
MIN_ZIPF_TWO_LETTERS_JOINED = 4.5
# Of single letters only these are words.
SINGLE_LETTER_WORDS = frozenset({"a", "A", "I"})
# The score of a segment the lexicon does not know, when candidate readings are compared.
UNKNOWN_WORD_LOG10_PROB = -12.0
# The longest run of fragments considered as one word.
MAX_TOKENS_JOINED = 6
# The letters after which producers leave the extra advance.
ARTIFACT_LETTERS = frozenset("fvy")
# After an f/v/y break, a right part the lexicon rates below this is no word when the left part is
# unknown (`Lindqv ist`); name particles and Latin (`et`, `de`, `von`, `der`) sit above, so
# `Tabory et al.` stays apart.
MAX_ZIPF_ARTIFACT_TAIL = 3.5
# A known left part of an f/v/y break counts as a fragment only up to this length (`Duf`, `Hy`);
# longer ones are rare words (`lymphadenopathy`).
MAX_LETTERS_KNOWN_ARTIFACT_HEAD = 4
# A spaced hyphen before a word this common is a clause dash (`safety - and`), not a split hyphen.
MIN_ZIPF_FUNCTION_WORD = 6.0
# Beside an f/v/y break, parts of up to four letters count as words only at Zipf 4.0: the lexicon's
# web noise rates fragments such as `ing`, `dev`, `ref`, `def` between 3.7 and 4.0 (`try ing`,
# `dev eloped` join), while short clinical words (`dose`, `oral`, `lung`) sit above.
MAX_LETTERS_SHORT_PART = 4
MIN_ZIPF_SHORT_PART_AT_ARTIFACT = 4.0

_LEADING_PUNCT = "\"“‘'([{<«"
_TRAILING_PUNCT = "\"”’'.,;:!?)]}>»"
# Citation numbers a superscript left on the word it follows (`evaluation,1`, `guidelines3-4`, `trial2`);
# after three letters at least, so a name with its number (`B12`, `p53`, `T2`) stays one token.
_CITATION_TAIL = re.compile(r"(?<=[^\W\d_]{3})[.,;:)]?\d{1,3}(?:[-–,]\d{1,3})*$")
_LEXICAL_SEGMENT = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# The capital after a surname prefix marks no abbreviation, so `McAv oy` can join like any name.
_SURNAME_PREFIX = re.compile(r"^(?:Ma?c|[OD]['’])(?=[A-Z][a-z])")
_SPACE_BEFORE_CLOSING_PUNCT = re.compile(r"[ \t]+([,;:.!?)\]])(?=\s|$)")
_SPACE_BEFORE_PREFIX_HYPHEN = re.compile(r"(?<!\S)([^\W\d_]{2,}) -([^\W\d_]{2,})(?=[\s,.;:)]|$)")
_SPACED_DASH = re.compile(r"(?<=\S)[ \t]+[-–—][ \t]+(?=\S)")
# The f/v/y advance before a hyphen leaves `community - acquired`.
_ARTIFACT_SPACED_HYPHEN = re.compile(r"(?<![\w'’-])([^\W\d_]+[fvy]) - ([a-z][^\W\d_]*)(?![\w'’])")


def repair_spacing(text: str) -> str:
    """Join word fragments split by PDF character spacing (`adv erse ev ents` → `adverse events`)."""
    repaired = close_artifact_hyphens(tidy_punctuation_spacing(text))
    previous = None
    while repaired != previous:  # each pass only removes spaces, so this ends
        previous = repaired
        repaired = "\n".join(_repair_line(line) for line in previous.split("\n"))
    return repaired


def soft_gap_breaks(pieces: Sequence[str]) -> tuple[bool, ...]:
    """Which gaps between the pieces of one token are word breaks, for pieces a page drew with no
    space glyph between them on a page that writes its spaces (`extract.layout.spacing`).

    The glyphs say the gaps are inside a word; two real words are still never joined. Among the
    ways to read the pieces as words the lexicon knows (`of` + `follow-up`, `five` + `years`),
    the one with the fewest words wins; when there is none (`Trembla` + `y`, `Lindq` + `v` +
    `ist`), the token is one word, whatever the lexicon says of it. No word is read across a
    gap where a capital follows a small letter (`Summary` + `of` + `Included`): the capitals
    joined pieces gain would make any run of words read as one abbreviation; nor across a bracket.
    """
    count = len(pieces)
    fewest: list[tuple[int, ...] | None] = [()] + [None] * count  # word ends of the best reading of pieces[:end]
    for end in range(1, count + 1):
        for start in range(end):
            before = fewest[start]
            if before is not None and not _parted_words(pieces[start:end]) and _reads_as_word("".join(pieces[start:end])):
                if fewest[end] is None or len(before) + 1 < len(fewest[end] or ()):
                    fewest[end] = (*before, end)
    ends = fewest[count]
    if ends is None or len(ends) == 1:
        return (False,) * (count - 1)
    return tuple(gap in ends for gap in range(1, count))


def _parted_words(pieces: Sequence[str]) -> bool:
    """Whether a piece after the first opens with a capital after one ending in a small letter, or
    follows a closing bracket or opens with an opening one: a word does not go on across a bracket
    (`(2018)` + `Prospective`, two cells set a couple of points apart)."""
    return any(
        (left[-1:].islower() and right[:1].isupper()) or left.endswith((")", "]")) or right.startswith(("(", "["))
        for left, right in zip(pieces, pieces[1:])
    )


def _reads_as_word(token: str) -> bool:
    """A word for `soft_gap_breaks`: as `is_word`, two letters at the lower bar of a join (`vs`)."""
    core = _core(token)[1]
    return is_word(token) or (len(core) == 2 and _is_lexical(core) and word_zipf(core) >= MIN_ZIPF_TWO_LETTERS_JOINED)


def is_word(token: str) -> bool:
    """Tell whether a token reads as printed (a word, number or abbreviation), not a PDF fragment.

    Validation uses it to flag leftover character-spacing artifacts such as `erse` or `nin`.
    """
    _, core, _ = _core(token)
    segments = [segment for segment in core.split("-") if segment]
    return all(is_taken_as_printed(seg) or lexicon_word(seg) for seg in segments)


@lru_cache(maxsize=200_000)
def word_zipf(word: str) -> float:
    """Look a single lexical segment up in the English frequency lexicon, cached."""
    return zipf_frequency(word.replace("’", "'"), "en")


def _core(token: str) -> tuple[str, str, str]:
    """Split a token into leading punctuation, core and trailing punctuation (a citation number
    printed onto a word, `evaluation,1` or `guidelines3-4`, trails with it)."""
    start, end = 0, len(token)
    while start < end and token[start] in _LEADING_PUNCT:
        start += 1
    citation = _CITATION_TAIL.search(token, start)
    if citation is not None:
        end = citation.start()
    while end > start and token[end - 1] in _TRAILING_PUNCT:
        end -= 1
    return token[:start], token[start:end], token[end:]


def _is_lexical(segment: str) -> bool:
    """Tell whether a hyphen-free segment is letters only (apostrophes inside allowed)."""
    return _LEXICAL_SEGMENT.fullmatch(segment) is not None


def _without_surname_prefix(segment: str) -> str:
    """Drop a surname prefix (`McAv` → `Av`, `O'Neil` → `Neil`), whose capitals mark no abbreviation."""
    return _SURNAME_PREFIX.sub("", segment)


def is_taken_as_printed(segment: str) -> bool:
    """Tell whether a segment is an abbreviation, number or symbol that repair must leave alone."""
    if not _is_lexical(segment):
        return True
    return sum(1 for char in _without_surname_prefix(segment) if char.isupper()) >= 2


def lexicon_word(segment: str) -> bool:
    """Tell whether a lexical segment is frequent enough for its length to count as a word."""
    if len(segment) == 1:
        return segment in SINGLE_LETTER_WORDS
    if len(segment) == 2:
        return word_zipf(segment) >= MIN_ZIPF_TWO_LETTERS
    if len(segment) == 3:
        return word_zipf(segment) >= MIN_ZIPF_THREE_LETTERS
    if len(segment) == 4:
        return word_zipf(segment) >= MIN_ZIPF_FOUR_LETTERS
    return word_zipf(segment) >= MIN_ZIPF_LONG


def _log10_probability(text: str) -> float:
    """Score a candidate reading of a token: the sum of its segments' log10 probabilities."""
    total = 0.0
    for segment in (seg for seg in text.split("-") if seg):
        zipf = word_zipf(segment) if _is_lexical(segment) else 0.0
        total += zipf - 9.0 if zipf > 0 else UNKNOWN_WORD_LOG10_PROB
    return total


@dataclass(frozen=True)
class _Token:
    """One whitespace-separated token and the facts that decide whether it may join a neighbour."""

    text: str
    first: str
    last: str
    left_open: bool
    right_open: bool
    first_is_word: bool
    last_is_word: bool
    first_is_common: bool
    last_is_common: bool


@lru_cache(maxsize=200_000)
def _token(text: str) -> _Token:
    """Describe a token: which of its edges may join, and whether its edge segments are words."""
    lead, core, trail = _core(text)
    segments = core.split("-")
    first, last = segments[0], segments[-1]
    first_joinable = bool(first) and not is_taken_as_printed(first)
    last_joinable = bool(last) and not is_taken_as_printed(last)
    hyphenated = len(segments) > 1
    return _Token(
        text=text,
        first=first,
        last=last,
        left_open=not lead and first_joinable,
        right_open=not trail and last_joinable,
        first_is_word=not first_joinable or _edge_is_word(first, prefix=hyphenated),
        last_is_word=not last_joinable or _edge_is_word(last, prefix=False),
        first_is_common=not first_joinable or _is_common_word(first),
        last_is_common=not last_joinable or _is_common_word(last),
    )


def _is_common_word(segment: str) -> bool:
    """Tell whether a segment stays a word beside an f/v/y break: short ones need Zipf ≥ 4.5 there."""
    if not lexicon_word(segment):
        return False
    return len(segment) > MAX_LETTERS_SHORT_PART or word_zipf(segment) >= MIN_ZIPF_SHORT_PART_AT_ARTIFACT


def _edge_is_word(segment: str, prefix: bool) -> bool:
    """Tell whether a token's edge segment is a word; before a hyphen any known prefix counts (`re-`).

    After a hyphen the segment must be a word itself, so `Meta-analy sis` still joins.
    """
    return lexicon_word(segment) or (prefix and word_zipf(segment) > 0)


def _gap_is_open(left: _Token, right: _Token) -> bool:
    """Tell whether a space may be a spacing artifact: joinable edges, not both sides words."""
    if not (left.right_open and right.left_open):
        return False
    if _follows_artifact_letter(left, right):
        return not (left.last_is_common and right.first_is_common)
    return not (left.last_is_word and right.first_is_word)


def _follows_artifact_letter(left: _Token, right: _Token) -> bool:
    """Tell whether a gap comes right after f, v or y and the text goes on in lower case."""
    return left.last[-1:] in ARTIFACT_LETTERS and right.first[:1].islower()


def _is_artifact_break(left: _Token, right: _Token) -> bool:
    """Tell whether a gap is the extra advance PDFs leave after f, v or y inside one word (`Duf resne`)."""
    head, tail = left.last, right.first
    if not (_gap_is_open(left, right) and _follows_artifact_letter(left, right)):
        return False
    if left.last_is_word or right.first_is_word:
        return False
    if word_zipf(head) > 0 and len(head) > MAX_LETTERS_KNOWN_ARTIFACT_HEAD:
        return False
    return len(tail) == 1 or word_zipf(tail) == 0 or (word_zipf(head) == 0 and word_zipf(tail) < MAX_ZIPF_ARTIFACT_TAIL)


def _joined_is_word(texts: list[str]) -> bool:
    """Tell whether gluing tokens makes a word at every junction, or every junction is an f/v/y artifact."""
    segments = _junction_segments(texts)
    if all(_is_joinable_result(segment) for segment in segments):
        return True
    tokens = [_token(text) for text in texts]
    return all(_is_artifact_break(left, right) for left, right in zip(tokens, tokens[1:])) and all(
        _has_word_shape(segment) for segment in segments
    )


def _has_word_shape(segment: str) -> bool:
    """Tell whether a glued segment looks like one printed word: letters, lower or title case."""
    if not _is_lexical(segment) or is_taken_as_printed(segment):
        return False
    bare = _without_surname_prefix(segment)
    return bare.islower() or bare.istitle()


def _is_joinable_result(segment: str) -> bool:
    """Tell whether a glued segment is a word; two glued letters need a lower bar (`vs`)."""
    if not _has_word_shape(segment):
        return False
    if len(segment) == 2:
        return word_zipf(segment) >= MIN_ZIPF_TWO_LETTERS_JOINED
    return lexicon_word(segment)


def _junction_segments(texts: list[str]) -> list[str]:
    """List the hyphen segments of a glued token that span a junction between the parts."""
    joined = "".join(texts)
    boundaries, offset = [], 0
    for text in texts[:-1]:
        offset += len(text)
        boundaries.append(offset)
    segments, start = [], 0
    for piece in joined.split("-"):
        end = start + len(piece)
        if any(start < boundary < end for boundary in boundaries):
            segments.append(_core(piece)[1])
        start = end + 1
    return segments


def _best_joining(tokens: list[str]) -> list[str]:
    """Choose the most probable way to glue a run of tokens whose gaps are all open."""
    best: list[tuple[float, int, list[str]]] = [(0.0, 0, [])]
    for end in range(1, len(tokens) + 1):
        candidates = []
        for start in range(max(0, end - MAX_TOKENS_JOINED), end):
            parts = tokens[start:end]
            if len(parts) > 1 and not _joined_is_word(parts):
                continue
            score, joins, words = best[start]
            glued = "".join(parts)
            score += _log10_probability(_core(glued)[1])
            candidates.append((score, joins + len(parts) - 1, words + [glued]))
        best.append(max(candidates, key=lambda item: (round(item[0], 9), -item[1])))
    return best[-1][2]


def _repair_line(line: str) -> str:
    """Repair character spacing inside one line, keeping its whitespace where nothing joins."""
    pieces = re.split(r"([ \t]+)", line)
    words, gaps = pieces[0::2], pieces[1::2]
    if len(words) < 2:
        return line
    tokens = [_token(word) for word in words]
    out: list[str] = []
    run = [words[0]]
    for index, gap in enumerate(gaps):
        if gap == " " and _gap_is_open(tokens[index], tokens[index + 1]):
            run.append(words[index + 1])
            continue
        out.append(" ".join(_best_joining(run) if len(run) > 1 else run))
        out.append(gap)
        run = [words[index + 1]]
    out.append(" ".join(_best_joining(run) if len(run) > 1 else run))
    return "".join(out)


def tidy_punctuation_spacing(text: str) -> str:
    """Remove spaces a PDF put before closing punctuation (`patients .`) and hyphens (`non -randomized`)."""
    text = _SPACE_BEFORE_CLOSING_PUNCT.sub(r"\1", text)
    return _SPACE_BEFORE_PREFIX_HYPHEN.sub(_join_prefix_hyphen, text)


def _join_prefix_hyphen(match: re.Match[str]) -> str:
    """Close `non -randomized` up when both halves are words, leaving options like `cli -s` alone."""
    prefix, word = match.group(1), match.group(2)
    if is_taken_as_printed(prefix) or is_taken_as_printed(word):
        return match.group()
    if word_zipf(prefix) > 0 and lexicon_word(word):  # any known prefix: `co -morbidity`, `re -treated`
        return f"{prefix}-{word}"
    return match.group()


def close_artifact_hyphens(text: str) -> str:
    """Close up `community - acquired`, a hyphen spaced off by the f/v/y advance, where no dash is meant.

    Only when every spaced dash in the text is such a hyphen: text that spaces dashes
    elsewhere (`5 - 10`, a clause set off by ` – `) may mean this one as a dash too.
    """
    candidates = [match for match in _ARTIFACT_SPACED_HYPHEN.finditer(text) if _are_word_parts(match[1], match[2])]
    if not candidates or len(candidates) != len(_SPACED_DASH.findall(text)):
        return text
    return _ARTIFACT_SPACED_HYPHEN.sub(_closed_hyphen, text)


def _are_word_parts(left: str, right: str) -> bool:
    """Tell whether both sides of a spaced hyphen are word parts; a function word after it reads as a clause dash."""
    return _has_word_shape(left) and _has_word_shape(right) and word_zipf(right) < MIN_ZIPF_FUNCTION_WORD


def _closed_hyphen(match: re.Match[str]) -> str:
    """The two parts around a spaced hyphen joined by the hyphen alone, when both are word parts."""
    if not _are_word_parts(match[1], match[2]):
        return match.group()
    return f"{match[1]}-{match[2]}"


def keeps_line_break_hyphen(left: str, right: str) -> bool:
    """Tell whether `left-` + `right` at a line break is a real hyphenated compound."""
    left_part = re.search(r"[^\W\d_]+$", left)
    right_part = re.match(r"[^\W\d_]+", right)
    if left_part is None or right_part is None:
        return True
    head, tail = left_part.group(), right_part.group()
    if is_taken_as_printed(head) or is_taken_as_printed(tail):
        return True
    joined = head + tail
    if not lexicon_word(joined):
        return True
    if not (lexicon_word(head) and lexicon_word(tail)):
        return False
    # wordfreq rates a hyphenated compound about as often as its rarer half.
    return min(word_zipf(head), word_zipf(tail)) > word_zipf(joined)

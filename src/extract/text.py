"""The single home of text cleanup: spacing artifacts, line joins, hyphens, bullets, Unicode.

Every function here is pure. Nobody cleans text anywhere else.

Word decisions come from the `wordfreq` lexicon (Zipf scale: log10 of frequency per billion
words, so 7 ≈ "the", 3 ≈ once per million words, 0 = unknown). The thresholds:

* a token of five or more letters is a word at Zipf ≥ 2.5 (keeps rare clinical terms such as
  "heparin" or "etiology" while leaving PDF fragments such as "enous", "ersus" or "stematic");
* short tokens need more, since the lexicon holds web noise for them: four letters Zipf ≥ 3.3
  ("erse", "ents", "ment", "ween" sit below it), three letters Zipf ≥ 3.5 ("adv", "nin", "iew",
  "ver", "sus" sit below it);
* a two-letter token needs Zipf ≥ 5.5 (the function words "of", "to", "in", "am" … pass, while
  web-noise pairs such as "ev", "ed", "sy" do not);
* of single letters only `a`, `A` and `I` are words; two lone letters may join into a
  two-letter word at Zipf ≥ 4.5 (`v s` → `vs`), since neither side reads as a word;
* tokens holding a digit or any other non-letter (besides a hyphen or apostrophe), and tokens
  with two or more capitals (`MRI`, `NK`, `IgG`, `AEs`), are taken as printed: they are
  never fragments and never joined; the capital after a surname prefix (`Mc`, `Mac`, `O'`,
  `D'`) does not count, so `McAv oy` can join like any name.

Character-spacing repair joins neighbouring tokens only across a gap where at least one side is
not a word, and only into a word; where a run of fragments allows several joinings
(`rev iew ed`), the most probable reading under the lexicon wins, ties going to fewer joins.

One mechanism also joins into words no lexicon knows (rare surnames, drug names): CADTH's PDFs
place glyphs with extra advance after the letters f, v and y, so a break right after one of
them is an artifact when the right part continues in lower case, neither part is a word, and
the right part is no word either in the lexicon's eyes: unknown to it (`Duf resne`,
`Hy aluronic`), a lone letter (`Kowalczy k`), or, when the left part is unknown itself
(`Lindqv ist`), rarer than Zipf 3.5 (name particles and Latin such as `et`, `de`, `von`, `der`
sit above it, so `Tabory et al.` stays apart). A left part the lexicon knows must be shorter
than five letters to count as a fragment (`Duf`, `Hy`); longer ones are rare words
(`lymphadenopathy`). Two words are never joined, so `of all`, `by the`, `may be` stay apart;
beside an f/v/y break a part of four letters or fewer counts as a word only at Zipf ≥ 4.0, where
the lexicon's web noise rates fragments such as `ing`, `dev`, `ref`, `def` between 3.7 and 4.0
(`try ing`, `dev eloped` join) while short clinical words (`dose`, `oral`, `lung`) sit above.
The same advance before a hyphen leaves `community - acquired`; that spaced hyphen is closed up
only between word parts, after f, v or y, in text that uses no spaced dash otherwise, and not
before a function word at Zipf ≥ 6 (`and`, `but`, `which`: a clause dash, `safety - and`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

MIN_ZIPF_LONG = 2.5
MIN_ZIPF_FOUR_LETTERS = 3.3
MIN_ZIPF_THREE_LETTERS = 3.5
MIN_ZIPF_TWO_LETTERS = 5.5
MIN_ZIPF_TWO_LETTERS_JOINED = 4.5
SINGLE_LETTER_WORDS = frozenset({"a", "A", "I"})
UNKNOWN_WORD_LOG10_PROB = -12.0
MAX_TOKENS_JOINED = 6
ARTIFACT_LETTERS = frozenset("fvy")
MAX_ZIPF_ARTIFACT_TAIL = 3.5
MAX_LETTERS_KNOWN_ARTIFACT_HEAD = 4
MIN_ZIPF_FUNCTION_WORD = 6.0
MAX_LETTERS_SHORT_PART = 4
MIN_ZIPF_SHORT_PART_AT_ARTIFACT = 4.0

_LEADING_PUNCT = "\"“‘'([{<«"
_TRAILING_PUNCT = "\"”’'.,;:!?)]}>»"
_LEXICAL_SEGMENT = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SURNAME_PREFIX = re.compile(r"^(?:Ma?c|[OD]['’])(?=[A-Z][a-z])")

# Private-use glyphs (Symbol/Wingdings bullets) and the usual bullet characters.
_BULLET_CHARS = "•▪◦●○■□►▸‣⁃∙➢➤✓✔❖◆◇"
_BULLET_ANYWHERE = re.compile(f"[\ue000-\uf8ff{_BULLET_CHARS}]")
_DASH_BULLET_AT_LINE_START = re.compile(r"^[ \t]*(?:[-–—*](?:[ \t]+|$))+", re.MULTILINE)
# Text tools often drop a private-use bullet glyph and keep only the indent it left.
_INDENTED_LINE_START = re.compile(r"^[ \t\u00a0]+(?=\S)", re.MULTILINE)
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None)
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_SPACE_BEFORE_CLOSING_PUNCT = re.compile(r"[ \t]+([,;:.!?)\]])(?=\s|$)")
_SPACE_BEFORE_PREFIX_HYPHEN = re.compile(r"(?<!\S)([^\W\d_]{2,}) -([^\W\d_]{2,})(?=[\s,.;:)]|$)")
_SPACED_DASH = re.compile(r"(?<=\S)[ \t]+[-–—][ \t]+(?=\S)")
_ARTIFACT_SPACED_HYPHEN = re.compile(r"(?<![\w'’-])([^\W\d_]+[fvy]) - ([a-z][^\W\d_]*)(?![\w'’])")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_CONTROL_CHARS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc, newline kept


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    """Look a single lexical segment up in the English frequency lexicon, cached."""
    return zipf_frequency(word.replace("’", "'"), "en")


def _core(token: str) -> tuple[str, str, str]:
    """Split a token into leading punctuation, core and trailing punctuation."""
    start, end = 0, len(token)
    while start < end and token[start] in _LEADING_PUNCT:
        start += 1
    while end > start and token[end - 1] in _TRAILING_PUNCT:
        end -= 1
    return token[:start], token[start:end], token[end:]


def _is_lexical(segment: str) -> bool:
    """Tell whether a hyphen-free segment is letters only (apostrophes inside allowed)."""
    return _LEXICAL_SEGMENT.fullmatch(segment) is not None


def _without_surname_prefix(segment: str) -> str:
    """Drop a surname prefix (`McAv` → `Av`, `O'Neil` → `Neil`), whose capitals mark no abbreviation."""
    return _SURNAME_PREFIX.sub("", segment)


def _is_taken_as_printed(segment: str) -> bool:
    """Tell whether a segment is an abbreviation, number or symbol that repair must leave alone."""
    if not _is_lexical(segment):
        return True
    return sum(1 for char in _without_surname_prefix(segment) if char.isupper()) >= 2


def _lexicon_word(segment: str) -> bool:
    """Tell whether a lexical segment is frequent enough for its length to count as a word."""
    if len(segment) == 1:
        return segment in SINGLE_LETTER_WORDS
    if len(segment) == 2:
        return _zipf(segment) >= MIN_ZIPF_TWO_LETTERS
    if len(segment) == 3:
        return _zipf(segment) >= MIN_ZIPF_THREE_LETTERS
    if len(segment) == 4:
        return _zipf(segment) >= MIN_ZIPF_FOUR_LETTERS
    return _zipf(segment) >= MIN_ZIPF_LONG


def is_word(token: str) -> bool:
    """Tell whether a token reads as printed (a word, number or abbreviation), not a PDF fragment.

    Validation uses it to flag leftover character-spacing artifacts such as `erse` or `nin`.
    """
    _, core, _ = _core(token)
    segments = [segment for segment in core.split("-") if segment]
    return all(_is_taken_as_printed(seg) or _lexicon_word(seg) for seg in segments)


def _log10_probability(text: str) -> float:
    """Score a candidate reading of a token: the sum of its segments' log10 probabilities."""
    total = 0.0
    for segment in (seg for seg in text.split("-") if seg):
        zipf = _zipf(segment) if _is_lexical(segment) else 0.0
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
    first_joinable = bool(first) and not _is_taken_as_printed(first)
    last_joinable = bool(last) and not _is_taken_as_printed(last)
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
    if not _lexicon_word(segment):
        return False
    return len(segment) > MAX_LETTERS_SHORT_PART or _zipf(segment) >= MIN_ZIPF_SHORT_PART_AT_ARTIFACT


def _edge_is_word(segment: str, prefix: bool) -> bool:
    """Tell whether a token's edge segment is a word; before a hyphen any known prefix counts (`re-`).

    After a hyphen the segment must be a word itself, so `Meta-analy sis` still joins.
    """
    return _lexicon_word(segment) or (prefix and _zipf(segment) > 0)


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
    if _zipf(head) > 0 and len(head) > MAX_LETTERS_KNOWN_ARTIFACT_HEAD:
        return False
    return len(tail) == 1 or _zipf(tail) == 0 or (_zipf(head) == 0 and _zipf(tail) < MAX_ZIPF_ARTIFACT_TAIL)


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
    if not _is_lexical(segment) or _is_taken_as_printed(segment):
        return False
    bare = _without_surname_prefix(segment)
    return bare.islower() or bare.istitle()


def _is_joinable_result(segment: str) -> bool:
    """Tell whether a glued segment is a word; two glued letters need a lower bar (`vs`)."""
    if not _has_word_shape(segment):
        return False
    if len(segment) == 2:
        return _zipf(segment) >= MIN_ZIPF_TWO_LETTERS_JOINED
    return _lexicon_word(segment)


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
    if _is_taken_as_printed(prefix) or _is_taken_as_printed(word):
        return match.group()
    if _zipf(prefix) > 0 and _lexicon_word(word):  # any known prefix: `co -morbidity`, `re -treated`
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
    return _has_word_shape(left) and _has_word_shape(right) and _zipf(right) < MIN_ZIPF_FUNCTION_WORD


def _closed_hyphen(match: re.Match[str]) -> str:
    """The two parts around a spaced hyphen joined by the hyphen alone, when both are word parts."""
    if not _are_word_parts(match[1], match[2]):
        return match.group()
    return f"{match[1]}-{match[2]}"


def repair_spacing(text: str) -> str:
    """Join word fragments split by PDF character spacing (`adv erse ev ents` → `adverse events`)."""
    repaired = close_artifact_hyphens(tidy_punctuation_spacing(text))
    previous = None
    while repaired != previous:  # each pass only removes spaces, so this ends
        previous = repaired
        repaired = "\n".join(_repair_line(line) for line in previous.split("\n"))
    return repaired


def normalize_characters(text: str) -> str:
    """NFC-normalise and drop control and invisible characters, keeping printed symbols as they are."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE_CHARS)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _CONTROL_CHARS.sub("", text)


def _keeps_line_break_hyphen(left: str, right: str) -> bool:
    """Tell whether `left-` + `right` at a line break is a real hyphenated compound."""
    left_part = re.search(r"[^\W\d_]+$", left)
    right_part = re.match(r"[^\W\d_]+", right)
    if left_part is None or right_part is None:
        return True
    head, tail = left_part.group(), right_part.group()
    if _is_taken_as_printed(head) or _is_taken_as_printed(tail):
        return True
    joined = head + tail
    if not _lexicon_word(joined):
        return True
    if not (_lexicon_word(head) and _lexicon_word(tail)):
        return False
    # wordfreq rates a hyphenated compound about as often as its rarer half.
    return min(_zipf(head), _zipf(tail)) > _zipf(joined)


def join_wrapped_lines(text: str) -> str:
    """Join lines wrapped by layout into one line, resolving hyphens left at line ends."""
    lines = [line.strip() for line in text.split("\n")]
    joined = ""
    for line in (line for line in lines if line):
        if not joined:
            joined = line
        elif re.search(r"[^\W\d_]-$", joined) and re.match(r"[^\W\d_]", line):
            keep = _keeps_line_break_hyphen(joined[:-1], line)
            joined = joined + line if keep else joined[:-1] + line
        elif re.search(r"\w-$", joined):
            joined = joined + line
        else:
            joined = joined + " " + line
    return joined


def clean_text(text: str) -> str:
    """Clean one cell or paragraph: join wrapped lines, repair spacing, tidy punctuation."""
    text = join_wrapped_lines(normalize_characters(text))
    text = _HORIZONTAL_SPACE.sub(" ", text).strip()
    return repair_spacing(text)


def split_findings(text: str) -> list[str]:
    """Split a cell's raw text at bullet glyphs, line-start dash bullets and indented lines."""
    text = _INDENTED_LINE_START.sub("\ue000", text)
    text = normalize_characters(text)
    text = _DASH_BULLET_AT_LINE_START.sub("\ue000", text)
    return _BULLET_ANYWHERE.split(text)


def clean_findings(text: str) -> str:
    """Clean a cell that may hold a bullet list: one finding per line, bullets removed."""
    findings = (clean_text(finding) for finding in split_findings(text))
    return "\n".join(finding for finding in findings if finding)

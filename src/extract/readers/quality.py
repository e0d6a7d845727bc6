"""Whether a read PDF's text can be trusted: the silent failures parsers return without raising.

A parser may return no pages, no text, or glyph codes instead of words, and say nothing. The
text-layer checks (counted page by page, so no page's text is kept) turn those into unreadable
reasons; the page checks turn what is readable but suspicious (sideways text, words off the
page, letter-spaced or garbled text) into report-level warnings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from extract.errors import UnreadableReport, unreadable
from extract.model import Document, Failure, Page
from extract.readers.guard import check_page_count
from extract.settings import LayoutSettings
from extract.text.spacing import SINGLE_LETTER_WORDS, is_word


OUT_OF_PAGE_TOLERANCE_PT = 2.0  # rounding in a producer's transforms, not a broken one
# A text layer is undecodable when most visible characters are glyph codes or punctuation.
MIN_DECODABLE_ALNUM_SHARE = 0.5
MAX_DECODABLE_CID_SHARE = 0.3
# A page is letter-spaced, sideways or garbled when more than these shares of its words are.
MAX_SINGLE_LETTER_SHARE = 0.4
MAX_SIDEWAYS_WORD_SHARE = 0.5
MAX_UNKNOWN_WORD_SHARE = 0.6
MIN_LETTERS_FOR_LOOKUP = 4  # shorter tokens are too often abbreviations to judge by the lexicon
MIN_TOKENS_FOR_QUALITY = 20  # fewer words say nothing about a page's text quality
_CID_MARKER = re.compile(r"\(cid:\d+\)")
SHOWN_TEXT_CHARS = 40  # how much of an undecodable text an error message quotes
ORDINARY_PUNCTUATION = ".,;:()%-–'’\"/"


@dataclass(frozen=True, slots=True)
class TextCounts:
    """What the text-layer checks count in a text; a document's counts are the sum of its pages'.

    Counting page by page lets a reader check a long report's text layer without holding, or
    joining, the text of every page.
    """

    visible: int = 0  # characters that are not whitespace
    cid_markers: int = 0  # `(cid:N)` markers: glyphs with no Unicode
    cid_chars: int = 0  # visible characters inside those markers
    alnum: int = 0  # letters and digits outside the markers
    decodable: int = 0  # letters, digits and ordinary punctuation outside the markers

    def __add__(self, other: TextCounts) -> TextCounts:
        return TextCounts(*(getattr(self, f) + getattr(other, f) for f in self.__slots__))

    @property
    def cid_share(self) -> float:
        """Share of visible characters spent on `(cid:N)` markers."""
        return self.cid_chars / self.visible if self.visible else 0.0

    @property
    def alnum_share(self) -> float:
        """Share of visible characters, markers left out, that are letters or digits."""
        plain = self.visible - self.cid_chars
        return self.alnum / plain if plain else 0.0

    @property
    def decodable_share(self) -> float:
        """Share of visible glyphs (a marker is one glyph) that are letters, digits or ordinary punctuation."""
        glyphs = self.visible - self.cid_chars + self.cid_markers
        return self.decodable / glyphs if glyphs else 0.0

    @property
    def undecodable(self) -> bool:
        """Mostly `(cid:N)` markers or punctuation: glyph codes, not words."""
        if self.visible == 0:
            return False
        return self.cid_share > MAX_DECODABLE_CID_SHARE or self.alnum_share < MIN_DECODABLE_ALNUM_SHARE


class DecodableChars(dict[str, bool]):
    """Whether a character is a letter, a digit or ordinary punctuation, worked out once per character."""

    def __missing__(self, char: str) -> bool:
        decodable = self[char] = unicodedata.category(char)[0] in "LN" or char in ORDINARY_PUNCTUATION
        return decodable


_DECODABLE = DecodableChars()


def text_counts(text: str) -> TextCounts:
    """Count a text's visible characters, `(cid:N)` markers, letters and digits, and decodable glyphs.

    Every page of every PDF is counted, so the counting is left to the string methods (one pass
    each over the visible characters) rather than a Python loop over characters.
    """
    markers = _CID_MARKER.findall(text)
    cid_chars = sum(len(marker) for marker in markers)
    visible = "".join((_CID_MARKER.sub(" ", text) if markers else text).split())
    alnum = sum(map(str.isalnum, visible))
    decodable = sum(map(_DECODABLE.__getitem__, visible))
    return TextCounts(len(visible) + cid_chars, len(markers), cid_chars, alnum, decodable)


def total_counts(counts: Iterable[TextCounts]) -> TextCounts:
    """The counts of several texts (pages) taken together."""
    return sum(counts, TextCounts())


def cid_share(text: str) -> float:
    """Share of visible characters spent on `(cid:N)` markers for glyphs with no Unicode."""
    return text_counts(text).cid_share


def alnum_share(text: str) -> float:
    """Share of visible characters, `(cid:N)` markers left out, that are letters or digits."""
    return text_counts(text).alnum_share


def is_undecodable(text: str) -> bool:
    """True when text is mostly `(cid:N)` markers or punctuation: glyph codes, not words."""
    return text_counts(text).undecodable


def check_text_counts(path: Path, counts: TextCounts, n_pages: int, shown: str) -> None:
    """Fail a document whose pages hold no text at all, or only undecodable glyphs (`shown`: how its text starts)."""
    if counts.visible == 0:
        raise unreadable("no_text_layer", path, f"{n_pages} page(s), 0 characters")
    if counts.undecodable:
        raise unreadable("undecodable_text", path, f"text reads {shown.strip()[:SHOWN_TEXT_CHARS]!r}")


def check_page_texts(path: Path, page_texts: Sequence[str]) -> None:
    """Fail a document whose pages hold no text at all, or only undecodable glyphs."""
    check_text_counts(path, total_counts(map(text_counts, page_texts)), len(page_texts), "\n".join(page_texts))


def page_text(page: Page) -> str:
    """A page's words joined by spaces: enough for the text-layer and decodability checks."""
    return " ".join(word.text for word in page.words)


def check_document(doc: Document) -> None:
    """Run the post-open checks on a read Document: pages present, text present and decodable."""
    path = Path(doc.source_file)
    if doc.source_format == "pdf":
        check_page_count(path, doc.n_pages if doc.n_pages is not None else len(doc.pages))
    texts = [page_text(p) for p in doc.pages] if doc.pages else [b.text for b in doc.blocks]
    check_page_texts(path, texts)


def check_text_layer_counts(counts_by_page: Sequence[TextCounts], source_file: str, settings: LayoutSettings) -> None:
    """check_text_layer on each page's counts, so no page's text needs to be kept."""
    total = total_counts(counts_by_page)
    if total.visible == 0:
        raise UnreadableReport("no_text_layer", "no page has a text layer (scanned or image-only)", source_file)
    if total.decodable_share < settings.min_decodable_share:
        worst = min(range(len(counts_by_page)), key=lambda i: counts_by_page[i].decodable_share if counts_by_page[i].visible else 1.0)
        raise UnreadableReport(
            "undecodable_text", "the text layer is made of undecodable glyphs (font without Unicode map)",
            source_file, worst + 1,
        )


def check_text_layer(page_texts: Sequence[str], source_file: str, settings: LayoutSettings) -> None:
    """Raise UnreadableReport when the text layer is missing or made of undecodable glyphs."""
    check_text_layer_counts([text_counts(text) for text in page_texts], source_file, settings)


def decodable_share(text: str) -> float:
    """Share of visible characters that are letters, digits or ordinary punctuation."""
    return text_counts(text).decodable_share


def report_warning(report_id: str, check: str, message: str, page_no: int | None) -> Failure:
    """A report-level warning row about how a file was read."""
    return Failure(
        check=check,
        message=message,
        report_id=report_id,
        table="reports",
        severity="warning",
        page_no=page_no,
    )


def words_off_page(page: Page) -> int:
    """How many words lie outside the page box: a sign of a broken transform or trailer."""
    slack = OUT_OF_PAGE_TOLERANCE_PT
    return sum(
        1
        for w in page.words
        if w.bbox.x0 < -slack
        or w.bbox.top < -slack
        or w.bbox.x1 > page.width + slack
        or w.bbox.bottom > page.height + slack
    )


def single_letter_share(text: str) -> float:
    """Share of alphabetic tokens that are one letter (other than a, A, I): letter-spaced text."""
    alphabetic = [t for t in text.split() if t.isalpha()]
    single = sum(len(t) == 1 and t not in SINGLE_LETTER_WORDS for t in alphabetic)
    return single / len(alphabetic) if alphabetic else 0.0


def unknown_word_share(text: str) -> float:
    """Share of longer alphabetic tokens that are no known word: reversed (`gnikirts`) or garbled text."""
    candidates = [t.strip(".,;:()[]\"'") for t in text.split()]
    lookups = [t for t in candidates if t.isalpha() and len(t) >= MIN_LETTERS_FOR_LOOKUP]
    return sum(not is_word(t) for t in lookups) / len(lookups) if lookups else 0.0


def sideways_share(page: Page) -> float:
    """Share of a page's words that are not upright: rotated text breaks row and column finding."""
    return sum(not w.upright for w in page.words) / len(page.words) if page.words else 0.0


def page_warnings(report_id: str, page: Page) -> list[Failure]:
    """Warnings for one page: sideways text, coordinates off the page, letter-spaced or reversed text."""
    found: list[Failure] = []
    if sideways_share(page) > MAX_SIDEWAYS_WORD_SHARE:
        rotate = f"page /Rotate {page.rotation % 360}°, " if page.rotation % 360 else ""
        message = f"rotated page ({rotate}text runs sideways): table layout unreliable"
        found.append(report_warning(report_id, "rotated_page", message, page.page_no))
    off_page = words_off_page(page)
    if off_page:
        message = f"coordinates out of page bounds: {off_page} of {len(page.words)} words"
        found.append(report_warning(report_id, "coordinates_out_of_page", message, page.page_no))
    text = page_text(page)
    if len(text.split()) >= MIN_TOKENS_FOR_QUALITY:
        share = single_letter_share(text)
        if share > MAX_SINGLE_LETTER_SHARE:
            message = f"low-quality text: {share:.0%} of words are single letters (letter-spaced?)"
            found.append(report_warning(report_id, "low_quality_text", message, page.page_no))
        elif (unknown := unknown_word_share(text)) > MAX_UNKNOWN_WORD_SHARE:
            message = f"low-quality text: {unknown:.0%} of words are unknown (reversed, garbled or not English?)"
            found.append(report_warning(report_id, "low_quality_text", message, page.page_no))
    return found


def layout_warnings(doc: Document) -> tuple[Failure, ...]:
    """Warnings for every page of a read PDF, in page order."""
    return tuple(w for page in doc.pages for w in page_warnings(doc.report_id, page))

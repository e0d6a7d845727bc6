"""Running headers and footers: lines near a page edge that repeat on enough pages.

They are left out of blocks and table pages, so a report's title in its header never becomes a
paragraph and a page number never becomes a table row. Digits are blanked before comparing,
since page numbers change from page to page.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from extract.layout.lines import TextLine, join_runs, runs_to_lines
from extract.model import BBox
from extract.settings import LayoutSettings


def edge_zone(box: BBox, page_height: float, settings: LayoutSettings) -> str | None:
    """'top' for a line starting in the band at the top where running furniture sits, 'bottom' for one
    lying inside the band at the bottom, else None.

    The band is a share of the page's height, but never narrower than a page margin: on a
    landscape page a share of the short side would leave a header printed in the margin out. At
    the bottom the whole line must lie inside, since the last line of a table may reach into it.
    """
    band = max(settings.furniture_band * page_height, settings.furniture_min_band_pt)
    if box.top < band:
        return "top"
    if box.top >= page_height - band:
        return "bottom"
    return None


def furniture_text(text: str) -> str:
    """A line's text as running furniture is compared: case folded, spaces left out (one reading
    of a page may space a line's words otherwise than another: glyph by glyph, or by the lexicon),
    digits blanked (page numbers change)."""
    return re.sub(r"\d+", "#", "".join(text.casefold().split()))


def furniture_key(line: TextLine, page_height: float, settings: LayoutSettings) -> tuple[str, str] | None:
    """A line near the top or bottom edge keyed by its zone and furniture text, else None."""
    zone = edge_zone(line.bbox, page_height, settings)
    return None if zone is None else (zone, furniture_text(line.text))


def furniture_keys(
    keys_by_page: Sequence[Iterable[tuple[str, str]]], settings: LayoutSettings
) -> frozenset[tuple[str, str]]:
    """Keys of edge lines (see furniture_key) that repeat on enough pages to be running furniture."""
    pages_with_key: Counter[tuple[str, str]] = Counter()
    for keys in keys_by_page:
        pages_with_key.update(set(keys))
    needed = max(2, int(settings.furniture_min_share * len(keys_by_page) + 0.999))
    return frozenset(key for key, count in pages_with_key.items() if count >= needed)


def is_furniture_key(key: tuple[str, str] | None, keys: frozenset[tuple[str, str]]) -> bool:
    """True for the key of a running header/footer line, including a lone page number near an edge."""
    return key is not None and (key in keys or re.fullmatch(r"(page\s*)?#(\s*of\s*#)?", key[1]) is not None)


def is_furniture(line: TextLine, height: float, keys: frozenset[tuple[str, str]], settings: LayoutSettings) -> bool:
    """True for a running header/footer line, including a lone page number near an edge."""
    return is_furniture_key(furniture_key(line, height, settings), keys)


def edge_lines(runs: Sequence[TextLine], height: float, settings: LayoutSettings) -> list[TextLine]:
    """The visual lines near a page's edges, each made of the runs on it.

    Furniture is judged line by line: a producer may draw a running header's words as runs of
    their own, and a run `for` repeated on every page is no reason to drop the `for` of a caption.
    """
    near = [run for run in runs if edge_zone(run.bbox, height, settings) is not None]
    return [join_runs(line) for line in runs_to_lines(near)]


def furniture_flags(runs: Sequence[TextLine], height: float, keys: frozenset[tuple[str, str]], settings: LayoutSettings) -> list[bool]:
    """For each run, whether the line it sits on is running furniture."""
    furniture: set[int] = set()
    near = [run for run in runs if edge_zone(run.bbox, height, settings) is not None]
    for line in runs_to_lines(near):
        if is_furniture(join_runs(line), height, keys, settings):
            furniture.update(id(run) for run in line)
    return [id(run) in furniture for run in runs]


# In text without geometry, a running header or footer is a line among the first or last few of
# its page …
TEXT_EDGE_LINES = 3
# … whose text (digits blanked) is printed so on at least this many pages and this share of them.
MIN_RUNNING_PAGES = 3
MIN_RUNNING_SHARE = 0.5


def running_texts(pages: Sequence[Sequence[str]]) -> frozenset[str]:
    """The furniture texts (`furniture_text`) of lines a page's text repeats at its top or bottom
    edge on enough pages: a text export's running headers, footers and page numbers."""
    seen: Counter[str] = Counter()
    for lines in pages:
        kept = [line for line in lines if line.strip()]
        edges = kept[:TEXT_EDGE_LINES] + kept[-TEXT_EDGE_LINES:]
        seen.update({furniture_text(line) for line in edges})
    needed = max(MIN_RUNNING_PAGES, MIN_RUNNING_SHARE * len(pages))
    return frozenset(text for text, count in seen.items() if count >= needed)

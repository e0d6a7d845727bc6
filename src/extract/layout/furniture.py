"""Running headers and footers: lines near a page edge that repeat on enough pages.

They are left out of blocks and table pages, so a report's title in its header never becomes a
paragraph and a page number never becomes a table row. Digits are blanked before comparing,
since page numbers change from page to page.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Sequence

from extract.layout.captions import CAPTION
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
    """A line near the top or bottom edge keyed by its zone and furniture text, else None.

    A table caption is never furniture: where each table starts a page, captions that differ only
    in their numbers (`Table 2: … Question 1`, `Table 3: … Question 2`) open page after page."""
    zone = edge_zone(line.bbox, page_height, settings)
    return None if zone is None or CAPTION.match(line.text) else (zone, furniture_text(line.text))


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
    """For each run, whether the line it sits on is running furniture.

    Furniture is outermost: from each edge inwards, blocks of edge lines (lines touching or
    overlapping the next) are furniture until the first that is not. A block is furniture when
    every line of it is and none of its lines is a table's header: a table's header repeated at
    the top of each page it continues on repeats like a running header, but its cells start where
    the columns of the page's body start (`_opens_body_columns`). Text drawn off the page is no
    edge line (it is reported apart, as `coordinates_out_of_page`).
    """
    near = [run for run in runs if edge_zone(run.bbox, height, settings) is not None and run.bbox.bottom > 0 and run.bbox.top < height]
    body_starts = sorted({round(run.bbox.x0) for run in runs if edge_zone(run.bbox, height, settings) is None})
    lines = [(line, join_runs(line)) for line in runs_to_lines(near)]
    furniture: set[int] = set()
    for zone in ("top", "bottom"):
        blocks = _edge_blocks([(line, joined) for line, joined in lines if edge_zone(joined.bbox, height, settings) == zone])
        for block in blocks if zone == "top" else reversed(blocks):
            if not all(is_furniture(joined, height, keys, settings) and not _opens_body_columns(line, body_starts) for line, joined in block):
                break
            furniture.update(id(run) for line, _ in block for run in line)
    return [id(run) in furniture for run in runs]


# Edge lines closer than this share of a line's height belong to one block (a table's header whose
# cells are centred in their row sets its lines overlapping).
EDGE_BLOCK_GAP_SHARE = 0.5
# A line whose runs beyond its first start where this many of the body's runs start is a table's header.
MIN_ALIGNED_RUNS = 2


EdgeLine = tuple[list[TextLine], TextLine]  # a line's runs, and the runs joined


def _edge_blocks(lines: Sequence[EdgeLine]) -> list[list[EdgeLine]]:
    """Edge lines, top to bottom, in blocks of lines that touch or overlap the block so far."""
    blocks: list[list[EdgeLine]] = []
    bottom = -math.inf  # the lowest edge of the block so far
    for line in lines:
        box = line[1].bbox
        if blocks and box.top - bottom < EDGE_BLOCK_GAP_SHARE * box.height:
            blocks[-1].append(line)
            bottom = max(bottom, box.bottom)
        else:
            blocks.append([line])
            bottom = box.bottom
    return blocks


def _opens_body_columns(line: Sequence[TextLine], body_starts: Sequence[int]) -> bool:
    """Whether the line's runs after its first start where runs of the page's body start: column heads."""
    aligned = sum(1 for run in line[1:] if any(abs(run.bbox.x0 - start) <= 1 for start in body_starts))
    return aligned >= MIN_ALIGNED_RUNS


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

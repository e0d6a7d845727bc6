"""How a report is drawn beyond what its spec says: rules, bullets, list markers, page breaks, tags.

A `Variant` changes the look of the PDF, never its content, so the ground truth of a spec is
the same whatever variant (and producer) draws it. Each producer says which named variants its
medium can express (`Producer.variants`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Mapping

from tests.forge.spec import GroundTruth, ReportSpec, TableSpec, ground_truth

Rules = Literal["lines", "rects", "strokes", "shading", "none"]
TableRules = Literal["lines", "rects", "strokes", "shading", "none", "header"]


@dataclass(frozen=True)
class Variant:
    """One way of drawing: each field is something real producers differ in.

    `rules`: table rules as stroked line segments, thin filled rectangles, rectangle strokes
    around cells, none with header/group shading, or nothing at all; None follows the spec
    (ruled tables get the producer's own rules, unruled ones a rule under the header).
    `bullets`: a "•" character, a symbol-font glyph (U+F0B7, as word processors' Symbol
    bullets extract), a drawn shape with no character in the text layer, or nothing at all: the
    items keep their indent and no mark (what an engine that cannot draw a CSS-drawn bullet prints).
    `markers`: list numbers and letters typed into the text, or made by the producer's lists.
    `spacing`: the f/v/y character-spacing artifact; None follows the spec.
    `split_rows`: a row a page break falls in is split, each piece laid out on its own page
    (True); moved whole to the next page where it fits one (False); or laid out whole and cut by
    the page like one long canvas ("canvas"), so that with centred cells a row's top piece can
    hold its tall cells' first lines while its short cells, the author's too, sit on the next page.
    `cells`: where a cell's text sits in a row taller than it: at the top, or centred between the
    row's top and bottom (as word processors' "centre vertically" and HTML's `vertical-align:
    middle` set it), so a short cell's lines start below its row's top.
    """

    rules: Rules | None = None
    bullets: Literal["text", "glyph", "shape", "none"] = "text"
    markers: Literal["typed", "auto"] = "typed"
    repeat_header: bool = True
    split_rows: bool | Literal["canvas"] = True
    tagged: bool = False
    landscape: bool = False
    spacing: bool | None = None
    cells: Literal["top", "middle"] = "top"


VARIANTS: Mapping[str, Variant] = {
    "plain": Variant(),
    "rules-lines": Variant(rules="lines"),
    "rules-rects": Variant(rules="rects"),
    "rules-strokes": Variant(rules="strokes"),
    "rules-shading": Variant(rules="shading"),
    "rules-none": Variant(rules="none"),
    "bullets-glyph": Variant(bullets="glyph"),
    "bullets-shape": Variant(bullets="shape"),
    "bullets-none": Variant(bullets="none"),
    "markers-auto": Variant(markers="auto"),
    "header-once": Variant(repeat_header=False),
    "rows-whole": Variant(split_rows=False),
    "tagged": Variant(tagged=True),
    "landscape": Variant(landscape=True),
    "spaced": Variant(spacing=True),
    "cells-middle": Variant(cells="middle"),
    "cells-middle-cut": Variant(cells="middle", split_rows="canvas"),
}


def variant_name(variant: Variant) -> str:
    """The registered name of a variant, or its repr for an unnamed one (used in cache keys)."""
    return next((name for name, known in VARIANTS.items() if known == variant), repr(variant))


def spaced(spec: ReportSpec, variant: Variant) -> bool:
    """Whether the f/v/y artifact is drawn: the variant's say, else the spec's."""
    return spec.spacing_artifact if variant.spacing is None else variant.spacing


def table_rules(table: TableSpec, variant: Variant, natural: Rules = "lines") -> TableRules:
    """The rules one study table gets: the variant's, else the producer's own or a header rule."""
    if variant.rules is not None:
        return variant.rules
    return natural if table.ruled else "header"


@dataclass(frozen=True)
class Rendered:
    """A drawn PDF: its path, page count, and (table, row) → first and last page of each study row."""

    pdf: Path
    pages: int
    row_pages: Mapping[tuple[int, int], tuple[int, int]]


def rendered_truth(spec: ReportSpec, rendered: Rendered) -> GroundTruth:
    """The ground truth of a rendered report: the spec's, with the pages the producer drew on."""
    return ground_truth(spec, rendered.pages, rendered.row_pages)

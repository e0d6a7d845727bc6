"""A page's drawn paths in pdfplumber's terms: edges (rulings) and small filled marks, moved to top-left coordinates.

pdfminer's layout objects are turned into the edge dicts pdfplumber would make of them, with its
arithmetic, so a ruling means what it means in pdfplumber; only pdfminer is needed for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from pdfminer.layout import LTComponent, LTContainer, LTCurve, LTLine, LTRect

from extract.layout.bullets import is_bullet_mark
from extract.model import BBox

# A filled shape thinner than this is a rule drawn as a rectangle; a thicker one is a background.
MAX_RULE_THICKNESS_PT = 3.0


@dataclass(frozen=True)
class PageFrame:
    """How pdfplumber moves pdfminer's bottom-left coordinates to its top-left ones on one page."""

    height: float
    mediabox_x0: float
    mediabox_top: float
    initial_doctop: float


def flipped(frame: PageFrame, y0: float, y1: float) -> tuple[float, float]:
    """Top and bottom of a pdfminer span, with the exact arithmetic of pdfplumber's Page.process_object."""
    return (frame.height - y1) + frame.mediabox_top, (frame.height - y0) + frame.mediabox_top


def shifted(frame: PageFrame, x0: float, x1: float) -> tuple[float, float]:
    """Left and right of a pdfminer span, moved by the mediabox origin only when pdfplumber moves it."""
    if frame.mediabox_x0 != 0:
        return x0 + frame.mediabox_x0, x1 + frame.mediabox_x0
    return x0, x1

def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str | None) -> dict:
    """An edge dict with the fields a Ruling is made of."""
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "orientation": orientation}


def line_edges(line: LTLine, frame: PageFrame) -> list[dict]:
    """A drawn line as pdfplumber's line_to_edge sees it: horizontal when its top equals its bottom."""
    x0, x1 = shifted(frame, line.x0, line.x1)
    top, bottom = flipped(frame, line.y0, line.y1)
    return [_edge(x0, top, x1, bottom, "h" if top == bottom else "v")]


def rect_edges(rect: LTRect, frame: PageFrame) -> list[dict]:
    """A rectangle's four sides in pdfplumber's rect_to_edges order: top, bottom, left, right."""
    x0, x1 = shifted(frame, rect.x0, rect.x1)
    top, bottom = flipped(frame, rect.y0, rect.y1)
    return [
        _edge(x0, top, x1, top, "h"), _edge(x0, top + rect.height, x1, bottom, "h"),
        _edge(x0, top, x0, bottom, "v"), _edge(x1, top, x1, bottom, "v"),
    ]


def curve_edges(curve: LTCurve, frame: PageFrame) -> list[dict]:
    """A curve's straight pieces as pdfplumber's curve_to_edges makes them from its points (None orientation when slanted)."""
    points = [(frame.mediabox_x0 + x, frame.mediabox_top + frame.height - y) for x, y in curve.pts]
    return [
        _edge(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]), "v" if a[0] == b[0] else ("h" if a[1] == b[1] else None))
        for a, b in zip(points, points[1:])
    ]


def layout_leaves(objects: Iterable[LTComponent]) -> Iterator[LTComponent]:
    """Every object of a pdfminer layout in stream order, figures opened, as pdfplumber walks it without laparams."""
    for obj in objects:
        if isinstance(obj, LTContainer):
            yield from layout_leaves(obj)
        else:
            yield obj


def layout_edges(layout: Iterable[LTComponent], frame: PageFrame) -> list[dict]:
    """A layout's edges in pdfplumber's order: every line's, then every rect's, then every curve's, each in drawing order.

    The edges of a shading (a filled, unstroked shape thicker than a rule: a cell's background)
    are marked `shading`: they are where a colour changes, not lines a table is ruled with.
    """
    lines: list[dict] = []
    rects: list[dict] = []
    curves: list[dict] = []
    for obj in layout_leaves(layout):
        if isinstance(obj, LTLine):
            lines.extend(line_edges(obj, frame))
        elif isinstance(obj, LTRect):
            rects.extend(marked_shading(rect_edges(obj, frame), obj))
        elif isinstance(obj, LTCurve):
            curves.extend(marked_shading(curve_edges(obj, frame), obj))
    return lines + rects + curves


def is_shading(shape: LTCurve) -> bool:
    """A filled shape without a stroke, thicker than any rule: a background, not a line."""
    return bool(shape.fill) and not shape.stroke and min(shape.width, shape.height) > MAX_RULE_THICKNESS_PT


def marked_shading(edges: list[dict], shape: LTCurve) -> list[dict]:
    """The shape's edges, each marked with whether the shape is a shading."""
    shading = is_shading(shape)
    return [{**edge, "shading": shading} for edge in edges]


def layout_marks(layout: Iterable[LTComponent], frame: PageFrame) -> list[BBox]:
    """Small filled shapes (a bullet drawn as a dot or a square), as boxes in top-left coordinates."""
    marks = []
    for obj in layout_leaves(layout):
        if isinstance(obj, LTCurve) and obj.fill:
            x0, x1 = shifted(frame, obj.x0, obj.x1)
            top, bottom = flipped(frame, obj.y0, obj.y1)
            if is_bullet_mark(box := BBox(x0, top, x1, bottom)):
                marks.append(box)
    return marks

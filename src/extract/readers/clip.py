"""Text a page draws but clips out of sight is not on the page.

pdfminer draws every glyph a content stream shows and ignores clipping paths. Producers that lay
out one long canvas and cut it into pages (wkhtmltopdf, QtWebKit) draw each page's share of the
canvas through a clip the size of the page body: a line that straddles a page break is drawn on
both pages, half hidden on each, and read twice ('years with major / years with major'); the
hidden half above a continued table even stands above its first rule. The interpreter here keeps
the clipping region as the bounding box of each clip path (intersected, saved and restored with
the graphics state, inherited by form XObjects): the char collector leaves out a glyph whose
centre lies outside it, and a drawn shape is cut to it (a rule wholly outside is no rule).
"""

from __future__ import annotations

from typing import Any

from pdfminer.layout import LTCurve
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt

# pdfminer's (x0, y0, x1, y1) in its bottom-left page space.
ClipBox = tuple[float, float, float, float]


class ClipInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter, telling its device (`device.clip`) the clipping rectangle in force."""

    def __init__(self, rsrcmgr: Any, device: Any, clip: ClipBox | None = None) -> None:
        super().__init__(rsrcmgr, device)
        self.inherited_clip = clip
        self.clip: ClipBox | None = clip
        self.clipping = False

    def dup(self) -> ClipInterpreter:
        """A sub-interpreter (a form XObject) draws inside the clip in force where it is invoked."""
        return self.__class__(self.rsrcmgr, self.device, self.clip)

    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)
        self._set_clip(self.inherited_clip)
        self.clipping = False

    def get_current_state(self) -> Any:
        """The graphics state `q` saves, with the clip in force."""
        return (*super().get_current_state(), self.clip)

    def set_current_state(self, state: Any) -> None:
        """The graphics state `Q` restores, with the clip saved with it."""
        super().set_current_state(state[:3])
        self._set_clip(state[3])

    def do_W(self) -> None:
        """The current path clips once it is ended (`_ending_then_clipping`; nonzero rule: its box is what matters here)."""
        self.clipping = True

    def do_W_a(self) -> None:
        """The current path clips once it is ended (even-odd rule)."""
        self.clipping = True

    def do_Do(self, xobjid_arg: Any) -> None:
        """Draw an XObject; the clip in force here is in force again after it."""
        clip = self.clip
        super().do_Do(xobjid_arg)
        self._set_clip(clip)

    def _set_clip(self, clip: ClipBox | None) -> None:
        self.clip = clip
        self.device.clip = clip


def _ending_then_clipping(operator: str) -> Any:
    """pdfminer's operator that ends a path (`n`, or one that paints it: `re W f` fills and clips),
    clipping to the path when `W` asked for it; the clip holds from the next operator on."""
    paint = getattr(PDFPageInterpreter, operator)

    def ended(self: ClipInterpreter) -> None:
        box = path_box(self.curpath, self.ctm) if self.clipping else None
        self.clipping = False
        paint(self)
        if box is not None:
            self._set_clip(box if self.clip is None else intersection(self.clip, box))

    ended.__doc__ = paint.__doc__
    return ended


for _operator in ("do_n", "do_S", "do_s", "do_f", "do_F", "do_f_a", "do_B", "do_B_a", "do_b", "do_b_a"):
    setattr(ClipInterpreter, _operator, _ending_then_clipping(_operator))


def path_box(path: list[tuple[Any, ...]], ctm: Any) -> ClipBox | None:
    """The bounding box, in page space, of a path's points (a curve's control points included)."""
    points = [
        apply_matrix_pt(ctm, (float(segment[index]), float(segment[index + 1])))
        for segment in path for index in range(1, len(segment) - 1, 2)
    ]
    if not points:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def intersection(a: ClipBox, b: ClipBox) -> ClipBox:
    """Where two clipping rectangles overlap (empty, x0 > x1, when they do not)."""
    return max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])


def inside_clip(clip: ClipBox | None, x: float, y: float) -> bool:
    """Whether a point (in the rectangle's own frame) is visible through the clip; everything is when nothing clips."""
    return clip is None or (clip[0] <= x <= clip[2] and clip[1] <= y <= clip[3])


def clipped_shape(shape: LTCurve, clip: ClipBox) -> LTCurve | None:
    """A drawn shape cut to the clip (its points and box held inside it), or None when none of it shows."""
    x0, y0, x1, y1 = intersection(clip, (shape.x0, shape.y0, shape.x1, shape.y1))
    if x0 > x1 or y0 > y1:
        return None
    shape.pts = [(min(max(x, clip[0]), clip[2]), min(max(y, clip[1]), clip[3])) for x, y in shape.pts]
    shape.set_bbox((x0, y0, x1, y1))
    return shape

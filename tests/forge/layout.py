"""Word-level text layout for the forge: wrap styled spans into lines and draw them on a canvas.

Drawn by hand (not platypus) so the drawer knows the page of every row and can place
superscripts and the CADTH character-spacing artifact exactly.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.forge.content import BULLET, Item, Span

REGULAR = "ForgeSans"
BOLD = "ForgeSans-Bold"
BULLET_INDENT = 9.0
# Letters after which CADTH's PDFs leave extra advance; more than pdfplumber's x_tolerance (3).
ARTIFACT_LETTERS = frozenset("fvy")
ARTIFACT_ADVANCE = 3.6
SUPERSCRIPT_SCALE = 0.62
SUPERSCRIPT_RISE = 0.36


def register_fonts() -> None:
    """Register the Vera TTFs shipped with reportlab, whose ToUnicode maps give back ≥, •, Ø exactly."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    font_dir = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(REGULAR, os.path.join(font_dir, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(font_dir, "VeraBd.ttf")))


@dataclass(frozen=True)
class Token:
    """One word (or part after a hyphen), styled, knowing what separates it from the one before."""

    text: str
    font: str
    size: float
    rise: float
    space_before: bool
    breakable_before: bool = False


@dataclass(frozen=True)
class Line:
    """A laid-out line: tokens with x offsets from the line's left edge."""

    tokens: tuple[tuple[float, Token], ...]


@dataclass(frozen=True)
class Run:
    """Consecutive same-style tokens of a line merged into one string to draw."""

    x: float
    text: str
    font: str
    size: float
    rise: float


def text_width(text: str, font: str, size: float, spaced: bool) -> float:
    """Advance width of `text`, including the artifact's extra advance when it is drawn."""
    register_fonts()
    width = pdfmetrics.stringWidth(text, font, size)
    if spaced:
        width += ARTIFACT_ADVANCE * sum(1 for ch in text if ch in ARTIFACT_LETTERS)
    return width


def span_tokens(spans: tuple[Span, ...], size: float) -> list[Token]:
    """Split spans into styled words; superscripts shrink and rise."""
    tokens: list[Token] = []
    for span in spans:
        font = BOLD if span.bold else REGULAR
        token_size = size * SUPERSCRIPT_SCALE if span.superscript else size
        rise = size * SUPERSCRIPT_RISE if span.superscript else 0.0
        for index, word in enumerate(span.text.split()):
            spaced_before = not (index == 0 and span.glue) and bool(tokens)
            tokens.append(Token(word, font, token_size, rise, spaced_before))
    return tokens


def split_at_hyphens(token: Token, width: float, spaced: bool) -> list[Token]:
    """A word too wide for its cell breaks after its hyphens, as word processors do."""
    if text_width(token.text, token.font, token.size, spaced) <= width or "-" not in token.text:
        return [token]
    parts = re.findall(r"[^-]+-|[^-]+$|-", token.text)
    first = dataclasses.replace(token, text=parts[0])
    rest = [dataclasses.replace(token, text=part, space_before=False, breakable_before=True)
            for part in parts[1:]]
    return [first, *rest]


def unbreakable_groups(tokens: list[Token]) -> list[list[Token]]:
    """Tokens that must stay on one line together: a word with its glued superscript."""
    groups: list[list[Token]] = []
    for token in tokens:
        if groups and not (token.space_before or token.breakable_before):
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups


def fitting_groups(groups: list[list[Token]], width: float, spaced: bool) -> list[list[Token]]:
    """Groups as wrapped: a word whose glued superscript pushes it past the width also breaks
    after its hyphens (`García-` / `Lopez¹⁵`), as the word alone would."""
    fitted: list[list[Token]] = []
    for group in groups:
        tail = sum(text_width(t.text, t.font, t.size, spaced) for t in group[1:])
        head = text_width(group[0].text, group[0].font, group[0].size, spaced)
        if len(group) == 1 or head + tail <= width:
            fitted.append(group)
            continue
        pieces = split_at_hyphens(group[0], width - tail, spaced)
        fitted.extend([piece] for piece in pieces[:-1])
        fitted.append([pieces[-1], *group[1:]])
    return fitted


def wrap_tokens(tokens: list[Token], width: float, spaced: bool) -> list[Line]:
    """Greedy line breaking at spaces and, for words wider than the line, after hyphens."""
    lines: list[Line] = []
    current: list[tuple[float, Token]] = []
    x = 0.0
    pieces = [piece for token in tokens for piece in split_at_hyphens(token, width, spaced)]
    for group in fitting_groups(unbreakable_groups(pieces), width, spaced):
        head = group[0]
        gap = text_width(" ", head.font, head.size, False) if head.space_before else 0.0
        group_w = sum(text_width(t.text, t.font, t.size, spaced) for t in group)
        if current and x + gap + group_w > width:
            lines.append(Line(tuple(current)))
            current, x, gap = [], 0.0, 0.0
        x += gap
        for token in group:
            current.append((x, token))
            x += text_width(token.text, token.font, token.size, spaced)
    if current:
        lines.append(Line(tuple(current)))
    return lines


def layout_items(items: tuple[Item, ...], width: float, size: float, spaced: bool) -> list[Line]:
    """Lay out a cell's paragraphs; a bullet item starts with the bullet glyph and hangs its text."""
    lines: list[Line] = []
    for item in items:
        tokens = span_tokens(item.spans, size)
        if not item.bullet:
            lines.extend(wrap_tokens(tokens, width, spaced))
            continue
        wrapped = wrap_tokens(tokens, width - BULLET_INDENT, spaced)
        bullet = (0.0, Token(BULLET, REGULAR, size, 0.0, False))
        for index, line in enumerate(wrapped):
            shifted = tuple((x + BULLET_INDENT, token) for x, token in line.tokens)
            lines.append(Line(((bullet,) if index == 0 else ()) + shifted))
    return lines


def line_runs(line: Line, spaced: bool) -> list[Run]:
    """Merge same-style neighbours into strings, keeping a real space character between words."""
    runs: list[Run] = []
    for index, (x, token) in enumerate(line.tokens):
        following = line.tokens[index + 1][1] if index + 1 < len(line.tokens) else None
        text = token.text
        style = (token.font, token.size, token.rise)
        if runs and token.space_before and style == (runs[-1].font, runs[-1].size, runs[-1].rise):
            runs[-1] = Run(runs[-1].x, f"{runs[-1].text}{token.text}", *style)
        else:
            runs.append(Run(x, text, *style))
        if following is not None and following.space_before:
            last = runs[-1]
            runs[-1] = Run(last.x, last.text + " ", last.font, last.size, last.rise)
    return runs


def artifact_fragments(text: str) -> list[str]:
    """Cut a string after every artifact letter, where the extra advance goes."""
    fragments: list[str] = []
    current = ""
    for ch in text:
        current += ch
        if ch in ARTIFACT_LETTERS:
            fragments.append(current)
            current = ""
    if current:
        fragments.append(current)
    return fragments


def draw_run(canvas: Canvas, run: Run, left: float, baseline: float, spaced: bool) -> None:
    """Draw one run; with the artifact, each fragment is drawn after the extra advance."""
    canvas.setFont(run.font, run.size)
    x = left + run.x
    y = baseline + run.rise
    if not spaced or run.rise:
        canvas.drawString(x, y, run.text)
        return
    for fragment in artifact_fragments(run.text):
        canvas.drawString(x, y, fragment)
        x += text_width(fragment, run.font, run.size, True)


def draw_line(canvas: Canvas, line: Line, left: float, baseline: float, spaced: bool) -> None:
    """Draw a laid-out line with its left edge at `left`."""
    for run in line_runs(line, spaced):
        draw_run(canvas, run, left, baseline, spaced)


def missing_glyphs(text: str) -> set[str]:
    """Characters the forge's font cannot draw, which would silently print as empty boxes."""
    register_fonts()
    regular = pdfmetrics.getFont(REGULAR)
    return {ch for ch in set(text) if ch.strip() and ord(ch) not in regular.face.charToGlyph}


def line_width(line: Line, spaced: bool) -> float:
    """Where a laid-out line's last glyph ends, measured from its left edge."""
    return max((x + text_width(token.text, token.font, token.size, spaced)
                for x, token in line.tokens), default=0.0)

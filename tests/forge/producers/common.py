"""What every producer needs: the same fonts, the artifact's letters, list markers, and page look-ups.

All producers draw in Bitstream Vera (shipped with reportlab), so no producer depends on the
machine's fonts; "glyph" bullets use ForgeSymbol, a one-glyph font made here with fontTools
whose bullet sits at U+F0B7, where Symbol fonts put theirs (and where a PDF's text layer then
shows it).
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import reportlab

from tests.forge.content import Item, ListKind, Span
from tests.forge.layout import ARTIFACT_ADVANCE, ARTIFACT_LETTERS

VERA_DIR = Path(reportlab.__file__).parent / "fonts"
FAMILY = "Bitstream Vera Sans"
SYMBOL_FAMILY = "ForgeSymbol"
SYMBOL_BULLET = "\uf0b7"
ARTIFACT_PT = ARTIFACT_ADVANCE
LETTERS = "abcdefghij"
FURNITURE_GREY = "#595959"
HEADER_FILL = "#d9e3f2"
GROUP_FILL = "#ededed"


def symbol_font(path: Path) -> None:
    """Write ForgeSymbol: .notdef, space and a round bullet at U+F0B7 (a TrueType font)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def bullet_glyph():  # type: ignore[no-untyped-def]
        pen = TTGlyphPen(None)
        cx, cy, r, k = 300, 340, 170, 0.4142
        points = [(cx + r, cy), (cx + r, cy + r * k), (cx + r * 0.7071, cy + r * 0.7071),
                  (cx + r * k, cy + r), (cx, cy + r)]
        pen.moveTo((cx + r, cy))
        for quarter in range(4):
            rotated = [rotate(p, cx, cy, quarter) for p in points]
            pen.qCurveTo(rotated[1], rotated[2], rotated[3], rotated[4])
        pen.closePath()
        return pen.glyph()

    def rotate(point: tuple[float, float], cx: float, cy: float, quarter: int) -> tuple[int, int]:
        x, y = point[0] - cx, point[1] - cy
        for _ in range(quarter):
            x, y = -y, x
        return round(cx + x), round(cy + y)

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space", "bullet"])
    builder.setupCharacterMap({0x20: "space", 0xF0B7: "bullet"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "space": empty, "bullet": bullet_glyph()})
    builder.setupHorizontalMetrics({".notdef": (600, 0), "space": (300, 0), "bullet": (600, 130)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": SYMBOL_FAMILY, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


@cache
def font_dir() -> Path:
    """A folder holding the Vera fonts and ForgeSymbol, made once per process."""
    folder = Path(tempfile.gettempdir()) / f"forge-fonts-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    for name in ("Vera.ttf", "VeraBd.ttf"):
        target = folder / name
        if not target.exists():
            target.write_bytes((VERA_DIR / name).read_bytes())
    symbol = folder / "ForgeSymbol.ttf"
    if not symbol.exists():
        partial = folder / f"ForgeSymbol.{os.getpid()}.tmp"
        symbol_font(partial)
        partial.replace(symbol)
    return folder


def artifact_pieces(text: str) -> list[tuple[str, bool]]:
    """Text cut after each f, v and y: (piece, whether the artifact's advance follows it)."""
    pieces: list[tuple[str, bool]] = []
    current = ""
    for ch in text:
        current += ch
        if ch in ARTIFACT_LETTERS:
            pieces.append((current, True))
            current = ""
    if current:
        pieces.append((current, False))
    return pieces


def list_marker(kind: ListKind, index: int) -> str:
    """The typed marker of a list item: '1.', 'a)', 'a.'."""
    return {"numbered": f"{index + 1}.", "lettered_paren": f"{LETTERS[index]})",
            "lettered_dot": f"{LETTERS[index]}."}[kind]


def span_words(spans: tuple[Span, ...]) -> list[tuple[Span, str]]:
    """Each span with the text it prints, a leading space unless glued (the first has none)."""
    out: list[tuple[Span, str]] = []
    for span in spans:
        text = " ".join(span.text.split())
        if out and not span.glue and text:
            text = " " + text
        out.append((span, text))
    return out


def item_groups(items: tuple[Item, ...]) -> list[tuple[bool, list[Item]]]:
    """Consecutive items grouped into paragraphs and bullet lists, as markup nests them."""
    groups: list[tuple[bool, list[Item]]] = []
    for item in items:
        if groups and groups[-1][0] and item.bullet:
            groups[-1][1].append(item)
        else:
            groups.append((item.bullet, [item]))
    return groups


def page_count(pdf: Path) -> int:
    """Pages of a PDF."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def named_destinations(pdf: Path) -> dict[str, int]:
    """Named destinations (name → 1-based page) of a PDF, as word processors export bookmarks."""
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    with pdfplumber.open(pdf) as document:
        page_ids = {page.page_obj.pageid: page.page_number for page in document.pages}
        found: dict[str, int] = {}
        dests = resolve1(document.doc.catalog.get("Dests")) or {}
        for name, dest in dests.items():
            dest = resolve1(dest)
            if isinstance(dest, dict):
                dest = resolve1(dest.get("D"))
            ref = dest[0] if isinstance(dest, list) and dest else None
            if ref is not None and getattr(ref, "objid", None) in page_ids:
                found[name if isinstance(name, str) else name.decode()] = page_ids[ref.objid]
        return found

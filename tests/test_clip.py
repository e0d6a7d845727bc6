"""Text and rules a page clips out of sight are not read (wkhtmltopdf draws each page through a clip)."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from extract.readers.pdf import read_pdf
from extract.settings import Limits

HEIGHT = 792.0


def clipped_page(path: Path) -> None:
    """A page clipped to (50, 100)-(550, 700): one line inside, one below it, a rule above it and
    a rule across it; after the clip is restored, a line below it again."""
    canvas = Canvas(str(path), pagesize=(612, HEIGHT))
    canvas.setFont("Helvetica", 10)
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(50, 100, 500, 600)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.drawString(60, 600, "Visible words inside")
    canvas.drawString(60, 60, "Hidden words below")
    canvas.line(60, 750, 500, 750)
    canvas.line(300, 50, 300, 750)
    canvas.restoreState()
    canvas.drawString(60, 40, "After the restore")
    canvas.save()


def test_clipped_text_and_rules_are_left_out_and_a_crossing_rule_is_cut(tmp_path: Path) -> None:
    pdf = tmp_path / "clipped.pdf"
    clipped_page(pdf)
    [page] = read_pdf(pdf, Limits(), every_page=True).pages
    texts = {word.text for word in page.words}
    assert {"Visible", "inside", "After", "restore"} <= texts
    assert not {"Hidden", "below"} & texts
    assert [r for r in page.rulings if r.orientation == "h"] == []
    [vertical] = [r for r in page.rulings if r.orientation == "v"]
    assert (round(vertical.bbox.top), round(vertical.bbox.bottom)) == (HEIGHT - 700, HEIGHT - 100)


def test_a_clip_set_by_a_painting_operator_holds_from_the_next_one(tmp_path: Path) -> None:
    """`re W f` fills the rectangle and clips to it, as `re W n` does without filling."""
    pdf = tmp_path / "fill-and-clip.pdf"
    canvas = Canvas(str(pdf), pagesize=(612, HEIGHT))
    canvas.setFont("Helvetica", 10)
    canvas.saveState()
    canvas._code.append("50 100 500 600 re W f")  # reportlab writes `W n`; this is the painting form
    canvas.drawString(60, 600, "Visible words inside")
    canvas.drawString(60, 60, "Hidden words below")
    canvas.restoreState()
    canvas.save()
    [page] = read_pdf(pdf, Limits(), every_page=True).pages
    texts = {word.text for word in page.words}
    assert {"Visible", "inside"} <= texts and not {"Hidden", "below"} & texts


def test_a_form_drawn_inside_a_clip_is_clipped_and_the_clip_outlasts_it(tmp_path: Path) -> None:
    """A form XObject draws inside the clip in force where it is invoked; that clip, not the form's
    own, holds after it."""
    pdf = tmp_path / "clipped-form.pdf"
    canvas = Canvas(str(pdf), pagesize=(612, HEIGHT))
    canvas.beginForm("lines")
    narrower = canvas.beginPath()
    narrower.rect(0, 550, 612, 200)  # the form's own clip: it must not outlast the form
    canvas.clipPath(narrower, stroke=0, fill=0)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(60, 600, "Form words inside")
    canvas.drawString(60, 720, "Form words above")  # inside the form's clip, outside the page's
    canvas.endForm()
    canvas.setFont("Helvetica", 10)
    clip = canvas.beginPath()
    clip.rect(50, 100, 500, 600)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.doForm("lines")
    canvas.drawString(60, 40, "Page words below")
    canvas.drawString(60, 500, "Page words within")
    canvas.save()
    [page] = read_pdf(pdf, Limits(), every_page=True).pages
    texts = [" ".join(w.text for w in sorted(line, key=lambda w: w.bbox.x0)) for line in lines_of(page.words)]
    assert sorted(texts) == ["Form words inside", "Page words within"]


def lines_of(words: tuple) -> list[list]:
    """Words grouped by their top, top to bottom."""
    lines: dict[int, list] = {}
    for word in words:
        lines.setdefault(round(word.bbox.top), []).append(word)
    return [lines[top] for top in sorted(lines)]

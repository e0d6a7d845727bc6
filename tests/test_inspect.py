"""`inspect` draws what the table finder saw onto page images, within the render limit."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from extract.inspect import inspect_pdf
from extract.readers.render import render_resolution
from extract.settings import Limits


def drawn_table(path: Path) -> Path:
    """A one-page PDF with a caption and a small ruled table."""
    canvas = Canvas(str(path), pagesize=(612, 792))
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(54, 720, "Table 2: Summary of Included Studies")
    canvas.setFont("Helvetica", 9)
    for x, text in zip((57, 207, 357), ("First Author, Year", "Population", "Results")):
        canvas.drawString(x, 700, text)
        canvas.drawString(x, 680, "Okafor (2016)" if x == 57 else "Adult women")
    canvas.rect(54, 670, 450, 44)
    canvas.line(54, 692, 504, 692)
    for x in (204, 354):
        canvas.line(x, 670, x, 714)
    canvas.save()
    return path


def test_inspect_writes_one_png_per_table_page_with_overlays(tmp_path: Path) -> None:
    pdf = drawn_table(tmp_path / "one-ruled-table.pdf")
    [png] = inspect_pdf(pdf, tmp_path / "out", limits=Limits()).pictures
    image = Image.open(png).convert("RGB")
    reds = sum(count for count, (r, g, b) in image.getcolors(1 << 24) if r > 200 and g < 40 and b < 40)
    assert png.name == "one-ruled-table-page-001.png" and reds > 100


def test_render_resolution_keeps_the_image_within_the_pixel_limit() -> None:
    limits = Limits(max_render_pixels=1_000_000)
    dpi = render_resolution(612, 792, limits)
    assert (612 * dpi / 72) * (792 * dpi / 72) <= 1_000_000 * 1.0001
    assert render_resolution(612, 792, Limits()) == 110.0


# --- reports where no summary table is found: the candidates and why they were turned away --------

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus" / "bad-pdfs"
HEADER_LINE = (150, 0, 200)
LATTICE_GRID = (210, 0, 210)
CAPTION_BLUE = (0, 90, 255)
STRUCTURE_TEAL = (0, 150, 150)


def pixels_of(png: Path, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    """How many pixels of a picture are within `tolerance` of a colour on every channel."""
    image = Image.open(png).convert("RGB")
    return sum(
        count for count, rgb in image.getcolors(1 << 24)
        if all(abs(channel - wanted) <= tolerance for channel, wanted in zip(rgb, colour))
    )


def test_a_pdf_that_is_no_report_gets_its_candidate_page_drawn_and_each_finder_says_why(tmp_path: Path) -> None:
    """A drug label's ruled adverse-reactions table: captioned and ruled, but no column names a study's author."""
    inspection = inspect_pdf(CORPUS / "control-ema-curved-table.pdf", tmp_path, limits=Limits())
    [png] = inspection.pictures
    notes = "\n".join(inspection.notes)
    assert png.name == "control-ema-curved-table-page-001.png"
    assert inspection.notes[0] == "No summary table found in control-ema-curved-table.pdf."
    assert "Table 2: Tabulated adverse reactions (page 1), geometry: grids on page(s) 1, but no header row names the author column" in notes
    assert "Table 2: Tabulated adverse reactions (page 1), lattice: grids on page(s) 1" in notes
    assert "structure: the table pages carry no tagged table" in notes
    assert pixels_of(png, CAPTION_BLUE) > 100 and pixels_of(png, LATTICE_GRID) > 500 and pixels_of(png, (220, 0, 0)) > 500


def prose_in_a_table(path: Path) -> Path:
    """Page 1: a captioned summary-looking table whose 'authors' are sentence starts; page 2: prose, then a header line with no caption."""
    canvas = Canvas(str(path), pagesize=(612, 792))
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(54, 720, "Table 2: Summary of Included Studies")
    canvas.setFont("Helvetica", 9)
    for y, texts in zip((700, 680, 660, 640), (("First Author, Year", "Population", "Results"), ("In 2015", "Adults", "Fewer deaths"),
                                                ("New 2018", "Children", "Shorter stays"), ("A 2019", "Women", "Lower costs"))):
        for x, text in zip((57, 207, 357), texts):
            canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.setFont("Helvetica", 9)
    canvas.drawString(54, 720, "Discussion of the evidence follows the table below, which has no caption.")
    for x, text in zip((57, 207, 357), ("Study Design", "Population", "Outcomes")):
        canvas.drawString(x, 690, text)
    canvas.save()
    return path


def test_a_forged_non_report_says_which_candidate_the_gate_rejected_and_draws_the_header_lines(tmp_path: Path) -> None:
    inspection = inspect_pdf(prose_in_a_table(tmp_path / "prose-in-a-table.pdf"), tmp_path / "out", limits=Limits())
    notes = "\n".join(inspection.notes)
    assert [png.name for png in inspection.pictures] == ["prose-in-a-table-page-001.png", "prose-in-a-table-page-002.png"]
    assert "Table 2: Summary of Included Studies (aligned, page 1): rejected: 3 of 3 'authors' are ordinary words" in notes
    assert "page 2: header line 'Study Design Population Outcomes', but no `Table N:` caption above it" in notes
    assert all(pixels_of(png, HEADER_LINE) > 50 for png in inspection.pictures)


def test_a_tagged_forged_report_draws_the_kept_structure_grid_and_names_what_it_outranked(forge_cache) -> None:  # type: ignore[no-untyped-def]
    from tests.forge.cache import Case

    ((rendered, _),) = forge_cache.cases([Case("weasyprint", "tagged", 24)])
    inspection = inspect_pdf(rendered.pdf, rendered.pdf.parent / "inspect-tagged", limits=Limits())
    kept = [note for note in inspection.notes if ": kept, confidence" in note]
    assert kept and all("(structure, page" in note for note in kept)
    assert any("(ruled, page" in note and "but structure read it with 0.97" in note for note in inspection.notes)
    assert inspection.pictures and all(pixels_of(png, STRUCTURE_TEAL, 20) > 200 for png in inspection.pictures)


def test_the_cli_prints_the_pictures_and_the_notes_and_refuses_what_it_cannot_read(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from flows.cli import main

    assert main(["inspect", str(prose_in_a_table(tmp_path / "prose.pdf")), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].endswith("prose-page-001.png") and "No summary table found in prose.pdf." in printed
    assert main(["inspect", str(CORPUS / "not-a-pdf-plain-text.pdf"), "--out", str(tmp_path / "out")]) == 1
    assert "not-a-pdf-plain-text.pdf cannot be read (not_a_pdf)" in capsys.readouterr().err

"""The PDF producers the forge draws a spec through, each behind `render(spec, variant, out_pdf) -> Rendered`.

`PRODUCERS` names them with the variants each can draw; `render_many` renders a list of jobs,
in one batch where the producer has one (LibreOffice converts many documents per soffice call).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from tests.forge.draw import render as reportlab_render
from tests.forge.layout import register_fonts
from tests.forge.producers import docx_lo, fpdf_pdf, typst_pdf, weasy
from tests.forge.spec import ReportSpec
from tests.forge.variant import Rendered, Variant

Job = tuple[ReportSpec, Variant, Path]


def render_reportlab(spec: ReportSpec, variant: Variant, out_pdf: Path) -> Rendered:
    """The original drawer; it draws the spacing artifact when the variant asks, nothing else."""
    if variant.spacing is not None:
        spec = dataclasses.replace(spec, spacing_artifact=variant.spacing)
    register_fonts()
    _, n_pages, _ = reportlab_render(spec, 0)
    pdf, n_pages, pages = reportlab_render(spec, n_pages)
    out_pdf.write_bytes(pdf)
    return Rendered(out_pdf, n_pages, pages)


@dataclass(frozen=True)
class Producer:
    """A PDF producer: its name, the named variants it can draw, how to render one or many."""

    name: str
    variants: frozenset[str]
    render: Callable[[ReportSpec, Variant, Path], Rendered]
    render_batch: Callable[[list[Job]], list[Rendered]] | None = None


PRODUCERS: Mapping[str, Producer] = {
    "reportlab": Producer("reportlab", frozenset({"plain", "spaced"}), render_reportlab),
    weasy.NAME: Producer(weasy.NAME, weasy.VARIANTS, weasy.render),
    typst_pdf.NAME: Producer(typst_pdf.NAME, typst_pdf.VARIANTS, typst_pdf.render),
    fpdf_pdf.NAME: Producer(fpdf_pdf.NAME, fpdf_pdf.VARIANTS, fpdf_pdf.render),
    docx_lo.NAME: Producer(docx_lo.NAME, docx_lo.VARIANTS, docx_lo.render, docx_lo.render_batch),
}


def render_many(producer: Producer, jobs: list[Job]) -> list[Rendered]:
    """Render jobs of one producer, batched where it can."""
    if producer.render_batch is not None and jobs:
        return producer.render_batch(jobs)
    return [producer.render(*job) for job in jobs]

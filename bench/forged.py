"""Forged reports for the benchmark: a batch of ordinary ones, and long ones of a chosen page count."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.forge import draw_report, long_table_rows, random_spec

FIRST_SEED = 1000


def forge_batch(out_dir: Path, n_reports: int) -> int:
    """Draw n_reports seeded reports into out_dir (a report already drawn is kept); return their pages.

    The same seed and forge draw the same report, so one drawn by an earlier benchmark with the
    same forge (`.forge-digest` says which) is kept; another forge draws them all again.
    """
    import pypdfium2

    from tests.forge.cache import forge_digest

    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = out_dir / ".forge-digest"
    if not stamp.is_file() or stamp.read_text() != forge_digest():
        for old in out_dir.glob("forged-*.pdf"):
            old.unlink()
        stamp.write_text(forge_digest())
    pages = 0
    for seed in range(FIRST_SEED, FIRST_SEED + n_reports):
        pdf = out_dir / f"forged-{seed}.pdf"
        if pdf.is_file():
            document = pypdfium2.PdfDocument(str(pdf))
            pages += len(document)
            document.close()
            continue
        pages += draw_report(random_spec(seed, report_id=pdf.stem), pdf).pages
    return pages


def forge_long_report(path: Path, n_studies: int, seed: int = 7) -> int:
    """Draw one report whose single study table has n_studies rows; return its page count."""
    base = random_spec(seed, report_id=path.stem)
    table = dataclasses.replace(base.tables[0], rows=long_table_rows(n_studies, seed))
    return draw_report(dataclasses.replace(base, tables=(table,)), path).pages


def forge_pages(path: Path, target_pages: int) -> int:
    """Draw a report of about target_pages pages: one guess from a small draw, then the real one."""
    sample_pages = forge_long_report(path, 20)
    studies = max(1, round(20 * target_pages / max(sample_pages, 1)))
    return forge_long_report(path, studies)

"""Forged reports for the benchmark: a batch of ordinary ones, and long ones of a chosen page count."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.forge import draw_report, long_table_rows, random_spec

FIRST_SEED = 1000


def forge_batch(out_dir: Path, n_reports: int) -> int:
    """Draw n_reports seeded reports into out_dir (kept when already drawn); return their pages."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = 0
    for seed in range(FIRST_SEED, FIRST_SEED + n_reports):
        pdf = out_dir / f"forged-{seed}.pdf"
        truth = draw_report(random_spec(seed, report_id=pdf.stem), pdf)
        pages += truth.pages
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

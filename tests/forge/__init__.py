"""The report forge: CADTH-style PDFs drawn from a structured spec, with their ground truth."""

from tests.forge.draw import draw_report
from tests.forge.random_spec import Flaws, long_table_rows, random_spec, seed_spec
from tests.forge.spec import GroundTruth, ReportSpec

__all__ = ["Flaws", "GroundTruth", "ReportSpec", "draw_report", "long_table_rows", "random_spec", "seed_spec"]

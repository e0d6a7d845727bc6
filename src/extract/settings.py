"""Run settings: frozen, with named defaults, checked when made, passed explicitly from the flow to the stages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one pathological file from hanging or exhausting a run."""

    timeout_s: float = 120.0
    max_pages: int = 1000
    max_file_mb: float = 200.0
    max_render_pixels: int = 25_000_000

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.max_pages <= 0 or self.max_file_mb <= 0:
            raise ValueError("limits must be positive")
        if self.max_render_pixels <= 0:
            raise ValueError("max_render_pixels must be positive")


@dataclass(frozen=True)
class LayoutSettings:
    """Tolerances for turning glyph runs into lines, blocks and running headers."""

    furniture_band: float = 0.09
    furniture_min_band_pt: float = 72.0  # one inch: running headers and footers print in the margin
    furniture_min_share: float = 0.3
    segment_gap_em: float = 0.8
    lone_column_gap_em: float = 1.2
    paragraph_gap_em: float = 0.9
    word_x_tolerance: float = 1.5
    word_y_tolerance: float = 2.0
    min_ruling_pt: float = 2.0
    min_decodable_share: float = 0.6

    def __post_init__(self) -> None:
        if not 0 < self.furniture_band < 0.5 or not 0 < self.furniture_min_share <= 1:
            raise ValueError("furniture band and share must be fractions")
        if min(self.segment_gap_em, self.paragraph_gap_em, self.word_x_tolerance) <= 0:
            raise ValueError("gaps and tolerances must be positive")
        if self.lone_column_gap_em < self.segment_gap_em:
            raise ValueError("a lone column gap must be at least as wide as a column-gap candidate")


DEFAULT_LAYOUT = LayoutSettings()


@dataclass(frozen=True)
class TableSettings:
    """Tolerances of the grid finders, in PDF points or as fractions of the font size."""

    snap_pt: float = 3.0
    line_overlap: float = 0.4
    row_gap_em: float = 0.55
    column_gap_em: float = 0.9
    end_gap_em: float = 3.0
    superscript_ratio: float = 0.85
    min_ruled_columns: int = 2

    def __post_init__(self) -> None:
        if min(self.snap_pt, self.row_gap_em, self.column_gap_em, self.end_gap_em) <= 0:
            raise ValueError("tolerances must be positive")
        if not 0 < self.superscript_ratio < 1 or not 0 < self.line_overlap < 1:
            raise ValueError("ratios must be fractions")


DEFAULT_TABLE_SETTINGS = TableSettings()

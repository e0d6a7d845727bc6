"""Run settings: frozen, with named defaults, passed explicitly from the flow to the stages."""

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

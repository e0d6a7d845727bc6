"""Field normalization: author / year / reference splitting, design labels, dates, counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuthorYearRef:
    """An author cell split into its parts; `rest` keeps anything that is none of them."""

    first_author: str | None
    year: int | None
    year_suffix: str = ""
    ref_no: int | None = None
    rest: str = ""


def split_author_year_ref(text: str) -> AuthorYearRef:
    """Split `Mekinian (2016)2`, `Smith et al., 2019`, `Katsoula, 20171` into their parts."""
    raise NotImplementedError


def design_for_label(label: str) -> str | None:
    """Map a printed design heading or Study Design cell to the contract's `design` value."""
    raise NotImplementedError

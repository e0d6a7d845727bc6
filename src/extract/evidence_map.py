"""The evidence map: designs × study years and designs × indications over the whole corpus, bubble size = studies.

Drawn with matplotlib from the snapshot's own `studies.parquet` while publish stages it, as
`evidence-map.png` (1400 px wide) and `evidence-map.html`, a self-contained page (the PNG
inlined, the counts as tables, nothing fetched). A study summarised by several reports counts
once per cell: studies are counted by study_id.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the console names these files; pandas, matplotlib and the design list load when a map is drawn
    import pandas as pd

PNG_FILE = "evidence-map.png"
HTML_FILE = "evidence-map.html"
INPUT_FILES: tuple[str, ...] = ("studies.parquet",)  # what it is drawn from
WIDTH_IN, DPI = 14.0, 100
TOP_INDICATIONS = 12
OTHER_INDICATIONS = "other indications"
NOT_STATED = "Not stated"


@dataclass(frozen=True)
class Grid:
    """Distinct studies per (design, column): rows are designs in the contract's order, columns sorted."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


def design_title(design: str) -> str:
    """A design as a reader names it, plural and capitalised: 'Randomized controlled trials'."""
    from extract.tables_spec import DESIGN_NAMES

    plural = DESIGN_NAMES.get(design, (design, design.replace("_", " ")))[1]
    return plural[0].upper() + plural[1:]


def indication_column(studies: pd.DataFrame) -> pd.Series:
    """Each study's indication as the map's column: the most frequent ones, the rest grouped."""
    indications = studies["indication"].fillna(NOT_STATED).astype(str).str.strip().str.capitalize()
    common = indications.value_counts().index[:TOP_INDICATIONS]
    return indications.where(indications.isin(common), OTHER_INDICATIONS)


def evidence_grid(studies: pd.DataFrame, by: str) -> Grid:
    """Distinct study_ids per design and year (`by="year"`) or indication (`by="indication"`)."""
    import pandas as pd

    from extract.fields import DESIGNS

    if studies.empty:
        return Grid((), (), ())
    column = studies["year"].astype("Int64").astype(str).replace("<NA>", "year unknown") if by == "year" else indication_column(studies)
    frame = pd.DataFrame({"design": studies["design"].astype(str), "column": column, "study": studies["study_id"].astype(str)})
    counts = frame.groupby(["design", "column"])["study"].nunique()
    rows = tuple(d for d in DESIGNS if d in set(frame["design"])) + tuple(sorted(set(frame["design"]) - set(DESIGNS)))
    columns = tuple(sorted(set(frame["column"]), key=lambda c: (c in (NOT_STATED, OTHER_INDICATIONS), c)))
    return Grid(rows, columns, tuple(tuple(int(counts.get((r, c), 0)) for c in columns) for r in rows))


def draw_grid(axes, grid: Grid, title: str) -> None:  # type: ignore[no-untyped-def]
    """One bubble chart: a bubble per non-empty cell, its area and label the count."""
    biggest = max((n for row in grid.counts for n in row), default=1) or 1
    for y, row in enumerate(grid.counts):
        for x, count in enumerate(row):
            if count:
                axes.scatter(x, y, s=60 + 1400 * count / biggest, alpha=0.6, color="#2b6cb0", edgecolors="#1a365d")
                axes.annotate(str(count), (x, y), ha="center", va="center", fontsize=8, color="white")
    axes.set_yticks(range(len(grid.rows)), [design_title(d) for d in grid.rows])
    axes.set_xticks(range(len(grid.columns)), grid.columns, rotation=40, ha="right")
    axes.set_xlim(-0.7, max(len(grid.columns) - 0.3, 0.7))
    axes.set_ylim(len(grid.rows) - 0.4, -0.6)
    axes.grid(True, color="#e2e8f0", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.set_title(title, loc="left", fontsize=11)


def evidence_figure(studies: pd.DataFrame):  # type: ignore[no-untyped-def]
    """The map as a matplotlib Figure: designs × years above, designs × indications below."""
    from matplotlib.figure import Figure

    by_year, by_indication = evidence_grid(studies, "year"), evidence_grid(studies, "indication")
    height = 3.0 + 0.55 * 2 * max(len(by_year.rows), 1) + 2.0
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    top, bottom = figure.subplots(2, 1, height_ratios=(1, 1.3))
    n_studies = studies["study_id"].nunique() if "study_id" in studies else 0
    figure.suptitle(f"Evidence map: {n_studies} studies in {studies['report_id'].nunique() if len(studies) else 0} reports "
                    f"(bubble size = number of studies)", fontsize=13, x=0.01, ha="left")
    draw_grid(top, by_year, "Designs × publication year of the study")
    draw_grid(bottom, by_indication, f"Designs × indication (the {TOP_INDICATIONS} most frequent; the rest grouped)")
    return figure


def png_bytes(studies: pd.DataFrame) -> bytes:
    """The map as PNG bytes."""
    buffer = io.BytesIO()
    evidence_figure(studies).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def grid_table(grid: Grid, corner: str) -> str:
    """A grid as an HTML table of counts."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in grid.columns)
    body = "".join(
        f"<tr><th>{html.escape(design_title(d))}</th>" + "".join(f"<td>{n or ''}</td>" for n in row) + "</tr>"
        for d, row in zip(grid.rows, grid.counts)
    )
    return f"<table><thead><tr><th>{html.escape(corner)}</th>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_page(studies: pd.DataFrame, png: bytes) -> str:
    """A self-contained page: the PNG inlined, and the counts behind it as tables."""
    image = base64.b64encode(png).decode("ascii")
    tables: Sequence[str] = (
        grid_table(evidence_grid(studies, "year"), "Design \\ year"),
        grid_table(evidence_grid(studies, "indication"), "Design \\ indication"),
    )
    style = ("body{font-family:system-ui,sans-serif;margin:2em;color:#1a202c}img{max-width:100%}"
             "table{border-collapse:collapse;margin:1.5em 0;font-size:13px}th,td{border:1px solid #cbd5e0;"
             "padding:3px 8px;text-align:right}th{background:#edf2f7}")
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evidence map</title>"
            f"<style>{style}</style></head><body><h1>Evidence map</h1>"
            f"<p>Studies (counted once per study_id) by design, publication year and indication.</p>"
            f"<img alt=\"Evidence map: designs by year and by indication\" src=\"data:image/png;base64,{image}\">"
            f"<h2>Designs × years</h2>{tables[0]}<h2>Designs × indications</h2>{tables[1]}</body></html>\n")


def write_evidence_map(folder: Path) -> None:
    """Write `evidence-map.png` and `evidence-map.html` into a snapshot folder from its studies.parquet."""
    import pandas as pd

    studies = pd.read_parquet(folder / "studies.parquet") if (folder / "studies.parquet").exists() else pd.DataFrame(
        columns=["report_id", "study_id", "design", "year", "indication"])
    png = png_bytes(studies)
    (folder / PNG_FILE).write_bytes(png)
    (folder / HTML_FILE).write_text(html_page(studies, png), encoding="utf-8")

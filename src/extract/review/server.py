"""The steward's review page: open failures beside their source, and a form to decide each.

A small Starlette app served by uvicorn on loopback only. Every string from a report reaches
the page through Jinja2's autoescaping, so a report's `<script>` is shown as text.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from extract.model import BBox
from extract.review.decisions import ACTIONS, DecisionError, append_decision, new_decision, read_decisions
from extract.review.sources import render_cell_crop, text_context

LOOPBACK_NAMES = {"localhost"}


@dataclass(frozen=True)
class ReviewConfig:
    """Where the review page reads and writes."""

    curated_dir: Path
    decisions_path: Path
    raw_dir: Path
    max_render_pixels: int = 4_000_000


def is_loopback(host: str) -> bool:
    """Whether a bind address only listens on this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_table(curated_dir: Path, name: str) -> pd.DataFrame:
    """A curated table, or an empty frame when the run did not write it."""
    path = curated_dir / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def cell_value(studies: pd.DataFrame, study_key: object, column: object) -> str | None:
    """The extracted value a failure speaks of, from published or quarantined studies."""
    if studies.empty or not isinstance(study_key, str) or not isinstance(column, str) or column not in studies:
        return None
    hit = studies.loc[studies["study_key"] == study_key, column]
    return None if hit.empty or pd.isna(hit.iloc[0]) else str(hit.iloc[0])


def source_path(reports: pd.DataFrame, report_id: str, raw_dir: Path) -> Path | None:
    """The report's source file, wherever the run recorded it."""
    if reports.empty:
        return None
    hit = reports.loc[reports["report_id"] == report_id, "source_file"]
    if hit.empty:
        return None
    recorded = Path(str(hit.iloc[0]))
    for candidate in (recorded, raw_dir / recorded.name):
        if candidate.exists():
            return candidate
    return None


def cell_location(provenance: pd.DataFrame, study_key: object, column: object) -> tuple[int, BBox] | None:
    """Page and bounding box of a study's cell (or of its row when the cell is missing)."""
    if provenance.empty or not isinstance(study_key, str):
        return None
    rows = provenance[provenance["study_key"] == study_key]
    exact = rows[rows["column"] == column] if isinstance(column, str) else rows.iloc[0:0]
    row = (exact if not exact.empty else rows).head(1)
    if row.empty or pd.isna(row["page_no"].iloc[0]):
        return None
    r = row.iloc[0]
    return int(r["page_no"]), BBox(float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"]))


@dataclass(frozen=True)
class ReviewData:
    """What one page load needs from curated/."""

    failures: pd.DataFrame
    studies: pd.DataFrame
    reports: pd.DataFrame
    provenance: pd.DataFrame


def load_review_data(curated_dir: Path) -> ReviewData:
    """Read the tables the review page shows, published and quarantined studies together."""
    studies = pd.concat(
        [read_table(curated_dir, "studies"), read_table(curated_dir / "quarantine", "studies")],
        ignore_index=True,
    )
    return ReviewData(
        failures=read_table(curated_dir, "validation_failures"),
        studies=studies,
        reports=read_table(curated_dir, "reports"),
        provenance=read_table(curated_dir, "provenance"),
    )


def _clean(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def failure_items(data: ReviewData, config: ReviewConfig, severity: str | None) -> list[dict[str, object]]:
    """The failures to review, each with its value and its source context."""
    frame = data.failures
    if frame.empty:
        return []
    if "status" in frame:
        frame = frame[frame["status"].fillna("open") == "open"]
    if severity:
        frame = frame[frame["severity"] == severity]
    texts: dict[str, str | None] = {}
    items = []
    for _, row in frame.iterrows():
        report_id, study_key, column = _clean(row["report_id"]), _clean(row["study_key"]), _clean(row["column"])
        item = {key: _clean(row.get(key)) for key in ("report_id", "table", "study_key", "ref_no", "column", "check", "severity", "failure_case", "message", "source_page")}
        item["value"] = cell_value(data.studies, study_key, column)
        location = cell_location(data.provenance, study_key, column)
        path = source_path(data.reports, report_id, config.raw_dir)
        if location and path and path.suffix.lower() == ".pdf":
            page_no, box = location
            item["crop_url"] = "/crop?" + urlencode({"report_id": report_id, "page": page_no, **asdict(box)})
        elif path and path.suffix.lower() != ".pdf":
            if report_id not in texts:
                texts[report_id] = path.read_text(encoding="utf-8", errors="replace")
            item["context"] = text_context(texts[report_id] or "", _needles(data.studies, study_key, item))
        items.append(item)
    return items


def _needles(studies: pd.DataFrame, study_key: str, item: dict[str, object]) -> list[str]:
    """Text to look for in the source: the value itself, then the study's author as printed."""
    needles = [str(item["value"] or "")[:60], str(item["failure_case"] or "")[:60]]
    if not studies.empty and study_key:
        hit = studies[studies["study_key"] == study_key]
        if not hit.empty:
            needles.append(f"{hit['first_author'].iloc[0]} ({hit['year'].iloc[0]}")
            needles.append(str(hit["first_author"].iloc[0]))
    return needles


def grouped(items: list[dict[str, object]]) -> dict[str, dict[str, list[dict[str, object]]]]:
    """Failures grouped by report, then by check, in a stable order."""
    groups: dict[str, dict[str, list[dict[str, object]]]] = {}
    for item in sorted(items, key=lambda i: (str(i["report_id"]), str(i["check"]), str(i["study_key"]))):
        groups.setdefault(str(item["report_id"]), {}).setdefault(str(item["check"]), []).append(item)
    return groups


TEMPLATES = Environment(loader=PackageLoader("extract.review", "."), autoescape=select_autoescape(["html"]))


def create_app(config: ReviewConfig) -> Starlette:
    """The review web app over one curated folder and one decisions file."""

    async def index(request: Request) -> HTMLResponse:
        severity = request.query_params.get("severity") or None
        data = load_review_data(config.curated_dir)
        items = failure_items(data, config, severity)
        decisions = read_decisions(config.decisions_path)
        html = TEMPLATES.get_template("page.html").render(
            groups=grouped(items), count=len(items), severity=severity or "", actions=ACTIONS,
            decisions=decisions, decisions_path=str(config.decisions_path),
            saved=request.query_params.get("saved"), error=request.query_params.get("error"),
        )
        return HTMLResponse(html)

    async def decide(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True).items()}
        try:
            decision = new_decision(
                report_id=form.get("report_id", ""), study_key=form.get("study_key", ""),
                column=form.get("column", ""), check=form.get("check", ""),
                action=form.get("action", ""),  # type: ignore[arg-type]
                value=form.get("value", ""), comment=form.get("comment", ""),
                decided_by=form.get("decided_by", ""),
            )
        except DecisionError as error:
            return RedirectResponse("/?" + urlencode({"error": str(error)}), status_code=303)
        append_decision(config.decisions_path, decision)
        return RedirectResponse("/?" + urlencode({"saved": decision.label}), status_code=303)

    async def crop(request: Request) -> Response:
        q = request.query_params
        data = load_review_data(config.curated_dir)
        path = source_path(data.reports, q.get("report_id", ""), config.raw_dir)
        if path is None or path.suffix.lower() != ".pdf":
            return Response("no PDF source for this report", status_code=404)
        box = BBox(float(q["x0"]), float(q["top"]), float(q["x1"]), float(q["bottom"]))
        png = render_cell_crop(path, int(q["page"]), box, config.max_render_pixels)
        return Response(png, media_type="image/png")

    async def failures_json(request: Request) -> Response:
        data = load_review_data(config.curated_dir)
        items = failure_items(data, config, request.query_params.get("severity") or None)
        return Response(json.dumps(items, default=str), media_type="application/json")

    return Starlette(routes=[
        Route("/", index), Route("/decide", decide, methods=["POST"]),
        Route("/crop", crop), Route("/failures.json", failures_json),
    ])


def serve(config: ReviewConfig, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the review page on loopback until interrupted."""
    import uvicorn

    if not is_loopback(host):
        raise ValueError(f"the review page only listens on loopback, not {host}")
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")

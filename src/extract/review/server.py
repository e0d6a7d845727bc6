"""The steward's review page: open failures beside their source, and a form to decide each.

A small Starlette app served by uvicorn on loopback only. Every string from a report reaches
the page through Jinja2's autoescaping, so a report's `<script>` is shown as text. The page
answers only requests addressed to itself and saves only decisions sent from itself
(`review.guard`); a refused request gets a 4xx page that says why.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from extract.errors import describe_os_error
from extract.model import BBox
from extract.review.apply import PROTECTED_COLUMNS
from extract.review.corrections import correction_problem
from extract.review.decisions import ACTIONS, Decision, DecisionError, append_decision, new_decision, read_decisions
from extract.review.guard import FormLimits, PageAddress, PageGuard, Refused, crop_request, read_form, require_same_origin, require_token
from extract.review.sources import CropRefused, render_cell_crop, text_context
from extract.sources import resolves_inside

LOOPBACK_NAMES = {"localhost"}


@dataclass(frozen=True)
class ReviewConfig:
    """Where the review page reads and writes, the loopback address it is served on, and its limits."""

    curated_dir: Path
    decisions_path: Path
    raw_dir: Path
    max_render_pixels: int = 4_000_000
    host: str = "127.0.0.1"
    port: int = 8765
    form_limits: FormLimits = field(default_factory=FormLimits)

    @property
    def address(self) -> PageAddress:
        """The only address the page answers to."""
        return PageAddress(self.host, self.port)


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
    """The report's source file in raw/ (by the name the run recorded), and only there."""
    if reports.empty:
        return None
    hit = reports.loc[reports["report_id"] == report_id, "source_file"]
    if hit.empty:
        return None
    candidate = raw_dir / Path(str(hit.iloc[0])).name
    return candidate if candidate.is_file() and resolves_inside(candidate, raw_dir) else None


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


def decision_from_form(form: dict[str, str]) -> Decision:
    """The decision a form asks for, or Refused(400) saying why it cannot be saved."""
    try:
        decision = new_decision(
            report_id=form.get("report_id", ""), study_key=form.get("study_key", ""),
            column=form.get("column", ""), check=form.get("check", ""),
            action=form.get("action", ""),  # type: ignore[arg-type]
            value=form.get("value", ""), comment=form.get("comment", ""),
            decided_by=form.get("decided_by", ""),
        )
    except DecisionError as error:
        raise Refused(400, f"Not saved: {error}.") from None
    if decision.action == "correct":
        if decision.column in PROTECTED_COLUMNS:
            raise Refused(400, f"Not saved: {decision.column} is a key, not an extracted value; it cannot be corrected.")
        problem = correction_problem(decision.column, decision.value)
        if problem:
            raise Refused(400, f"Not saved: {problem}.")
    return decision


def refused_page(status: int, message: str) -> HTMLResponse:
    """What a refused request gets: its status and a page that says why, with the way back."""
    return HTMLResponse(TEMPLATES.get_template("refused.html").render(status=status, message=message), status_code=status)


def create_app(config: ReviewConfig, token: str | None = None) -> ASGIApp:
    """The review web app over one curated folder and one decisions file, answering only at config.address.

    `token` is what every form must carry back; a new one is drawn for each start of the page.
    """
    token = token or secrets.token_urlsafe(32)

    async def index(request: Request) -> HTMLResponse:
        severity = request.query_params.get("severity") or None
        data = load_review_data(config.curated_dir)
        items = failure_items(data, config, severity)
        try:
            decisions, decisions_error = read_decisions(config.decisions_path), None
        except DecisionError as error:
            decisions, decisions_error = (), str(error)
        html = TEMPLATES.get_template("page.html").render(
            groups=grouped(items), count=len(items), severity=severity or "", actions=ACTIONS,
            decisions=decisions, decisions_path=str(config.decisions_path), decisions_error=decisions_error,
            saved=request.query_params.get("saved"), token=token, limits=config.form_limits.field_chars,
        )
        return HTMLResponse(html)

    async def decide(request: Request) -> Response:
        try:
            require_same_origin(request.headers)
            form = await read_form(request, config.form_limits)
            require_token(form, token)
            decision = decision_from_form(form)
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        try:
            append_decision(config.decisions_path, decision)
        except DecisionError as error:
            return refused_page(409, f"Not saved: {error}. Correct the file, then save again.")
        except OSError as error:
            return refused_page(500, f"Not saved: {config.decisions_path} cannot be written: {describe_os_error(error)}.")
        return RedirectResponse("/?" + urlencode({"saved": decision.label}), status_code=303)

    async def crop(request: Request) -> Response:
        try:
            report_id, page_no, box = crop_request(request.query_params)
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        data = load_review_data(config.curated_dir)
        path = source_path(data.reports, report_id, config.raw_dir)
        if path is None or path.suffix.lower() != ".pdf":
            return refused_page(404, "No PDF source for this report in the raw folder.")
        try:
            png = render_cell_crop(path, page_no, box, config.max_render_pixels)
        except CropRefused as refused:
            return refused_page(refused.status, str(refused))
        return Response(png, media_type="image/png")

    async def failures_json(request: Request) -> Response:
        data = load_review_data(config.curated_dir)
        items = failure_items(data, config, request.query_params.get("severity") or None)
        return Response(json.dumps(items, default=str), media_type="application/json")

    app = Starlette(routes=[
        Route("/", index), Route("/decide", decide, methods=["POST"]),
        Route("/crop", crop), Route("/failures.json", failures_json),
    ])
    return PageGuard(app, config.address)


def serve(config: ReviewConfig) -> None:
    """Serve the review page on loopback, at config.host and config.port, until interrupted."""
    import uvicorn

    if not is_loopback(config.host):
        raise ValueError(f"the review page only listens on loopback, not {config.host}")
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="warning")

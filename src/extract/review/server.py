"""The steward's review page: failures beside their source, filtered and paged, decided one by one or in bulk.

A small Starlette app served by uvicorn on loopback only. Every string from a report reaches
the page through Jinja2's autoescaping, so a report's `<script>` is shown as text. The page
answers only requests addressed to itself and saves only decisions sent from itself
(`review.guard`) — single decisions, bulk decisions and undos alike; a refused request gets a
4xx page that says why. The one script it runs is its own (`review.js`: the remembered name
and the keys), served by the page itself.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from extract.errors import describe_os_error
from extract.review.batch import load_batch
from extract.review.decisions import FORM_ACTIONS, Decision, DecisionError, append_decisions
from extract.review.desk import Filters, Ledger, select, selection_digest
from extract.review.forms import bulk_decisions, bulk_request, decision_from_form, return_url, revoke_from_form
from extract.review.guard import (
    FormLimits, PageAddress, PageGuard, Refused, bulk_limits, crop_boxes, crop_request, read_form,
    require_same_origin, require_token, undo_limits,
)
from extract.review.pages import audit_rows, bulk_targets, desk_page, verdicts_of
from extract.review.sources import CropRefused, render_cell_crop, render_region
from extract.review.store import load_decisions

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
    bulk_limits: FormLimits = field(default_factory=bulk_limits)
    undo_limits: FormLimits = field(default_factory=undo_limits)
    page_size: int = 25

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


TEMPLATES = Environment(loader=PackageLoader("extract.review", "."), autoescape=select_autoescape(["html"]))
SCRIPT = files("extract.review").joinpath("review.js")


def refused_page(status: int, message: str) -> HTMLResponse:
    """What a refused request gets: its status and a page that says why, with the way back."""
    return HTMLResponse(TEMPLATES.get_template("refused.html").render(status=status, message=message), status_code=status)


def saved(config: ReviewConfig, decisions: tuple[Decision, ...]) -> None:
    """Append decisions to the file in one write, or Refused: 409 for a file that cannot be read, 500 for one that cannot be written."""
    try:
        append_decisions(config.decisions_path, decisions)
    except DecisionError as error:
        raise Refused(409, f"Not saved: {error}. Correct the file, then save again.") from None
    except OSError as error:
        raise Refused(500, f"Not saved: {config.decisions_path} cannot be written: {describe_os_error(error)}.") from None


async def checked_form(request: Request, limits: FormLimits, token: str) -> dict[str, str]:
    """A state-changing form sent by the page itself: same origin, bounded, with this start's token."""
    require_same_origin(request.headers)
    form = await read_form(request, limits)
    require_token(form, token)
    return form


def create_app(config: ReviewConfig, token: str | None = None) -> ASGIApp:
    """The review web app over one curated folder and one decisions file, answering only at config.address.

    `token` is what every form must carry back; a new one is drawn for each start of the page.
    """
    token = token or secrets.token_urlsafe(32)

    async def index(request: Request) -> Response:
        try:
            filters = Filters.from_params(request.query_params)
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        page = desk_page(load_batch(config.curated_dir), load_decisions(config.decisions_path), filters, config.raw_dir, config.page_size)
        html = TEMPLATES.get_template("page.html").render(
            page=page, filters=filters, actions=FORM_ACTIONS, decisions_path=str(config.decisions_path),
            saved=request.query_params.get("saved"), token=token, limits=config.form_limits.field_chars,
        )
        return HTMLResponse(html)

    async def decide(request: Request) -> Response:
        try:
            form = await checked_form(request, config.form_limits, token)
            decision = decision_from_form(form)
            saved(config, (decision,))
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        return RedirectResponse(return_url(form, decision.label), status_code=303)

    async def bulk(request: Request) -> Response:
        try:
            form = await checked_form(request, config.bulk_limits, token)
            asked = bulk_request(form)
            batch, read = load_batch(config.curated_dir), load_decisions(config.decisions_path)
            if read.error:
                raise Refused(409, f"Not saved: {read.error}. Correct the file, then save again.")
            verdicts = verdicts_of(batch, Ledger.of(read.decisions))
            shown = select(batch.records, verdicts, asked.filters).shown
            targets = bulk_targets(asked, shown, verdicts)
            if len(shown) != asked.expected or selection_digest(shown) != asked.digest:
                raise Refused(409, f"Not saved: the failures shown have changed since the page was drawn ({asked.expected} then, "
                                   f"{len(shown)} now: a run published new tables, or someone decided some). Reload the page and look again.")
            made = bulk_decisions(asked, shown, targets)
            if not asked.confirmed:
                html = TEMPLATES.get_template("confirm.html").render(asked=asked, shown=shown, made=made, form=form, token=token)
                return HTMLResponse(html)
            saved(config, made)
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        who = made[0].decided_by
        return RedirectResponse(return_url(form, f"{asked.action} ×{len(made)} by {who} at {made[0].decided_at}"), status_code=303)

    async def undo(request: Request) -> Response:
        try:
            form = await checked_form(request, config.undo_limits, token)
            read = load_decisions(config.decisions_path)
            if read.error:
                raise Refused(409, f"Not undone: {read.error}. Correct the file, then undo again.")
            revoke = revoke_from_form(form, Ledger.of(read.decisions).acting.get((form.get("report_id", ""), form.get("study_key", "")), ()))
            saved(config, (revoke,))
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        return RedirectResponse(return_url(form, f"{revoke.label} (undoing the decision made at {revoke.value})"), status_code=303)

    async def decisions_page(request: Request) -> Response:
        page_text = request.query_params.get("page") or "1"
        if not page_text.isdigit() or int(page_text) < 1 or len(page_text) > 6:
            return refused_page(400, f"Refused: page must be a whole number from 1, not {page_text[:20]!r}.")
        read = load_decisions(config.decisions_path)
        rows, page, pages = audit_rows(read.decisions, int(page_text))
        html = TEMPLATES.get_template("decisions.html").render(
            rows=rows, page=page, pages=pages, total=len(read.decisions), error=read.error,
            decisions_path=str(config.decisions_path), token=token, saved=request.query_params.get("saved"),
        )
        return HTMLResponse(html)

    async def crop(request: Request) -> Response:
        try:
            report_id, page_no, box = crop_request(request.query_params)
            drawn = "outline" in request.query_params or "mark" in request.query_params
            outline, mark = crop_boxes(request.query_params, "outline"), crop_boxes(request.query_params, "mark")
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        path = load_batch(config.curated_dir).source_path(report_id, config.raw_dir)
        if path is None or path.suffix.lower() != ".pdf":
            return refused_page(404, "No PDF source for this report in the raw folder.")
        try:
            if drawn:
                png = render_region(path, page_no, box, outline, mark, config.max_render_pixels)
            else:
                png = render_cell_crop(path, page_no, box, config.max_render_pixels)
        except CropRefused as refused:
            return refused_page(refused.status, str(refused))
        return Response(png, media_type="image/png")

    async def failures_json(request: Request) -> Response:
        try:
            filters = Filters.from_params(request.query_params)
        except Refused as refused:
            return refused_page(refused.status, refused.message)
        batch = load_batch(config.curated_dir)
        verdicts = verdicts_of(batch, Ledger.of(load_decisions(config.decisions_path).decisions))
        shown = select(batch.records, verdicts, filters).shown
        items = [{**asdict(r), "state": verdicts[r.id].state} for r in shown]
        for item in items:
            item.pop("haystack")
        return Response(json.dumps(items, default=str), media_type="application/json")

    async def script(request: Request) -> Response:
        return Response(SCRIPT.read_bytes(), media_type="text/javascript; charset=utf-8")

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)

    app = Starlette(routes=[
        Route("/", index), Route("/decide", decide, methods=["POST"]), Route("/bulk", bulk, methods=["POST"]),
        Route("/undo", undo, methods=["POST"]), Route("/decisions", decisions_page),
        Route("/crop", crop), Route("/failures.json", failures_json), Route("/review.js", script),
        Route("/favicon.ico", no_icon),
    ])
    return PageGuard(app, config.address)


def serve(config: ReviewConfig) -> None:
    """Serve the review page on loopback, at config.host and config.port, until interrupted."""
    import uvicorn

    if not is_loopback(config.host):
        raise ValueError(f"the review page only listens on loopback, not {config.host}")
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="warning")

"""The review page answers only itself: its own address, its own forms, requests of a bounded size.

A page on another site can make a steward's browser send requests to loopback, and a DNS name
can be pointed at 127.0.0.1 (rebinding), so being bound to loopback is not enough. Every request
must name the page's own address in `Host` (else 421, on every route: a rebound name never
reaches the data); a request that changes something must come from the page itself — `Origin`
(or, without one, `Referer`) on the same address, the form's per-start token, and only the form
encoding a browser's own form sends — else 403 or 415. Bodies, fields and crop coordinates are
bounded, with a 4xx that says what was wrong. Every response forbids framing and cross-site use.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extract.model import BBox

SECURITY_HEADERS: dict[str, str] = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_COORDINATE = 100_000.0  # PDF points: far beyond any real page (14,400 pt is PDF's own limit)
MAX_PAGE = 100_000
MAX_BOXES = 60  # outlines or marks on one crop: a page's rows, and then some


class Refused(Exception):
    """A request the page will not serve: the HTTP status to answer and why, in words."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class PageAddress:
    """The loopback address and port the page is served on: the only ones it answers to."""

    host: str = "127.0.0.1"
    port: int = 8765

    @property
    def hosts(self) -> frozenset[str]:
        """The `Host` values a browser sends for this page (the bound address, or `localhost`)."""
        names = {host_name(self.host), "localhost"}
        with_port = {f"{name}:{self.port}" for name in names}
        return frozenset(with_port | (names if self.port == 80 else set()))

    @property
    def url(self) -> str:
        """The page's address, as the command prints it."""
        return f"http://{host_name(self.host)}:{self.port}/"


def host_name(host: str) -> str:
    """A host as it appears in a URL: IPv6 literals in brackets, names lower-cased."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host.lower()


class PageGuard:
    """ASGI middleware: refuses any request whose Host is not the page's, and adds the security headers."""

    def __init__(self, app: ASGIApp, address: PageAddress):
        self.app = app
        self.address = address

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = (Headers(scope=scope).get("host") or "").lower()
        if host not in self.address.hosts:
            refusal = PlainTextResponse(
                f"This page only answers at {self.address.url} (misdirected request).", status_code=421,
                headers=SECURITY_HEADERS,
            )
            await refusal(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_secured)


def require_same_origin(headers: Headers) -> None:
    """A state-changing request must come from this page: Origin, else Referer, on the very Host it names."""
    own = f"http://{headers.get('host', '').lower()}"
    origin = headers.get("origin")
    if origin is not None:
        if origin.lower() != own:
            raise Refused(403, f"Refused: a request from {origin} may not change decisions; use the review page itself.")
        return
    referer = urlsplit(headers.get("referer") or "")
    if f"{referer.scheme}://{referer.netloc}".lower() != own:
        raise Refused(403, "Refused: the request does not say it comes from the review page (no Origin or Referer).")


def require_token(form: Mapping[str, str], token: str) -> None:
    """The form must carry this start's token: a page from another site cannot read it."""
    if not hmac.compare_digest(form.get("token", "").encode(), token.encode()):
        raise Refused(403, "Refused: this form is from an earlier start of the review page, or not from it; reload the page.")


RETURN_FIELDS: dict[str, int] = {"back": 2_000, "anchor": 40}  # where the page returns to after a save


@dataclass(frozen=True)
class FormLimits:
    """How large a decision form may be: the body in bytes, each field in characters."""

    max_body_bytes: int = 256 * 1024
    field_chars: Mapping[str, int] = field(default_factory=lambda: {
        "token": 100, "report_id": 300, "study_key": 500, "column": 100, "check": 100, "action": 20,
        "value": 20_000, "comment": 2_000, "decided_by": 200, **RETURN_FIELDS,
    })


def bulk_limits() -> FormLimits:
    """The bulk form: the filters that chose the failures, what the steward saw of them, one action and one comment."""
    return FormLimits(16 * 1024, {
        "token": 100, "report": 300, "check": 100, "severity": 20, "status": 10, "q": 200,
        "action": 20, "comment": 2_000, "decided_by": 200, "expected": 10, "digest": 64, "confirm": 10, **RETURN_FIELDS,
    })


def undo_limits() -> FormLimits:
    """The undo form: the keys and time of the decision to revoke, and who revokes it and why."""
    return FormLimits(16 * 1024, {
        "token": 100, "report_id": 300, "study_key": 500, "column": 100, "check": 100, "decided_at": 40,
        "comment": 2_000, "decided_by": 200, **RETURN_FIELDS,
    })


async def read_form(request: Request, limits: FormLimits) -> dict[str, str]:
    """The decision form's fields, or Refused: 415 for another encoding, 413 for a large body, 400 for bad fields."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise Refused(415, f"Refused: a decision is sent as {FORM_TYPE}, not {media_type or 'an unnamed type'}.")
    body = await bounded_body(request, limits.max_body_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "Refused: the form is not UTF-8 text.") from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict", max_num_fields=len(limits.field_chars))
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "Refused: the form is not a well-formed form (unknown fields, or not UTF-8).") from None
    return checked_fields(pairs, limits)


async def bounded_body(request: Request, max_bytes: int) -> bytes:
    """The request body, read no further than max_bytes (the declared length is checked first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise Refused(413, f"Refused: the form is larger than {max_bytes // 1024} KiB.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise Refused(413, f"Refused: the form is larger than {max_bytes // 1024} KiB.")
    return bytes(body)


def checked_fields(pairs: list[tuple[str, str]], limits: FormLimits) -> dict[str, str]:
    """Known fields, each once, none too long and none holding a NUL character."""
    form: dict[str, str] = {}
    for name, value in pairs:
        if name not in limits.field_chars:
            raise Refused(400, f"Refused: the form has an unknown field {name[:40]!r}.")
        if name in form:
            raise Refused(400, f"Refused: the form gives {name} twice.")
        if len(value) > limits.field_chars[name]:
            raise Refused(400, f"Refused: {name} is longer than {limits.field_chars[name]:,} characters.")
        if "\x00" in value:
            raise Refused(400, f"Refused: {name} holds a NUL character.")
        form[name] = value
    return form


def crop_request(params: Mapping[str, str]) -> tuple[str, int, BBox]:
    """The report, page and box a crop asks for, or Refused(400) saying which parameter is wrong."""
    report_id = params.get("report_id", "")
    if not report_id:
        raise Refused(400, "Refused: report_id is missing.")
    page_text = params.get("page", "")
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise Refused(400, f"Refused: page must be a whole number from 1, not {page_text[:20]!r}.")
    box = BBox(*(coordinate(params, name) for name in ("x0", "top", "x1", "bottom")))
    if box.x1 < box.x0 or box.bottom < box.top:
        raise Refused(400, "Refused: the box must have x0 ≤ x1 and top ≤ bottom.")
    return report_id, int(page_text), box


def coordinate(params: Mapping[str, str], name: str) -> float:
    """One finite coordinate in PDF points, or Refused(400)."""
    text = params.get(name, "")
    try:
        value = float(text)
    except ValueError:
        raise Refused(400, f"Refused: {name} must be a number, not {text[:20]!r}.") from None
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise Refused(400, f"Refused: {name} must be a finite number of points, not {text[:20]!r}.")
    return value


def crop_boxes(params: Mapping[str, str], name: str) -> tuple[BBox, ...]:
    """Boxes to outline on a crop, `x0,top,x1,bottom` joined by `|`, or Refused(400) saying what is wrong."""
    text = params.get(name, "")
    if not text:
        return ()
    parts = text.split("|")
    if len(parts) > MAX_BOXES:
        raise Refused(400, f"Refused: {name} names more than {MAX_BOXES} boxes.")
    boxes = []
    for part in parts:
        values = part.split(",")
        if len(values) != 4:
            raise Refused(400, f"Refused: each box of {name} is x0,top,x1,bottom, not {part[:40]!r}.")
        box = BBox(*(coordinate(dict(zip(("x0", "top", "x1", "bottom"), values)), axis) for axis in ("x0", "top", "x1", "bottom")))
        if box.x1 < box.x0 or box.bottom < box.top:
            raise Refused(400, f"Refused: a box of {name} must have x0 ≤ x1 and top ≤ bottom.")
        boxes.append(box)
    return tuple(boxes)

"""The review page against hostile and broken requests, through HTTP: only the page itself may save a decision."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest
from reportlab.pdfgen.canvas import Canvas
from starlette.testclient import TestClient

from extract.review.decisions import DECISION_COLUMNS, read_decisions
from extract.review.server import ReviewConfig, create_app
from test_review_server import PAGE, PORT, form_token, page_client, write_curated

FOREIGN = "http://evil.example"
GOOD_FORM = {
    "report_id": "r", "study_key": "r:3", "column": "authors_conclusions", "check": "required",
    "action": "reject", "value": "", "comment": "", "decided_by": "mallory",
}


@pytest.fixture()
def config(tmp_path: Path) -> ReviewConfig:
    config = ReviewConfig(tmp_path / "curated", tmp_path / "review" / "decisions.csv", tmp_path / "raw", port=PORT)
    write_curated(config.curated_dir, config.raw_dir)
    return config


@pytest.fixture()
def http(config: ReviewConfig) -> TestClient:
    return page_client(config)


def encoded(form: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(form)


def assert_secured(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


# --- who may save a decision ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "content_type", "status"),
    [
        ({"Origin": FOREIGN}, "text/plain", 403),  # the "simple" request a browser sends without asking
        ({"Origin": FOREIGN}, "application/x-www-form-urlencoded", 403),
        ({"Origin": None}, "application/x-www-form-urlencoded", 403),  # no Origin, no Referer
        ({"Origin": None, "Referer": f"{FOREIGN}/page"}, "application/x-www-form-urlencoded", 403),
        ({"Origin": "null"}, "application/x-www-form-urlencoded", 403),  # a sandboxed frame or a file:// page
        ({"Origin": f"http://127.0.0.1:{PORT + 1}"}, "application/x-www-form-urlencoded", 403),  # another local port
        ({"Host": f"evil.example:{PORT}", "Origin": f"http://evil.example:{PORT}"}, "application/x-www-form-urlencoded", 421),
        ({}, "text/plain", 415),  # the page's own origin, but not the encoding its forms use
        ({}, "multipart/form-data; boundary=x", 415),
    ],
    ids=["foreign-origin-text-plain", "foreign-origin-form", "no-origin", "foreign-referer", "origin-null",
         "other-local-port", "dns-rebinding", "text-plain", "multipart"],
)
def test_a_decision_from_anywhere_but_the_page_is_refused_and_not_saved(
    http: TestClient, config: ReviewConfig, headers: dict[str, str | None], content_type: str, status: int
) -> None:
    token = form_token(http)
    sent = {key: value for key, value in {"Origin": PAGE, **headers, "Content-Type": content_type}.items() if value is not None}
    if "Origin" not in sent:
        http.headers.pop("Origin")
    response = http.post("/decide", content=encoded({**GOOD_FORM, "token": token}), headers=sent)
    assert response.status_code == status, response.text
    assert_secured(response)
    assert not config.decisions_path.exists()


@pytest.mark.parametrize("token", ["", "guessed", None], ids=["empty", "wrong", "missing"])
def test_a_form_without_this_starts_token_is_refused(http: TestClient, config: ReviewConfig, token: str | None) -> None:
    form = GOOD_FORM if token is None else {**GOOD_FORM, "token": token}
    response = http.post("/decide", data=form)
    assert response.status_code == 403 and "reload the page" in response.text
    assert not config.decisions_path.exists()


def test_the_token_is_drawn_anew_for_each_start_of_the_page(config: ReviewConfig) -> None:
    earlier = page_client(config)
    stale_token = form_token(earlier)
    restarted = page_client(config)
    assert form_token(restarted) != stale_token
    assert restarted.post("/decide", data={**GOOD_FORM, "token": stale_token}).status_code == 403
    assert not config.decisions_path.exists()


def test_the_page_itself_saves_by_origin_or_by_referer_and_as_localhost(http: TestClient, config: ReviewConfig) -> None:
    token = form_token(http)
    assert http.post("/decide", data={**GOOD_FORM, "token": token, "decided_by": "ana"}).status_code == 303
    http.headers.pop("Origin")
    by_referer = http.post("/decide", data={**GOOD_FORM, "token": token, "decided_by": "ben"}, headers={"Referer": f"{PAGE}/?severity=error"})
    assert by_referer.status_code == 303
    local = TestClient(create_app(config, token="t"), base_url=f"http://localhost:{PORT}", headers={"Origin": f"http://localhost:{PORT}"}, follow_redirects=False)
    assert local.post("/decide", data={**GOOD_FORM, "token": "t", "decided_by": "cy"}).status_code == 303
    assert [d.decided_by for d in read_decisions(config.decisions_path)] == ["ana", "ben", "cy"]


@pytest.mark.parametrize("route", ["/", "/failures.json", "/crop?report_id=r&page=1&x0=0&top=0&x1=1&bottom=1", "/nowhere"])
@pytest.mark.parametrize("host", [f"evil.example:{PORT}", f"127.0.0.1:{PORT + 1}", "evil.example"])
def test_every_route_answers_only_to_the_pages_own_host(http: TestClient, route: str, host: str) -> None:
    response = http.get(route, headers={"Host": host})
    assert response.status_code == 421
    assert "Smith" not in response.text and "r:3" not in response.text
    assert_secured(response)


def test_every_answer_forbids_framing(http: TestClient) -> None:
    token = form_token(http)
    answers = [http.get("/"), http.get("/failures.json"), http.get("/nowhere"), http.get("/crop"),
               http.post("/decide", data={**GOOD_FORM, "token": token}), http.post("/decide", data={"token": token, "action": "x"})]
    assert [a.status_code for a in answers] == [200, 200, 404, 400, 303, 400]
    for answer in answers:
        assert_secured(answer)


# --- limits -----------------------------------------------------------------------------------


def test_a_huge_comment_is_refused_and_the_page_and_file_stay_usable(http: TestClient, config: ReviewConfig) -> None:
    token = form_token(http)
    response = http.post("/decide", data={**GOOD_FORM, "token": token, "comment": "x" * 140_000})
    assert response.status_code == 400 and "comment is longer than 2,000 characters" in response.text
    assert http.post("/decide", data={**GOOD_FORM, "token": token}).status_code == 303
    assert http.get("/").status_code == 200 and len(read_decisions(config.decisions_path)) == 1


def test_a_body_over_the_limit_is_413_whether_its_length_is_declared_or_not(http: TestClient, config: ReviewConfig) -> None:
    big = encoded({**GOOD_FORM, "token": form_token(http), "value": "x" * 300_000}).encode()
    declared = http.post("/decide", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"})
    chunked = http.post("/decide", content=(big[i:i + 65_536] for i in range(0, len(big), 65_536)),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert declared.status_code == chunked.status_code == 413
    assert "larger than 256 KiB" in chunked.text and not config.decisions_path.exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"report_id=r&action=accept&comment=caf\xe9", "not UTF-8"),
        (b"report_id=r&action=accept&comment=caf%E9", "not a well-formed form"),
        (b"report_id=r&action=accept&admin=1", "unknown field 'admin'"),
        (b"report_id=r&action=accept&action=reject", "gives action twice"),
        (b"report_id=r&action=accept&comment=a%00b", "comment holds a NUL character"),
    ],
    ids=["latin-1-body", "bad-percent-utf8", "unknown-field", "twice", "nul"],
)
def test_a_malformed_form_is_a_400_that_says_what(http: TestClient, config: ReviewConfig, body: bytes, expected: str) -> None:
    token = form_token(http).encode()
    response = http.post("/decide", content=b"token=" + token + b"&" + body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and expected in response.text.replace("&#39;", "'")
    assert not config.decisions_path.exists()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [("year", "2012a", "is not a whole number"), ("year", "1700", "year_range"), ("design", "anecdote", "design_enum"),
     ("study_key", "r:4", "is a key, not an extracted value"), ("", "x", "a correction needs a column")],
)
def test_a_correction_that_cannot_stand_is_refused_on_the_page(http: TestClient, config: ReviewConfig, column: str, value: str, expected: str) -> None:
    form = {**GOOD_FORM, "token": form_token(http), "action": "correct", "column": column, "value": value}
    response = http.post("/decide", data=form)
    assert response.status_code == 400 and expected in response.text
    assert not config.decisions_path.exists()


# --- crops ------------------------------------------------------------------------------------


def one_page_pdf(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=(612, 792))
    canvas.drawString(72, 700, "Smith (2019)3 Adults")
    canvas.showPage()
    canvas.save()
    return path


@pytest.fixture()
def pdf_http(tmp_path: Path) -> TestClient:
    config = ReviewConfig(tmp_path / "curated", tmp_path / "d.csv", tmp_path / "raw", port=PORT)
    write_curated(config.curated_dir, config.raw_dir)
    one_page_pdf(config.raw_dir / "p.pdf")
    pd.DataFrame({"report_id": ["p"], "source_file": ["p.pdf"]}).to_parquet(config.curated_dir / "reports.parquet")
    return page_client(config)


@pytest.mark.parametrize(
    ("query", "status", "expected"),
    [
        ("page=1&x0=70&top=80&x1=200&bottom=100", 200, ""),
        ("page=0&x0=70&top=80&x1=200&bottom=100", 400, "page must be a whole number from 1"),
        ("page=abc&x0=70&top=80&x1=200&bottom=100", 400, "page must be a whole number from 1"),
        ("page=2&x0=70&top=80&x1=200&bottom=100", 400, "page 2 is not in this report (1 pages)"),
        ("page=1&top=80&x1=200&bottom=100", 400, "x0 must be a number"),
        ("page=1&x0=inf&top=80&x1=200&bottom=100", 400, "x0 must be a finite number"),
        ("page=1&x0=nan&top=80&x1=200&bottom=100", 400, "x0 must be a finite number"),
        ("page=1&x0=1e300&top=80&x1=1e301&bottom=100", 400, "x0 must be a finite number"),
        ("page=1&x0=300&top=80&x1=200&bottom=100", 400, "x0 ≤ x1"),
        ("page=1&x0=5000&top=80&x1=6000&bottom=100", 400, "lies off page 1"),
    ],
)
def test_a_crop_with_a_bad_page_or_box_is_a_400(pdf_http: TestClient, query: str, status: int, expected: str) -> None:
    response = pdf_http.get(f"/crop?report_id=p&{query}")
    assert response.status_code == status, response.text
    if status == 200:
        assert response.headers["content-type"] == "image/png" and response.content.startswith(b"\x89PNG")
    else:
        assert expected in response.text


def test_a_crop_of_a_report_without_a_pdf_in_raw_is_a_404(http: TestClient) -> None:
    assert http.get("/crop?report_id=r&page=1&x0=0&top=0&x1=1&bottom=1").status_code == 404


# --- the decisions file as people leave it ------------------------------------------------------


HEADER = ",".join(DECISION_COLUMNS)
HAND_ROW = "r,r:3,authors_conclusions,required,accept,,by hand,ana,"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"report;study;column\n" + HAND_ROW.encode() + b"\n", "line 1: the header must be exactly"),
        (f"{HEADER}\n{HAND_ROW},extra\n".encode(), "line 2: 10 fields where the header has 9"),
        (f"{HEADER}\n{HAND_ROW.replace('by hand', 'café')}\n".encode("latin-1"), "line 2: byte 0xe9 is not UTF-8"),
    ],
    ids=["header", "extra-field", "latin-1"],
)
def test_a_broken_decisions_file_is_shown_on_the_page_and_not_written_to(
    http: TestClient, config: ReviewConfig, content: bytes, expected: str
) -> None:
    config.decisions_path.parent.mkdir(parents=True)
    config.decisions_path.write_bytes(content)
    page = http.get("/")
    assert page.status_code == 200 and "2 open" in page.text
    assert "decisions-error" in page.text and expected in page.text and str(config.decisions_path) in page.text
    response = http.post("/decide", data={**GOOD_FORM, "token": form_token(http)})
    assert response.status_code == 409 and expected in response.text
    assert config.decisions_path.read_bytes() == content


@pytest.mark.parametrize(
    "content",
    [b"", codecs.BOM_UTF8 + f"{HEADER}\r\n{HAND_ROW}\r\n".encode(), f"{HEADER}\n{HAND_ROW}".encode()],
    ids=["empty", "excel-bom-crlf", "no-final-newline"],
)
def test_a_decisions_file_as_editors_save_it_takes_the_pages_decision(http: TestClient, config: ReviewConfig, content: bytes) -> None:
    config.decisions_path.parent.mkdir(parents=True)
    config.decisions_path.write_bytes(content)
    assert http.get("/").status_code == 200
    assert http.post("/decide", data={**GOOD_FORM, "token": form_token(http)}).status_code == 303
    expected = (["ana"] if content else []) + ["mallory"]
    assert [d.decided_by for d in read_decisions(config.decisions_path)] == expected


def test_a_decisions_file_that_cannot_be_written_is_said_so(tmp_path: Path) -> None:
    (tmp_path / "review").write_text("a file where the folder should be", encoding="utf-8")
    config = ReviewConfig(tmp_path / "curated", tmp_path / "review" / "decisions.csv", tmp_path / "raw", port=PORT)
    write_curated(config.curated_dir, config.raw_dir)
    http = page_client(config)
    response = http.post("/decide", data={**GOOD_FORM, "token": form_token(http)})
    assert response.status_code == 500 and "cannot be written" in response.text and "review" in response.text


# --- the desk's own state-changing routes: bulk decisions and undo --------------------------------


def page_form(http: TestClient, xpath: str, query: str = "/") -> dict[str, str]:
    """The fields of a form on the page, as a browser sends them back."""
    import lxml.html

    (form,) = lxml.html.fromstring(http.get(query).text).xpath(xpath)
    return {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")}


def undo_form(http: TestClient, config: ReviewConfig) -> dict[str, str]:
    """An Undo form for a decision saved by the page itself."""
    assert http.post("/decide", data={**GOOD_FORM, "action": "accept", "token": form_token(http)}).status_code == 303
    return {**page_form(http, "//form[contains(@class, 'undo')]", "/?status=decided"), "decided_by": "mallory"}


STATE_CHANGES = {
    "bulk": lambda http, config: ("/bulk", {**page_form(http, "//form[@id='bulk']"), "action": "accept", "decided_by": "mallory", "confirm": "yes"}),
    "undo": lambda http, config: ("/undo", undo_form(http, config)),
}


@pytest.mark.parametrize("route", sorted(STATE_CHANGES))
@pytest.mark.parametrize(
    ("headers", "content_type", "status"),
    [
        ({"Origin": FOREIGN}, "text/plain", 403),
        ({"Origin": FOREIGN}, "application/x-www-form-urlencoded", 403),
        ({"Origin": None}, "application/x-www-form-urlencoded", 403),
        ({"Origin": "null"}, "application/x-www-form-urlencoded", 403),
        ({"Host": f"evil.example:{PORT}", "Origin": f"http://evil.example:{PORT}"}, "application/x-www-form-urlencoded", 421),
        ({}, "text/plain", 415),
    ],
    ids=["foreign-origin-text-plain", "foreign-origin-form", "no-origin", "origin-null", "dns-rebinding", "text-plain"],
)
def test_a_bulk_decision_or_an_undo_from_anywhere_but_the_page_is_refused(
    http: TestClient, config: ReviewConfig, route: str, headers: dict[str, str | None], content_type: str, status: int
) -> None:
    path, form = STATE_CHANGES[route](http, config)
    before = config.decisions_path.read_bytes() if config.decisions_path.exists() else b""
    sent = {key: value for key, value in {"Origin": PAGE, **headers, "Content-Type": content_type}.items() if value is not None}
    if "Origin" not in sent:
        http.headers.pop("Origin")
    response = http.post(path, content=encoded(form), headers=sent)
    assert response.status_code == status, response.text
    assert_secured(response)
    assert (config.decisions_path.read_bytes() if config.decisions_path.exists() else b"") == before


@pytest.mark.parametrize("route", sorted(STATE_CHANGES))
@pytest.mark.parametrize(
    ("change", "status", "expected"),
    [
        ({"token": ""}, 403, "reload the page"), ({"token": "guessed"}, 403, "reload the page"),
        ({"admin": "1"}, 400, "unknown field 'admin'"), ({"comment": "x" * 2_001}, 400, "comment is longer than 2,000 characters"),
        ({"comment": "a\x00b"}, 400, "comment holds a NUL character"), ({"comment": "x" * 20_000}, 413, "larger than 16 KiB"),
    ],
    ids=["empty-token", "wrong-token", "unknown-field", "long-comment", "nul", "huge-body"],
)
def test_a_bulk_or_undo_form_without_the_token_or_out_of_bounds_is_a_4xx_and_nothing_written(
    http: TestClient, config: ReviewConfig, route: str, change: dict[str, str], status: int, expected: str
) -> None:
    path, form = STATE_CHANGES[route](http, config)
    before = config.decisions_path.read_bytes() if config.decisions_path.exists() else b""
    response = http.post(path, data={**form, **change})
    assert response.status_code == status and expected in response.text.replace("&#39;", "'")
    assert_secured(response)
    assert (config.decisions_path.read_bytes() if config.decisions_path.exists() else b"") == before


@pytest.mark.parametrize("route", ["/decisions", "/review.js", "/?status=decided", "/failures.json?check=required"])
def test_the_desks_pages_answer_only_to_the_pages_own_host_and_forbid_framing(http: TestClient, route: str) -> None:
    assert_secured(http.get(route))
    refused = http.get(route, headers={"Host": f"evil.example:{PORT}"})
    assert refused.status_code == 421 and "Smith" not in refused.text
    assert_secured(refused)


def test_the_page_runs_its_own_script_and_no_other(http: TestClient) -> None:
    policy = http.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "connect-src" not in policy and "default-src 'none'" in policy
    script = http.get("/review.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert '<script src="/review.js"></script>' in http.get("/").text and "<script>" not in http.get("/").text


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        ("outline=70,80,200", "each box of outline is x0,top,x1,bottom"),
        ("mark=70,80,200,nan", "bottom must be a finite number"),
        ("mark=300,80,200,100", "a box of mark must have x0 ≤ x1"),
        ("outline=" + "|".join(["70,80,200,100"] * 61), "outline names more than 60 boxes"),
    ],
)
def test_a_crop_with_bad_outlines_is_a_400(pdf_http: TestClient, boxes: str, expected: str) -> None:
    assert pdf_http.get(f"/crop?report_id=p&page=1&x0=70&top=80&x1=200&bottom=100&{boxes}").status_code == 400
    assert expected in pdf_http.get(f"/crop?report_id=p&page=1&x0=70&top=80&x1=200&bottom=100&{boxes}").text


def test_a_crop_with_outlines_and_marks_draws_them(pdf_http: TestClient) -> None:
    plain = pdf_http.get("/crop?report_id=p&page=1&x0=60&top=80&x1=300&bottom=100&outline=&mark=")
    drawn = pdf_http.get("/crop?report_id=p&page=1&x0=60&top=80&x1=300&bottom=100&outline=60,80,300,100&mark=70,82,120,98")
    assert plain.status_code == drawn.status_code == 200 and plain.content != drawn.content

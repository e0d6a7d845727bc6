"""The review page: lists open failures with their source, escapes report text, records decisions."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient

from extract.model import BBox
from extract.review.decisions import read_decisions
from extract.review.server import ReviewConfig, create_app, is_loopback, serve
from extract.readers.render import bounded_scale, region_around
from extract.review.sources import CROP_MARGIN_PT, MAX_SCALE, text_context

SOURCE = "Table 2\n\nSmith (2019)3\n\nAdults <script>alert(1)</script>\n\nNo change\n"


def write_curated(curated: Path, raw: Path) -> None:
    curated.mkdir()
    raw.mkdir()
    (raw / "r.txt").write_text(SOURCE, encoding="utf-8")
    pd.DataFrame({"report_id": ["r"], "source_file": [str(raw / "r.txt")]}).to_parquet(curated / "reports.parquet")
    pd.DataFrame({
        "report_id": ["r"], "study_key": ["r:3"], "ref_no": [3], "first_author": ["Smith"], "year": [2019],
        "population": ["Adults <script>alert(1)</script>"], "authors_conclusions": [None],
    }).to_parquet(curated / "studies.parquet")
    pd.DataFrame({
        "report_id": ["r", "r"], "table": ["studies", "reports"], "study_key": ["r:3", None], "ref_no": [3, None],
        "column": ["authors_conclusions", None], "check": ["required", "declared_counts"],
        "severity": ["error", "warning"], "failure_case": [None, "<b>4</b>"],
        "message": ["Authors' conclusions are missing <img src=x onerror=alert(1)>", "Counts differ"],
        "source_page": [None, None], "status": ["open", "open"],
    }).to_parquet(curated / "validation_failures.parquet")


PORT = 8765
PAGE = f"http://127.0.0.1:{PORT}"


def page_client(config: ReviewConfig) -> TestClient:
    """A browser on the page's own address: its Host and, for posts, its Origin are the page's."""
    return TestClient(create_app(config), base_url=PAGE, headers={"Origin": PAGE}, follow_redirects=False)


def form_token(http: TestClient) -> str:
    """The per-start token the page puts in each form, as a browser would send it back."""
    found = re.search(r'name="token" value="([^"]+)"', http.get("/").text)
    assert found, "the page's forms carry no token"
    return found.group(1)


@pytest.fixture()
def client(tmp_path: Path) -> tuple[TestClient, ReviewConfig]:
    config = ReviewConfig(tmp_path / "curated", tmp_path / "review" / "decisions.csv", tmp_path / "raw", port=PORT)
    write_curated(config.curated_dir, config.raw_dir)
    return page_client(config), config


def test_page_lists_failures_grouped_with_source_context(client) -> None:
    http, _ = client
    page = http.get("/").text
    assert "2 open" in page and "<h3>required · 1</h3>" in page and "<h3>declared_counts · 1</h3>" in page
    assert "Smith (2019)3" in page  # the source text around the failing row


def test_report_markup_is_shown_as_text(client) -> None:
    http, _ = client
    page = http.get("/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_severity_filter(client) -> None:
    http, _ = client
    page = http.get("/?severity=warning").text
    assert "0 of 1 decided for this filter" in page and "<h3>declared_counts · 1</h3>" in page and "<h3>required" not in page


def test_saving_a_decision_writes_the_decisions_file(client) -> None:
    http, config = client
    response = http.post("/decide", data={
        "token": form_token(http),
        "report_id": "r", "study_key": "r:3", "column": "authors_conclusions", "check": "required",
        "action": "correct", "value": "IVIG <helps>.", "comment": "from the PDF", "decided_by": "ana",
    }, follow_redirects=True)
    assert response.status_code == 200 and "Saved: correct by ana" in response.text
    (decision,) = read_decisions(config.decisions_path)
    assert (decision.study_key, decision.action, decision.value) == ("r:3", "correct", "IVIG <helps>.")


def test_unknown_action_is_refused_with_a_400_that_says_why(client) -> None:
    http, config = client
    response = http.post("/decide", data={"token": form_token(http), "report_id": "r", "action": "delete"})
    assert response.status_code == 400
    assert "Not saved: action &#39;delete&#39; is not one of accept, correct, reject" in response.text
    assert "line 0" not in response.text
    assert not config.decisions_path.exists()


def test_server_refuses_non_loopback_addresses(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    with pytest.raises(ValueError, match="loopback"):
        serve(ReviewConfig(tmp_path, tmp_path / "d.csv", tmp_path, host="0.0.0.0"))


def test_text_context_finds_value_across_wrapped_lines() -> None:
    context = text_context("a\nb\nThe authors\nconcluded x\nc", ["The authors concluded"])
    assert context is not None and "concluded x" in context
    assert text_context("nothing here", ["absent"]) is None


def test_crop_rendering_is_bounded_by_pixel_budget() -> None:
    region = region_around(BBox(10, 10, 5000, 5000), page_width=6000, page_height=6000, margin=CROP_MARGIN_PT)
    scale = bounded_scale(region, max_pixels=1_000_000, wanted_scale=MAX_SCALE)
    assert region.width * region.height * scale * scale <= 1_000_000 + 1
    assert bounded_scale(BBox(0, 0, 10, 10), max_pixels=1_000_000, wanted_scale=MAX_SCALE) == 2.0

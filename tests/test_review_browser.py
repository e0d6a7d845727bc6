"""The steward's loop in a real browser: open the page, correct the seed's gap, re-run, see it published."""

from __future__ import annotations

import csv
import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn

from extract.review.server import ReviewConfig, create_app

pytestmark = pytest.mark.browser

SEED = Path(__file__).parent / "fixtures" / "seed" / "ivig-offlabel-2017.txt"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CORRECTED = "The authors concluded that IVIG <b>and</b> intralipid were alike."


def run_flow(raw: Path, curated: Path, decisions: Path | None = None) -> None:
    command = [sys.executable, "-m", "flows", "run", "--raw", str(raw), "--curated", str(curated)]
    command += ["--decisions", str(decisions)] if decisions else []
    done = subprocess.run(command, capture_output=True, text=True, cwd=raw.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn in a thread, bound to loopback, stopped at the end of the test."""

    def __init__(self, config: ReviewConfig) -> None:
        self.port = free_port()
        app = create_app(replace(config, port=self.port))  # the page answers only at its own address
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join()


def studies_row(curated: Path, ref_no: str) -> dict[str, str] | None:
    with (curated / "studies.csv").open(encoding="utf-8", newline="") as handle:
        return next((row for row in csv.DictReader(handle) if row["ref_no"] == ref_no), None)


def test_correct_seed_gap_from_the_page_and_rerun(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    raw, curated, decisions = tmp_path / "raw", tmp_path / "curated", tmp_path / "review" / "decisions.csv"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    run_flow(raw, curated)  # no decisions file yet
    assert studies_row(curated, "17") is None  # quarantined: its conclusions are missing

    with Server(ReviewConfig(curated, decisions, raw)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(url + "/?severity=error")
        card = page.locator("section.failure[data-column='authors_conclusions'][data-study-key$=':17']")
        assert card.count() == 1
        assert "Coulam (2012)17" in card.locator("pre.context").inner_text()
        card.locator("select[name=action]").select_option("correct")
        card.locator("textarea[name=value]").fill(CORRECTED)
        card.locator("input[name=comment]").fill("read from the PDF")
        page.fill("#steward", "steward")  # typed once, at the top of the page, for every form
        card.locator("button[type=submit]").click()
        page.wait_for_selector("#saved")
        assert "correct by steward" in page.locator("#saved").inner_text()
        browser.close()

    run_flow(raw, curated, decisions)
    row = studies_row(curated, "17")
    assert row is not None and row["authors_conclusions"] == CORRECTED
    assert "steward" in row["review_audit"]
    with (curated / "validation_failures.csv").open(encoding="utf-8", newline="") as handle:
        open_errors = [f for f in csv.DictReader(handle) if f["severity"] == "error" and f["status"] == "open"]
    assert open_errors == []


class ForeignSite:
    """Another site on this machine (another port, so another origin) serving one attacker's page."""

    def __init__(self, html: str) -> None:
        body = html.encode("utf-8")

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (the standard library's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join()


def test_a_page_on_another_site_can_neither_save_a_decision_nor_frame_the_review_page(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    raw, curated, decisions = tmp_path / "raw", tmp_path / "curated", tmp_path / "review" / "decisions.csv"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    run_flow(raw, curated)
    with Server(ReviewConfig(curated, decisions, raw)) as url, sync_playwright() as p:
        attack = (
            f'<form id="f" method="post" action="{url}/decide" enctype="text/plain">'
            f'<input name="report_id=ivig-offlabel-2017&study_key=ivig-offlabel-2017:3&action=reject&x" value="1"></form>'
            f'<iframe id="framed" src="{url}/"></iframe>'
        )
        with ForeignSite(attack) as foreign:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page()
            page.goto(foreign)
            page.wait_for_load_state("load")  # the frame's load, or its refusal, included
            (framed,) = [frame for frame in page.frames if frame != page.main_frame]
            assert "Validation failures to review" not in framed.content()  # the browser refused to frame it
            with page.expect_navigation():
                page.evaluate("document.getElementById('f').submit()")
            assert "Refused" in page.locator("#refused").inner_text()
            browser.close()
    assert not decisions.exists()

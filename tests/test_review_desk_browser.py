"""The steward's desk in a real browser (Chromium through Playwright), on a forged batch of hundreds of failures.

Every feature as a steward meets it: filter links and search, whole rows with their crops over
every page, a duplicate beside its twin, a count failure's claim and rows, bulk accept and bulk
undo through the confirmation page, the name remembered, the keys, the return to the same place,
references, and an undo that the next run applies.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from extract.review.decisions import read_decisions
from extract.review.server import ReviewConfig
from test_review_batch import ForgedBatch, forged_batch
from test_review_browser import CHROMIUM, CHROMIUM_ARGS, SEED, ForeignSite, Server, run_flow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> ForgedBatch:
    return forged_batch(tmp_path_factory.getbasetemp() / "review-batch")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def desk(batch: ForgedBatch, tmp_path: Path, chromium) -> Iterator[tuple[object, str, Path]]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no remembered name) on the page over the batch, with its own decisions file."""
    decisions = tmp_path / "decisions.csv"
    with Server(ReviewConfig(batch.curated, decisions, batch.raw)) as url:
        context = chromium.new_context(viewport={"width": 1300, "height": 900})
        yield context.new_page(), url, decisions
        context.close()


def counted(link_text: str) -> int:
    return int(re.search(r"\((\d+)\)", link_text).group(1))


def progress(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    decided, considered = re.match(r"(\d+) of (\d+) decided", page.locator("#progress").inner_text()).groups()
    return int(decided), int(considered)


def loaded_images(page, scope) -> int:  # type: ignore[no-untyped-def]
    """Scroll every crop in scope into view and wait until each has loaded; how many there are."""
    images = scope.locator("img.crop")
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    return images.count()


def test_filter_links_search_and_pages_as_a_steward_uses_them(desk) -> None:  # type: ignore[no-untyped-def]
    page, url, _ = desk
    page.goto(url + "/")
    total = progress(page)[1]
    assert total >= 200 and page.locator("section.failure").count() == 25
    link = page.locator("span[data-facet=check] a[data-value=duplicate_study]")
    expected = counted(link.inner_text())
    link.click()
    page.wait_for_url(re.compile(r"check=duplicate_study"))
    assert page.locator("section.failure").count() == expected == progress(page)[1]
    report_link = page.locator("span[data-facet=report] a:not([data-value=all])").first
    in_report = counted(report_link.inner_text())
    report_link.click()
    page.wait_for_url(re.compile(r"check=duplicate_study.*report=|report=.*check=duplicate_study"))
    assert page.locator("section.failure").count() == in_report
    assert {page.locator("section.failure").nth(i).get_attribute("data-check") for i in range(in_report)} == {"duplicate_study"}
    page.goto(url + "/")
    page.keyboard.press("/")
    page.keyboard.type("skip reference numbers")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=skip"))
    assert {page.locator("section.failure").nth(i).get_attribute("data-check") for i in range(page.locator("section.failure").count())} == {"ref_no_gap"}
    page.goto(url + "/")
    page.locator("a[rel=next]").first.click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "Failures 26–50 of" in page.locator("p.pager").first.inner_text()
    page.locator("span[data-facet=status] a[data-value=decided]").click()
    assert page.locator("#empty").inner_text() == "No failures match these filters."


def test_whole_rows_over_their_pages_a_duplicate_beside_its_twin_and_a_counts_source(desk, batch: ForgedBatch) -> None:  # type: ignore[no-untyped-def]
    page, url, _ = desk
    failures = pd.read_parquet(batch.curated / "validation_failures.parquet")
    on_broken = failures[failures["study_key"].map(lambda k: k in batch.row_pages and batch.row_pages[k][1] > batch.row_pages[k][0])]
    broken, report, check = on_broken.sort_values("study_key").iloc[0][["study_key", "report_id", "check"]]
    page.goto(url + f"/?report={report}&check={check}&status=all")
    card = page.locator(f"section.failure[data-study-key='{broken}']").first
    assert card.count() == 1, broken
    first, last = batch.row_pages[broken]
    captions = card.locator("figcaption").all_inner_texts()
    assert {f"page {n}" for n in range(first, last + 1)} <= {c.split(",")[0] for c in captions}, captions
    assert loaded_images(page, card) == len(captions)
    assert card.locator("tr.marked th").count() == 1
    assert card.locator("table.fields tr").count() >= 17  # every curated field of the row

    page.goto(url + "/?check=duplicate_study")
    pair = page.locator("section.failure").first.locator("div.row")
    assert pair.count() == 2
    left, right = pair.nth(0).bounding_box(), pair.nth(1).bounding_box()
    assert right["x"] > left["x"] + left["width"] / 2 and abs(right["y"] - left["y"]) < 5  # side by side
    assert loaded_images(page, page.locator("section.failure").first) >= 2

    page.goto(url + "/?check=declared_count")
    count_card = page.locator("section.failure").first
    assert "Where the report says it: Key Findings" in count_card.inner_text()
    assert count_card.locator("img.claim").count() == 1 and count_card.locator("img.counted").count() >= 1
    assert loaded_images(page, count_card) >= 2


def test_bulk_accept_then_bulk_undo_through_the_confirmation(desk) -> None:  # type: ignore[no-untyped-def]
    page, url, decisions = desk
    page.goto(url + "/?check=year_after_publication")
    page.fill("#steward", "ana")
    shown = progress(page)[1]
    assert shown > 25  # more than one page: the bulk acts on every failure the filters show
    page.fill("#bulk input[name=comment]", "series template prints the wrong year")
    page.locator("#bulk button[value=accept]").click()
    assert page.locator("#confirm-title").inner_text() == f"Accept all {shown} failures shown?"
    assert not decisions.exists()
    page.locator("#confirm button[type=submit]").click()
    page.wait_for_selector("#saved")
    assert f"accept ×{shown} by ana" in page.locator("#saved").inner_text()
    assert progress(page) == (shown, shown) and page.locator("section.failure").count() == 0
    written = read_decisions(decisions)
    assert len(written) == shown and {(d.action, d.decided_by, d.comment) for d in written} == {("accept", "ana", "series template prints the wrong year")}

    page.locator("span[data-facet=status] a[data-value=decided]").click()
    card = page.locator("section.failure").first
    assert card.locator(".decision .who").inner_text() == "ana" and card.locator(".decision .when").inner_text() == written[0].decided_at
    assert "pending: the next run applies it" in card.inner_text()
    page.locator("#bulk button[value=revoke]").click()
    assert page.locator("#confirm-title").inner_text() == f"Undo {shown} decisions on {shown} failures?"
    page.locator("#confirm button[type=submit]").click()
    page.wait_for_selector("#saved")
    assert progress(page) == (0, shown)
    after = read_decisions(decisions)
    assert after[:shown] == written and [d.action for d in after[shown:]] == ["revoke"] * shown
    page.goto(url + "/decisions")
    assert page.locator("h1").inner_text() == f"Decisions recorded ({2 * shown})"
    classes: list[str] = []
    while True:  # the audit trail, newest first, page by page: every revoke, and every accept marked revoked
        classes += [row.get_attribute("class") for row in page.locator("#audit tr[data-action]").all()]
        if page.locator("a[rel=next]").count() == 0:
            break
        page.locator("a[rel=next]").click()
    assert classes == ["revoke"] * shown + ["revoked"] * shown


def test_the_name_is_remembered_and_the_keys_decide_and_return_to_the_same_place(desk) -> None:  # type: ignore[no-untyped-def]
    page, url, decisions = desk
    page.goto(url + "/?check=year_outside_search&page=2")
    page.fill("#steward", "bo")
    page.reload()
    assert page.locator("#steward").input_value() == "bo"  # remembered by this browser
    cards = page.locator("section.failure")
    ids = [cards.nth(i).get_attribute("id") for i in range(4)]
    assert "current" in cards.nth(0).get_attribute("class")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert "current" in cards.nth(1).get_attribute("class") and page.url.endswith("#" + ids[1])
    with page.expect_navigation():  # the next page loaded and its keys listening before the next press
        page.keyboard.press("a")  # accept the current failure, no name typed again
    page.wait_for_selector("#saved")
    assert "accept by bo" in page.locator("#saved").inner_text()
    assert "check=year_outside_search" in page.url and "page=2" in page.url and page.url.endswith("#" + ids[2])
    assert "current" in page.locator(f"#{ids[2]}").get_attribute("class")  # back at the same place: the next failure
    with page.expect_navigation():  # the next page loaded and its keys listening before the next press
        page.keyboard.press("r")
    page.wait_for_selector("#saved")
    assert "reject by bo" in page.locator("#saved").inner_text() and page.url.endswith("#" + ids[3])
    page.keyboard.press("c")
    current = page.locator("section.failure.current")
    assert current.get_attribute("id") == ids[3]
    assert current.locator("select[name=action]").input_value() == "correct"
    assert page.evaluate("document.activeElement.name") == "value"
    assert [(d.action, d.decided_by) for d in read_decisions(decisions)] == [("accept", "bo"), ("reject", "bo")]
    page.goto(url + "/?check=year_outside_search&status=decided")
    with page.expect_navigation():  # the next page loaded and its keys listening before the next press
        page.keyboard.press("u")
    page.wait_for_selector("#saved")
    assert "revoke by bo" in page.locator("#saved").inner_text()
    assert [d.action for d in read_decisions(decisions)] == ["accept", "reject", "revoke"]


def test_a_decision_without_a_name_asks_for_the_name_instead_of_saving(desk) -> None:  # type: ignore[no-untyped-def]
    page, url, decisions = desk
    page.goto(url + "/?check=required")
    page.keyboard.press("a")
    assert page.evaluate("document.activeElement.id") == "steward" and not decisions.exists()


def test_the_reference_is_shown_when_the_curated_folder_has_one_and_not_otherwise(batch: ForgedBatch, tmp_path: Path, chromium) -> None:  # type: ignore[no-untyped-def]
    for curated, expected in ((batch.curated_with_references, True), (batch.curated, False)):
        with Server(ReviewConfig(curated, tmp_path / "d.csv", batch.raw)) as url:
            page = chromium.new_page()
            page.goto(url + "/?report=series-2-1&check=year_outside_search")
            card = page.locator("section.failure").first
            references = card.locator("p.reference")
            assert references.count() == (1 if expected else 0)
            if expected:
                link = references.locator("a").first
                assert re.fullmatch(r"https://(pubmed\.ncbi\.nlm\.nih\.gov/\d+/|doi\.org/10\.5555/series\.\d+)", link.inner_text())
                assert link.get_attribute("href") == link.inner_text()
            page.close()


def test_an_undo_made_on_the_page_is_applied_by_the_next_run(tmp_path: Path, chromium) -> None:  # type: ignore[no-untyped-def]
    raw, curated, decisions = tmp_path / "raw", tmp_path / "curated", tmp_path / "review" / "decisions.csv"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    run_flow(raw, curated)
    page = chromium.new_page()
    with Server(ReviewConfig(curated, decisions, raw)) as url:
        page.goto(url + "/?check=required")
        page.fill("#steward", "ana")
        page.locator("section.failure form.decide button[type=submit]").first.click()  # accept, as the form offers first
        page.wait_for_selector("#saved")
    run_flow(raw, curated, decisions)
    assert status_of_17(curated) == ("waived", True)
    with Server(ReviewConfig(curated, decisions, raw)) as url:
        page.goto(url + "/?status=decided")
        page.fill("#steward", "ana")  # a page on another port is another site to the browser: its own memory
        assert "applied by the last run" in page.locator("section.failure").first.inner_text()
        page.locator("section.failure form.undo button").first.click()
        page.wait_for_selector("#saved")
        assert page.locator("section.failure").count() == 0  # nothing decided any more
    page.close()
    run_flow(raw, curated, decisions)
    assert status_of_17(curated) == ("open", False)
    assert [d.action for d in read_decisions(decisions)] == ["accept", "revoke"]


def status_of_17(curated: Path) -> tuple[str, bool]:
    """The seed's ref 17 failure status after a run, and whether its row was published."""
    with (curated / "validation_failures.csv").open(encoding="utf-8", newline="") as handle:
        (failure,) = [f for f in csv.DictReader(handle) if f["study_key"].endswith(":17") and f["check"] == "required"]
    with (curated / "studies.csv").open(encoding="utf-8", newline="") as handle:
        published = any(row["study_key"].endswith(":17") for row in csv.DictReader(handle))
    return failure["status"], published


def test_a_page_on_another_site_cannot_make_a_bulk_decision(batch: ForgedBatch, tmp_path: Path, chromium) -> None:  # type: ignore[no-untyped-def]
    decisions = tmp_path / "decisions.csv"
    with Server(ReviewConfig(batch.curated, decisions, batch.raw)) as url:
        attack = (
            f'<form id="f" method="post" action="{url}/bulk">'
            '<input name="check" value="required"><input name="action" value="accept"><input name="decided_by" value="x">'
            '<input name="expected" value="1"><input name="confirm" value="yes"></form>'
        )
        with ForeignSite(attack) as foreign:
            page = chromium.new_page()
            page.goto(foreign)
            with page.expect_navigation():
                page.evaluate("document.getElementById('f').submit()")
            assert "Refused" in page.locator("#refused").inner_text()
            page.close()
    assert not decisions.exists()


def test_without_its_script_every_form_still_asks_for_the_name_and_saves(batch: ForgedBatch, tmp_path: Path, chromium) -> None:  # type: ignore[no-untyped-def]
    decisions = tmp_path / "decisions.csv"
    with Server(ReviewConfig(batch.curated, decisions, batch.raw)) as url:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(url + "/?check=ref_no_gap")
        card = page.locator("section.failure").first
        card.locator("input[name=decided_by]").fill("dee")  # shown in each form when the script does not run
        card.locator("button[type=submit]").click()
        page.wait_for_selector("#saved")
        page.goto(url + "/?check=duplicate_study")
        page.fill("#bulk input[name=decided_by]", "dee")
        page.locator("#bulk button[value=accept]").click()
        page.locator("#confirm button[type=submit]").click()
        page.wait_for_selector("#saved")
        context.close()
    assert {(d.action, d.decided_by) for d in read_decisions(decisions)} == {("accept", "dee")}
    assert {d.check for d in read_decisions(decisions)} == {"ref_no_gap", "duplicate_study"}

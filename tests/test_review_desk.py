"""The steward's desk through HTTP, on a forged batch of hundreds of failures: filters, whole rows, bulk, undo, references."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pandas as pd
import pytest
from starlette.testclient import TestClient

from extract.review.decisions import read_decisions
from extract.review.desk import PAGE_SIZE, Filters, Verdict, failure_records, select
from extract.review.references import entry_links
from extract.review.server import ReviewConfig, create_app
from test_review_batch import ForgedBatch, forged_batch

PORT = 8765
PAGE = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> ForgedBatch:
    return forged_batch(tmp_path_factory.getbasetemp() / "review-batch")


@pytest.fixture(scope="module")
def failures(batch: ForgedBatch) -> pd.DataFrame:
    return pd.read_parquet(batch.curated / "validation_failures.parquet")


def client_for(curated: Path, raw: Path, decisions: Path) -> TestClient:
    """The page over a curated folder, as a browser on its own address sees it."""
    app = create_app(ReviewConfig(curated, decisions, raw, port=PORT), token="tok")
    return TestClient(app, base_url=PAGE, headers={"Origin": PAGE}, follow_redirects=False)


@pytest.fixture()
def http(batch: ForgedBatch, tmp_path: Path) -> TestClient:
    return client_for(batch.curated, batch.raw, tmp_path / "decisions.csv")


def tree(response) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def cards(page: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return page.xpath("//section[contains(@class, 'failure')]")


def link_counts(page: lxml.html.HtmlElement, facet: str) -> dict[str, int]:
    """A facet's links as value → count, as the page shows them."""
    out = {}
    for link in page.xpath(f"//span[@data-facet='{facet}']/a"):
        out[link.get("data-value")] = int(re.search(r"\((\d+)\)", link.text_content()).group(1))
    return out


def progress(page: lxml.html.HtmlElement) -> tuple[int, int]:
    decided, considered = re.match(r"(\d+) of (\d+) decided", page.get_element_by_id("progress").text_content()).groups()
    return int(decided), int(considered)


# --- filters and pages --------------------------------------------------------------------------


def test_filters_combine_and_every_link_counts_what_it_would_show(http: TestClient, failures: pd.DataFrame) -> None:
    everything = tree(http.get("/"))
    assert link_counts(everything, "report") == {"all": len(failures), **failures.groupby("report_id").size().to_dict()}
    assert link_counts(everything, "check") == {"all": len(failures), **failures.groupby("check").size().to_dict()}
    assert progress(everything) == (0, len(failures))

    report = "series-10-2"
    one = failures[(failures["report_id"] == report) & (failures["severity"] == "warning")]
    page = tree(http.get(f"/?report={report}&severity=warning"))
    assert {c.get("data-report") for c in cards(page)} == {report}
    assert len(cards(page)) == len(one) and progress(page) == (0, len(one))
    assert link_counts(page, "check") == {"all": len(one), **one.groupby("check").size().to_dict()}
    assert link_counts(page, "severity")["error"] == len(failures[(failures["report_id"] == report) & (failures["severity"] == "error")])
    for link in page.xpath("//span[@data-facet='check']/a[@data-value!='all']"):
        target = parse_qs(urlsplit(link.get("href")).query)
        assert target["report"] == [report] and target["severity"] == ["warning"] and target["check"] == [link.get("data-value")]


def test_text_search_finds_a_message_or_a_value(http: TestClient, failures: pd.DataFrame) -> None:
    by_message = tree(http.get("/?q=skip+reference+numbers"))
    assert len(cards(by_message)) == (failures["check"] == "ref_no_gap").sum()
    by_author = tree(http.get("/?q=coulam&status=all"))
    assert [c.get("data-study-key") for c in cards(by_author)] == ["ivig-offlabel-2017:17"]
    records = failure_records(pd.DataFrame([
        {"report_id": "r", "study_key": "r:1", "column": "population", "check": "glyph_code", "severity": "warning", "message": "A glyph code."},
        {"report_id": "r", "study_key": "r:2", "column": "population", "check": "glyph_code", "severity": "warning", "message": "A glyph code."},
    ]), {("r:1", "population"): "Adults with sepsis (cid:3)"})
    verdicts = {r.id: Verdict("open") for r in records}
    assert [r.study_key for r in select(records, verdicts, Filters(q="SEPSIS")).shown] == ["r:1"]  # found by its value alone


def test_a_batch_is_drawn_a_page_at_a_time_and_every_failure_is_on_one_page(http: TestClient, failures: pd.DataFrame) -> None:
    seen: list[str] = []
    pages = -(-len(failures) // PAGE_SIZE)
    for number in range(1, pages + 1):
        page = tree(http.get(f"/?page={number}"))
        ids = [c.get("id") for c in cards(page)]
        assert len(ids) == (PAGE_SIZE if number < pages else len(failures) - PAGE_SIZE * (pages - 1))
        seen += ids
    assert len(set(seen)) == len(failures)
    assert [c.get("id") for c in cards(tree(http.get(f"/?page={pages + 5}")))] == seen[-len(ids):]  # past the end: the last page


@pytest.mark.parametrize(("query", "expected"), [
    ("status=later", "status must be one of open, decided, all"), ("page=0", "page must be a whole number from 1"),
    ("page=x", "page must be a whole number from 1"), ("q=" + "x" * 201, "q is longer than 200 characters"),
])
def test_a_filter_that_cannot_be_one_is_a_400(http: TestClient, query: str, expected: str) -> None:
    response = http.get(f"/?{query}")
    assert response.status_code == 400 and expected in response.text


# --- whole rows and their source ----------------------------------------------------------------


def card_for(http: TestClient, query: str, study_key: str, column: str | None = None) -> lxml.html.HtmlElement:
    page = tree(http.get(query))
    found = [c for c in cards(page) if c.get("data-study-key") == study_key and (column is None or c.get("data-column") == column)]
    assert found, f"no card for {study_key} at {query}"
    return found[0]


def pictures(http: TestClient, element: lxml.html.HtmlElement, xpath: str = ".//img[contains(@class, 'crop')]") -> list[tuple[str, bytes]]:
    out = []
    for img in element.xpath(xpath):
        response = http.get(img.get("src"))
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG"), response.text[:300]
        out.append((img.getnext().text_content() if img.getnext() is not None else "", response.content))
    return out


def test_a_cell_failure_shows_its_whole_row_with_the_failing_field_marked(http: TestClient, batch: ForgedBatch, failures: pd.DataFrame) -> None:
    studies = pd.concat([pd.read_parquet(batch.curated / "studies.parquet"), pd.read_parquet(batch.curated / "quarantine" / "studies.parquet")])
    failure = failures[(failures["check"] == "required") & failures["report_id"].str.startswith("series")].iloc[0]
    card = card_for(http, f"/?report={failure['report_id']}&check=required", failure["study_key"], failure["column"])
    fields = {row.get("data-field"): row for row in card.xpath(".//table[@class='fields']//tr")}
    assert set(studies.columns) - {"review_audit"} <= set(fields)
    assert [name for name, row in fields.items() if row.get("class") == "marked"] == [failure["column"]]
    row = studies.set_index("study_key").loc[failure["study_key"]]
    assert fields["first_author"].xpath("./td")[0].text_content().strip() == row["first_author"]
    assert fields[failure["column"]].xpath("./td")[0].text_content().strip() == "(empty)"
    (crop,) = card.xpath(".//img[contains(@class, 'crop')]")[:1]
    query = parse_qs(urlsplit(crop.get("src")).query)
    assert query["mark"][0] and query["outline"][0]  # the row outlined and its empty cell marked where its column crosses it
    mark, outline = (list(map(float, query[name][0].split("|")[0].split(","))) for name in ("mark", "outline"))
    assert outline[0] <= mark[0] and mark[2] <= outline[2] and outline[1] <= mark[1] and mark[3] <= outline[3]
    assert pictures(http, card)


def test_a_row_broken_across_pages_is_shown_on_every_page_it_lies_on(http: TestClient, batch: ForgedBatch, failures: pd.DataFrame) -> None:
    keyed = failures[failures["study_key"].isin(list(batch.row_pages)) & failures["column"].notna()]
    broken = keyed[keyed["study_key"].map(lambda k: batch.row_pages[k][1] > batch.row_pages[k][0])]
    whole = keyed[keyed["study_key"].map(lambda k: batch.row_pages[k][1] == batch.row_pages[k][0])]
    assert len(broken) and len(whole)
    for failure in (broken.iloc[0], whole.iloc[0]):
        first, last = batch.row_pages[failure["study_key"]]
        card = card_for(http, f"/?report={failure['report_id']}&check={failure['check']}", failure["study_key"], failure["column"])
        shown = [int(parse_qs(urlsplit(img.get("src")).query)["page"][0]) for img in card.xpath(".//img[contains(@class, 'crop')]")]
        assert set(range(first, last + 1)) <= set(shown), (failure["study_key"], first, last, shown)
        assert len(pictures(http, card)) == len(shown)


def test_a_duplicate_study_shows_both_rows_side_by_side(http: TestClient, failures: pd.DataFrame) -> None:
    failure = failures[failures["check"] == "duplicate_study"].iloc[0]
    card = card_for(http, f"/?report={failure['report_id']}&check=duplicate_study", failure["study_key"])
    rows = card.xpath(".//div[contains(@class, 'rows')]/div[@class='row']")
    assert [r.get("data-role") for r in rows] == ["this row", "the earlier row it repeats"]
    assert rows[0].get("data-study-key") == failure["study_key"] != rows[1].get("data-study-key")
    values = [{tr.get("data-field"): tr.xpath("./td")[0].text_content().strip() for tr in r.xpath(".//tr")} for r in rows]
    for name in ("first_author", "year", "indication"):
        assert values[0][name] == values[1][name]
    assert int(values[1]["ref_no"]) < int(values[0]["ref_no"])  # the twin is the earlier row the check compared with
    assert all(r.xpath(".//tr[@class='marked']") for r in rows)
    assert all(pictures(http, r) for r in rows)


def test_a_count_failure_shows_where_the_report_claims_it_and_the_rows_it_counted(http: TestClient, batch: ForgedBatch, failures: pd.DataFrame) -> None:
    failure = failures[failures["check"] == "declared_count"].iloc[0]
    design = failure["failure_case"].split("=")[0]
    page = tree(http.get(f"/?report={failure['report_id']}&check=declared_count"))
    (card,) = cards(page)
    assert "Key Findings" in card.xpath(".//div[@class='report-view']/h4")[0].text_content()
    (claim,) = pictures(http, card, ".//img[contains(@class, 'claim')]")
    assert "Key Findings, page 2" in claim[0]
    studies = pd.concat([pd.read_parquet(batch.curated / "studies.parquet"), pd.read_parquet(batch.curated / "quarantine" / "studies.parquet")])
    counted = studies[(studies["report_id"] == failure["report_id"]) & (studies["design"] == design)]
    listed = card.xpath(".//table[contains(@class, 'counted')]//tr/@data-study-key")
    assert sorted(listed) == sorted(counted["study_key"]) and len(listed) == int(failure["failure_case"].split("=")[1]) - 1
    assert pictures(http, card, ".//img[contains(@class, 'counted')]")


def test_a_gap_in_the_references_shows_the_rows_around_it(http: TestClient, batch: ForgedBatch, failures: pd.DataFrame) -> None:
    failure = failures[failures["check"] == "ref_no_gap"].iloc[0]
    lost = batch.lost_rows[failure["report_id"]]
    (card,) = cards(tree(http.get(f"/?report={failure['report_id']}&check=ref_no_gap")))
    keys = card.xpath(".//table[contains(@class, 'counted')]//tr/@data-study-key")
    assert keys == [f"{failure['report_id']}:{lost - 1}", f"{failure['report_id']}:{lost + 1}"]
    assert pictures(http, card, ".//img[contains(@class, 'counted')]")


def test_a_text_report_shows_its_whole_row_as_printed(http: TestClient) -> None:
    card = card_for(http, "/?report=ivig-offlabel-2017", "ivig-offlabel-2017:17", "authors_conclusions")
    context = card.xpath(".//pre[@class='context']")[0].text_content()
    assert context.startswith("Coulam (2012)17") and "elevated NK cell activity" in context
    assert "First Author, Year" in context or len(context.splitlines()) <= 40  # ends at the next row, or a bounded window


# --- references ------------------------------------------------------------------------------------


def test_the_studys_reference_is_shown_with_its_links_when_the_table_exists(batch: ForgedBatch, tmp_path: Path, failures: pd.DataFrame) -> None:
    entries = batch.references.set_index(["report_id", "ref_no"])
    candidates = failures[(failures["check"] == "year_outside_search") & failures["report_id"].str.startswith("series")]
    linked = [
        (failure, entries.loc[(failure["report_id"], int(failure["ref_no"]))])
        for _, failure in candidates.iterrows()
        if pd.notna(failure["ref_no"]) and (failure["report_id"], int(failure["ref_no"])) in entries.index
    ]
    failure, entry = next((f, e) for f, e in linked if pd.notna(e["pmid"]) or pd.notna(e["doi"]))
    query, key = f"/?report={failure['report_id']}&check=year_outside_search", failure["study_key"]
    with_refs = client_for(batch.curated_with_references, batch.raw, tmp_path / "d.csv")
    (reference,) = card_for(with_refs, query, key, "year").xpath(".//p[@class='reference']")
    assert entry["text"] in reference.text_content()
    links = reference.xpath(".//a")
    expected = f"https://pubmed.ncbi.nlm.nih.gov/{entry['pmid']}/" if pd.notna(entry["pmid"]) else f"https://doi.org/{entry['doi']}"
    assert [a.get("href") for a in links] == [expected] and links[0].text_content() == expected
    without = client_for(batch.curated, batch.raw, tmp_path / "d.csv")
    assert card_for(without, query, key, "year").xpath(".//p[@class='reference']") == []


def test_only_identifiers_of_the_right_form_become_links() -> None:
    assert entry_links("12345", "", "") == (("PubMed", "https://pubmed.ncbi.nlm.nih.gov/12345/"),)
    assert entry_links("", "10.1000/x y", "") == ()
    assert entry_links("", "doi:10.1000/abc(1)", "") == (("DOI", "https://doi.org/10.1000/abc(1)"),)
    assert entry_links("12a", "", "javascript:alert(1)") == ()
    assert entry_links("", "", "https://example.org/trial") == (("Link", "https://example.org/trial"),)


# --- bulk decisions, the decided view, undo --------------------------------------------------------


def form_fields(form: lxml.html.HtmlElement, **changes: str) -> dict[str, str]:
    """A form's fields as the browser would send them (hidden and typed ones), with some typed in."""
    fields = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")}
    return {**fields, **changes}


def bulk_form(http: TestClient, query: str) -> dict[str, str]:
    (form,) = tree(http.get(query)).xpath("//form[@id='bulk']")
    return form_fields(form)


def test_bulk_accept_asks_first_then_writes_one_decision_per_failure(http: TestClient, tmp_path: Path, failures: pd.DataFrame) -> None:
    chosen = failures[failures["check"] == "year_after_publication"]
    query = "/?check=year_after_publication"
    form = bulk_form(http, query)
    assert form["expected"] == str(len(chosen)) and len(chosen) > 2 * PAGE_SIZE  # all of them, not one page
    asked = http.post("/bulk", data={**form, "action": "accept", "comment": "window drawn too narrow", "decided_by": "ana"})
    assert asked.status_code == 200 and not (tmp_path / "decisions.csv").exists()  # asked, nothing written yet
    confirm = lxml.html.fromstring(asked.text)
    assert f"Accept all {len(chosen)} failures shown?" in confirm.get_element_by_id("confirm-title").text_content()
    (confirm_form,) = confirm.xpath("//form[@id='confirm']")
    done = http.post("/bulk", data=form_fields(confirm_form))
    assert done.status_code == 303
    location = urlsplit(done.headers["location"])
    assert parse_qs(location.query)["check"] == ["year_after_publication"] and f"accept ×{len(chosen)} by ana" in parse_qs(location.query)["saved"][0]
    decisions = read_decisions(tmp_path / "decisions.csv")
    assert len(decisions) == len(chosen) and {d.action for d in decisions} == {"accept"}
    assert {(d.study_key, d.column, d.check) for d in decisions} == set(zip(chosen["study_key"], chosen["column"], chosen["check"]))
    assert {d.comment for d in decisions} == {"window drawn too narrow"} and len({d.decided_at for d in decisions}) == 1
    after = tree(http.get(query))
    assert cards(after) == [] and progress(after) == (len(chosen), len(chosen))
    assert link_counts(after, "status") == {"open": 0, "decided": len(chosen), "all": len(chosen)}


def test_the_decided_view_says_who_and_when_and_undo_revokes_without_deleting(http: TestClient, tmp_path: Path, failures: pd.DataFrame) -> None:
    failure = failures[failures["check"] == "required"].iloc[0]
    fields = {"token": "tok", "report_id": failure["report_id"], "study_key": failure["study_key"], "column": failure["column"],
              "check": "required", "action": "accept", "comment": "cell empty in the PDF too", "decided_by": "ana"}
    assert http.post("/decide", data=fields).status_code == 303
    (accepted,) = read_decisions(tmp_path / "decisions.csv")
    card = card_for(http, "/?status=decided", failure["study_key"], failure["column"])
    decision = card.xpath(".//div[@class='decision']")[0]
    assert decision.xpath(".//span[@class='who']")[0].text == "ana" and decision.xpath(".//span[@class='when']")[0].text == accepted.decided_at
    assert "pending: the next run applies it" in decision.text_content() and "cell empty in the PDF too" in decision.text_content()
    undo = form_fields(decision.xpath(".//form[contains(@class, 'undo')]")[0], decided_by="ben", comment="misread")
    response = http.post("/undo", data=undo)
    assert response.status_code == 303 and "revoke by ben" in parse_qs(urlsplit(response.headers["location"]).query)["saved"][0]
    kept, revoke = read_decisions(tmp_path / "decisions.csv")
    assert kept == accepted and (revoke.action, revoke.value, revoke.decided_by, revoke.comment) == ("revoke", accepted.decided_at, "ben", "misread")
    assert revoke.keys == accepted.keys
    reopened = card_for(http, f"/?report={failure['report_id']}&check=required", failure["study_key"], failure["column"])
    assert reopened.get("data-state") == "open" and "revoked by ben" in reopened.xpath(".//p[contains(@class, 'revoked')]")[0].text_content()
    again = http.post("/undo", data=undo)
    assert again.status_code == 409 and "not in force any more" in again.text
    audit = tree(http.get("/decisions")).get_element_by_id("audit")
    states = [row.xpath("./td[@class='state']")[0].text_content().strip() for row in audit.xpath(".//tr[@data-action]")]
    assert states[0] == "revoke" and states[1].startswith("revoked by ben at")


def test_bulk_undo_revokes_every_decision_shown(http: TestClient, tmp_path: Path, failures: pd.DataFrame) -> None:
    report = "series-12-1"
    form = bulk_form(http, f"/?report={report}")
    confirm = lxml.html.fromstring(http.post("/bulk", data={**form, "action": "reject", "decided_by": "ana"}).text)
    assert http.post("/bulk", data=form_fields(confirm.xpath("//form[@id='confirm']")[0])).status_code == 303
    rejected = read_decisions(tmp_path / "decisions.csv")
    assert len(rejected) == (failures["report_id"] == report).sum() and {d.action for d in rejected} == {"reject"}
    undo = bulk_form(http, f"/?report={report}&status=decided")
    confirm = lxml.html.fromstring(http.post("/bulk", data={**undo, "action": "revoke", "decided_by": "ben", "comment": "wrong report"}).text)
    assert f"Undo {len(rejected)} decisions" in confirm.get_element_by_id("confirm-title").text_content()
    assert http.post("/bulk", data=form_fields(confirm.xpath("//form[@id='confirm']")[0])).status_code == 303
    written = read_decisions(tmp_path / "decisions.csv")
    assert written[:len(rejected)] == rejected and [d.action for d in written[len(rejected):]] == ["revoke"] * len(rejected)
    assert progress(tree(http.get(f"/?report={report}"))) == (0, len(rejected))


@pytest.mark.parametrize(("query", "changes", "status", "expected"), [
    ("/?report=series-13-1", {"action": "accept", "expected": "1"}, 409, "the failures shown have changed"),
    ("/?report=series-13-1", {"action": "accept", "digest": "0" * 16}, 409, "the failures shown have changed"),
    ("/?report=series-13-2&check=ref_no_gap", {"action": "reject"}, 400, "about a report, not a study row"),
    ("/?report=series-13-1", {"action": "accept", "decided_by": ""}, 400, "give your name"),
    ("/?report=series-13-1", {"action": "correct"}, 400, "a bulk action is one of accept, reject, revoke"),
    ("/?report=series-13-1", {"action": "revoke"}, 400, "a bulk undo acts on decided failures"),
    ("/?report=series-13-1", {"action": "accept", "status": "decided"}, 400, "acts on open failures"),
], ids=["count-changed", "set-changed", "reject-report-level", "no-name", "correct", "undo-open", "accept-decided"])
def test_a_bulk_decision_that_cannot_be_made_as_asked_is_refused_and_nothing_written(
    http: TestClient, tmp_path: Path, query: str, changes: dict[str, str], status: int, expected: str
) -> None:
    form = {**bulk_form(http, query), "decided_by": "ana", **changes}
    for confirmed in ("", "yes"):
        response = http.post("/bulk", data={**form, "confirm": confirmed})
        assert response.status_code == status and expected in response.text.replace("&#39;", "'")
    assert not (tmp_path / "decisions.csv").exists()


def test_after_a_save_the_page_returns_to_the_same_filters_page_and_the_next_card(http: TestClient) -> None:
    page = tree(http.get("/?check=year_after_publication&page=2"))
    first, second = cards(page)[:2]
    form = form_fields(first.xpath(".//form[@class='decide']")[0], action="accept", decided_by="ana")
    assert form["back"] == "check=year_after_publication&page=2" and form["anchor"] == second.get("id")
    location = urlsplit(http.post("/decide", data=form).headers["location"])
    query = parse_qs(location.query)
    assert (location.path, query["check"], query["page"], location.fragment) == ("/", ["year_after_publication"], ["2"], second.get("id"))
    assert second.get("id") in [c.get("id") for c in cards(tree(http.get(f"/?{location.query}")))]
    wild = http.post("/decide", data={**form, "back": "//evil.example/?check=x&next=http://evil.example", "anchor": "javascript:x"})
    assert wild.headers["location"].startswith("/?saved=") and "evil" not in wild.headers["location"] and "#" not in wild.headers["location"]
    plain = http.post("/decide", data={**form, "back": "check=x&page=3&token=stolen", "anchor": ""})
    assert plain.headers["location"].startswith("/?check=x&page=3&saved=") and "stolen" not in plain.headers["location"]


def test_failures_json_takes_the_same_filters(http: TestClient, failures: pd.DataFrame) -> None:
    items = http.get("/failures.json?check=ref_no_gap").json()
    assert len(items) == (failures["check"] == "ref_no_gap").sum() and {i["state"] for i in items} == {"open"}


def test_an_undo_from_the_audit_trail_returns_to_it(http: TestClient, tmp_path: Path, failures: pd.DataFrame) -> None:
    failure = failures[failures["check"] == "year_range"].iloc[0]
    assert http.post("/decide", data={"token": "tok", "report_id": failure["report_id"], "study_key": failure["study_key"],
                                      "column": "year", "check": "year_range", "action": "reject", "decided_by": "ana"}).status_code == 303
    audit = tree(http.get("/decisions"))
    (form,) = audit.xpath("//form[contains(@class, 'undo')]")
    response = http.post("/undo", data=form_fields(form, decided_by="ben"))
    assert response.status_code == 303 and response.headers["location"].startswith("/decisions?saved=revoke+by+ben")
    after = tree(http.get(response.headers["location"]))
    assert "revoke by ben" in after.get_element_by_id("saved").text_content()
    assert [row.get("class") for row in after.xpath("//tr[@data-action]")] == ["revoke", "revoked"]
    assert after.xpath("//form[contains(@class, 'undo')]") == []  # nothing left in force to undo

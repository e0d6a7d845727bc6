"""Reference lists read into fields by rule, studies linked to them, one study across reports, and the reference checks."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from extract.datasets import combine, report_tables
from extract.extraction import extract_report
from extract.links import name_key, study_id
from extract.meta.citations import citation_fields, join_entry_lines
from extract.meta.references import list_references
from extract.meta.sections import Line
from extract.model import Reference
from extract.reference_checks import reference_failures
from extract.settings import Limits
from extract.validate import validate_report

FIXTURES = Path(__file__).parent / "fixtures" / "text"
SEED_WITH_REFERENCES = FIXTURES / "seed-with-references.txt"
EXTRACTED_AT = datetime(2024, 1, 2, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "Smith AB, van der Berg C, O'Neil D. Long-term outcomes of iron: a trial. N Engl J Med. "
            "2017 Mar 3;376(9):805-16. doi: 10.1056/NEJMoa1614542. PubMed: PM28249138",
            {"first_author": "Smith", "authors": ("Smith AB", "van der Berg C", "O'Neil D"), "year": 2017,
             "title": "Long-term outcomes of iron: a trial", "journal": "N Engl J Med", "volume": "376",
             "issue": "9", "pages": "805-16", "doi": "10.1056/NEJMoa1614542", "pmid": "28249138"},
        ),
        (
            "García-Lopez H, et al. Is telemonitoring effective for heart failure? Cochrane Database Syst Rev. "
            "2016 Jun 5;(6):CD012345.",
            {"first_author": "García-Lopez", "authors": ("García-Lopez H",), "year": 2016,
             "title": "Is telemonitoring effective for heart failure?", "journal": "Cochrane Database Syst Rev",
             "volume": None, "issue": "6", "pages": "CD012345", "pmid": None},
        ),
        (
            "Canadian Agency for Drugs and Technologies in Health. Iron for anemia: a review [Internet]. "
            "Ottawa (ON): CADTH; 2016 [cited 2017 Oct 20]. Available from: https://www.cadth.ca/iron-anemia",
            {"first_author": "Canadian Agency for Drugs and Technologies in Health", "year": 2016,
             "title": "Iron for anemia: a review", "journal": None, "url": "https://www.cadth.ca/iron-anemia"},
        ),
        (
            "Lee D. Iron vs. placebo in heart failure. PLoS One. 2019;14(3):e0173921. PMID: 30865670",
            {"first_author": "Lee", "title": "Iron vs. placebo in heart failure", "journal": "PLoS One",
             "pages": "e0173921", "pmid": "30865670"},
        ),
    ],
)
def test_vancouver_entries_are_read_field_by_field(entry: str, expected: dict) -> None:
    fields = citation_fields(entry)
    for name, value in expected.items():
        assert fields.get(name) == value, name


def test_a_field_the_rules_cannot_read_stays_empty() -> None:
    fields = citation_fields("Proceedings of a meeting held somewhere, in some year or other")
    assert fields["year"] is None and fields["title"] is None and fields["journal"] is None
    assert fields["first_author"] is None and fields["authors"] == ()


@pytest.mark.parametrize(
    ("printed", "field", "value"),
    [("PubMed: PM2913508A", "pmid", "PM2913508A"), ("doi: 1016/j.x.2017", "doi", "1016/j.x.2017")],
)
def test_malformed_identifiers_are_left_out_and_kept_for_the_check(printed: str, field: str, value: str) -> None:
    fields = citation_fields(f"Smith A. A title. BMJ. 2017;1:1-2. {printed}")
    assert fields[field] is None and fields["malformed"] == ((field, value),)


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["Available from: https://www.cadth.ca/", "sites/report-1"], "Available from: https://www.cadth.ca/sites/report-1"),
        (["Available from: https://www.sign.", "ac.uk/guidance-7"], "Available from: https://www.sign.ac.uk/guidance-7"),
        (["Available from: https://www.cadth.ca/recom", "mendations/sign-7"], "Available from: https://www.cadth.ca/recommendations/sign-7"),
        (["see https://www.cadth.ca/technology\x02", "assessment/x"], "see https://www.cadth.ca/technology-assessment/x"),
        (["doi: 10.1136/bmj.i1234.", "PubMed: PM28249138"], "doi: 10.1136/bmj.i1234.\nPubMed: PM28249138"),
        (["BMJ. 2019 Sep;375(13):", "1627-31."], "BMJ. 2019 Sep;375(13):1627-31."),
        (["Guidelines Network;", "2019 [cited 2020 May 1]."], "Guidelines Network;\n2019 [cited 2020 May 1]."),
    ],
)
def test_links_and_sources_cut_by_a_line_break_are_joined_unspaced(lines: list[str], joined: str) -> None:
    assert join_entry_lines(lines) == joined


def lines_of(text: str) -> list[Line]:
    return [Line(line, 0) for line in text.splitlines() if line.strip()]


def test_numbered_entries_group_headings_and_wrapped_lines() -> None:
    body = lines_of(
        """Randomized Controlled Trials
1. Smith A, Jones B. A trial of iron. BMJ. 2017;1(2):3-4.
PubMed: PM28249138
2. Park C. Another trial of iron in adults with heart failure and chronic kidney
disease. Lancet. 2018;390:10-20.
Systematic Reviews
3. Xu D. A review. CMAJ. 2019;
191(4):E100-5."""
    )
    references = list_references(body, "summarized", {})
    assert [(r.ref_no, r.group) for r in references] == [
        (1, "Randomized Controlled Trials"), (2, "Randomized Controlled Trials"), (3, "Systematic Reviews")]
    assert references[0].text == "Smith A, Jones B. A trial of iron. BMJ. 2017;1(2):3-4. PubMed: PM28249138"
    assert references[1].title == "Another trial of iron in adults with heart failure and chronic kidney disease"
    assert references[2].text == "Xu D. A review. CMAJ. 2019;191(4):E100-5." and references[2].pages == "E100-5"


def test_a_line_opening_with_a_far_number_continues_its_entry() -> None:
    body = lines_of("1. Smith A. Long title of a study. J Clin Res.\n2017;12(3):45-9.\n2. Lee B. T. BMJ. 2018;1:2-3.")
    assert [r.ref_no for r in list_references(body, "summarized", {})] == [1, 2]


def test_study_ids_prefer_pmid_then_doi_then_a_normalised_author_year_title_key() -> None:
    assert study_id("28249138", "10.1056/X", "Smith", 2017, "T") == "pmid:28249138"
    assert study_id(None, "10.1056/NEJMoa1614542", "Smith", 2017, "T") == "doi:10.1056/nejmoa1614542"
    one = study_id(None, None, "Ødegaard", 2017, "Iron for anaemia: a trial.")
    assert one == study_id(None, None, "odegaard", 2017, "IRON for anaemia — a trial") == "key:odegaard-2017-iron-for-anaemia-a-trial"
    assert name_key("O'Neil") == "oneil" and name_key("v an Dijk") == name_key("van Dijk")


def reference(ref_no: int, **fields: object) -> Reference:
    base = {"first_author": "Author", "year": 2017, "pmid": None}
    return Reference(ref_no, "summarized", f"Entry {ref_no}.", **{**base, **fields})  # type: ignore[arg-type]


def rows(*specs: tuple[int, str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"study_key": f"r:{n}", "ref_no": n, "first_author": a, "year": y, "source_page": 2} for n, a, y in specs]
    )


def test_reference_checks_find_each_defect_and_nothing_on_a_clean_list() -> None:
    clean = [reference(1, first_author="Smith", pmid="1"), reference(2, first_author="Lee", pmid="2")]
    assert reference_failures(rows((1, "Smith", 2017), (2, "Lee", 2017)), clean, "r") == []
    defects = [
        reference(1, first_author="Smyth", year=2016, pmid="7"),
        reference(3, first_author="Park", pmid="7"),
        reference(4, first_author="Kim", malformed=(("pmid", "PM12x"),)),
    ]
    found = reference_failures(rows((1, "Smith", 2017), (2, "Lee", 2017), (4, "Kim", 2017)), defects, "r")
    by_check = {(f.check, f.ref_no) for f in found}
    assert by_check == {
        ("reference_missing", 2), ("reference_uncited", 3), ("reference_mismatch", 1),
        ("duplicate_pmid", 1), ("duplicate_pmid", 3), ("malformed_pmid", 4),
    }
    mismatch = next(f for f in found if f.check == "reference_mismatch")
    assert "Smith (2017)" in mismatch.message and "Smyth (2016)" in mismatch.message
    assert next(f for f in found if f.check == "reference_missing").study_key == "r:2"


def test_a_report_without_a_reference_list_makes_no_claim() -> None:
    assert reference_failures(rows((1, "Smith", 2017)), [], "r") == []


def test_a_group_author_matches_a_row_naming_it_by_its_initials() -> None:
    group = [reference(1, first_author="National Institute for Health and Care Excellence")]
    assert reference_failures(rows((1, "NIHCE", 2017)), group, "r") == []


@pytest.fixture(scope="module")
def seed_tables() -> dict[str, pd.DataFrame]:
    extraction = extract_report(SEED_WITH_REFERENCES, Limits())
    return validate_report(report_tables(extraction, "0.0.0", EXTRACTED_AT), extraction) | {"_extraction": extraction}  # type: ignore[dict-item]


def test_the_seed_like_report_gives_back_every_reference_field_for_field(seed_tables: dict) -> None:
    expected = json.loads((FIXTURES / "seed-with-references.expected.json").read_text(encoding="utf-8"))["references"]
    found = {(r.section, r.ref_no): r for r in seed_tables["_extraction"].meta.references}
    assert set(found) == {(e["section"], e["ref_no"]) for e in expected}
    for entry in expected:
        got = found[(entry["section"], entry["ref_no"])]
        for field, value in entry.items():
            printed = "\n".join(got.authors) if field == "authors" else getattr(got, field)
            assert printed == value, (entry["ref_no"], field)


def test_every_seed_row_carries_its_references_pmid_and_nothing_new_fails(seed_tables: dict) -> None:
    expected = {e["ref_no"]: e for e in json.loads((FIXTURES / "seed-with-references.expected.json").read_text())["references"]}
    studies = pd.concat([seed_tables["studies"], seed_tables["quarantine_studies"]])
    assert len(studies) == 17
    for row in studies.to_dict("records"):
        entry = expected[row["ref_no"]]
        assert (None if pd.isna(row["pmid"]) else row["pmid"]) == entry["pmid"]
        assert row["reference_text"] == entry["text"]
        assert row["study_id"] == (f"pmid:{entry['pmid']}" if entry["pmid"] else f"doi:{entry['doi'].lower()}")
    failures = seed_tables["validation_failures"]
    assert failures[["ref_no", "check"]].values.tolist() == [[17, "required"]]


def test_one_study_in_two_reports_is_one_row_of_the_study_index(seed_tables: dict) -> None:
    first = {name: seed_tables[name] for name in ("studies", "references")}
    second = {name: frame.assign(report_id="other-report") for name, frame in first.items()}
    second["studies"] = second["studies"].assign(
        design_label=lambda f: f["design_label"].where(f["ref_no"] != 1, "Meta-Analyses"), design=lambda f: f["design"].where(f["ref_no"] != 1, "meta_analysis"))
    index = combine([first, second])["study_index"]
    assert len(index) == 16 and (index["n_reports"] == 2).all()
    zerdes = index[index["first_author"] == "Zerdes"].iloc[0]
    assert zerdes["report_ids"] == "other-report\nseed-with-references"
    assert zerdes["n_designs"] == 2 and "other-report: Meta-Analyses" in zerdes["design_labels"]

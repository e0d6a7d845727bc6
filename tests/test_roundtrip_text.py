"""Round trip through pdfminer text: forged PDFs → text boxes → tables → contract study records.

The forge draws CADTH-style reports whose ground truth is known. pdfminer.six's
`extract_text` turns each into text the way PDF-to-text tools do (text boxes separated by
blank lines, boxes in pdfminer's reading order, hanging bullet indents and adjacent cells
cut into separate boxes, lines of neighbouring cells sometimes merged). The text path
(`read_text` → `tables_from_blocks` → `study_records`) must recover the study rows from it.

Two scores are measured per field: exact match of the contract value, and placement match
(the same text once all whitespace is removed), which isolates table recovery from text
cleanup (`sy mptom`, `signif icant` are text.py's to repair). Run with `-s` to print the
per-field table. The thresholds are the levels reached, not aims; see KNOWN LIMITS below.

KNOWN LIMITS (measured here, not hidden; cell scores are still below the 95% aim):
- Reading order. pdfminer's default layout analysis (boxes_flow=0.5) clusters boxes
  hierarchically: it emits runs of several rows' first columns, then their later columns
  (forged-9), puts header cells after the first row's cells (forged-5), and lets a group's
  data follow the next group's heading (forged-8); boxes_flow=None sorts boxes by their top
  edge, so a cell whose box starts lower lands after the next row's author (forged-30).
  tables_from_blocks now aligns a whole table with each column monotone in rows (columns
  interleave freely), which places most cells (default layout ~64% of text cells exact, up
  from ~18% under the row-major alignment). What remains is mostly long bulleted results
  cells: each bullet and each hanging indent is a separate box, and one misplaced box spoils
  the whole cell (results ~30-36% exact); short cells without wording cues (comparators,
  `Not specified in the abstract`) are told apart only by their order.
- Merged lines of neighbouring cells. pdfminer joins same-baseline lines of adjacent columns
  whose gap is under ~2 character widths: `Telemonitoring Placebo` (intervention +
  comparator), `Study Design Country` (a known and an unknown header). Author cells merged
  this way are split off (blocks.author_and_rest), and so are unknown headers inside a run
  of header cells (blocks.with_unknown_headers); merged data cells are not.
- Character-spacing artifact (forged reports with spacing_artifact): surnames such as
  `Sandov al`, `Duf resne` come out split; the placed score ignores whitespace to keep
  that cleanup (fields.py / text.py) apart from table recovery.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pytest
from pdfminer.high_level import extract_text
from pdfminer.layout import LAParams

from extract.readers.text import read_text
from extract.rows import study_records
from extract.tables.rebuild import tables_from_blocks
from tests.forge import GroundTruth, draw_report, random_spec

KEY_FIELDS: tuple[str, ...] = ("first_author", "year", "ref_no", "design")
TEXT_FIELDS: tuple[str, ...] = (
    "indication",
    "population",
    "results",
    "authors_conclusions",
    "study_design",
    "intervention",
    "comparator",
    "outcomes",
)
FIELDS: tuple[str, ...] = (*KEY_FIELDS, *TEXT_FIELDS)
DEFAULT_SEEDS: tuple[int, ...] = tuple(range(30))
NO_FLOW_SEEDS: tuple[int, ...] = tuple(range(30, 40))


@dataclasses.dataclass(frozen=True)
class RoundTrip:
    """One forged report: what the forge says it holds and what the text path found."""

    seed: int
    truth: GroundTruth
    records: tuple[Mapping[str, object], ...]


@dataclasses.dataclass(frozen=True)
class FieldScore:
    """How many compared values of one field matched exactly and after removing whitespace."""

    compared: int
    exact: int
    placed: int


def pdfminer_text(pdf: Path, laparams: LAParams | None) -> str:
    """The PDF's text as pdfminer.six emits it (its default layout analysis when no params)."""
    return extract_text(pdf) if laparams is None else extract_text(pdf, laparams=laparams)


def round_trip(seed: int, folder: Path, laparams: LAParams | None) -> RoundTrip:
    """Draw one forged report, convert it to text, and extract its study records."""
    pdf = folder / f"forged-{seed}.pdf"
    truth = draw_report(random_spec(seed), pdf)
    text_file = folder / f"forged-{seed}.txt"
    text_file.write_text(pdfminer_text(pdf, laparams), encoding="utf-8")
    doc = read_text(text_file)
    return RoundTrip(seed, truth, tuple(study_records(doc.report_id, tables_from_blocks(doc))))


def squeeze(value: object) -> object:
    """A value with whitespace removed, so placement is judged apart from spacing cleanup."""
    return "".join(value.split()) if isinstance(value, str) else value


def found_by_key(trip: RoundTrip) -> dict[object, Mapping[str, object]]:
    """Extracted records by study key (the first one when a key repeats)."""
    found: dict[object, Mapping[str, object]] = {}
    for record in trip.records:
        found.setdefault(record["study_key"], record)
    return found


def row_recall(trips: Iterable[RoundTrip]) -> tuple[int, int]:
    """(expected study rows found by study key, expected study rows)."""
    found = expected = 0
    for trip in trips:
        keys = found_by_key(trip)
        expected += len(trip.truth.studies)
        found += sum(1 for study in trip.truth.studies if study["study_key"] in keys)
    return found, expected


def field_scores(trips: Iterable[RoundTrip], fields: Sequence[str] = FIELDS) -> dict[str, FieldScore]:
    """Per field, over the found rows where the truth or the extraction has a value."""
    counts = {field: [0, 0, 0] for field in fields}
    for trip in trips:
        keys = found_by_key(trip)
        for study in trip.truth.studies:
            record = keys.get(study["study_key"])
            if record is None:
                continue
            for field in fields:
                want, got = study.get(field), record.get(field)
                if want is None and got is None:
                    continue
                counts[field][0] += 1
                counts[field][1] += got == want
                counts[field][2] += squeeze(got) == squeeze(want)
    return {field: FieldScore(*numbers) for field, numbers in counts.items()}


def overall(scores: Mapping[str, FieldScore], attribute: str) -> float:
    """Share of all compared values that matched (exactly or by placement)."""
    compared = sum(score.compared for score in scores.values())
    return sum(getattr(score, attribute) for score in scores.values()) / max(compared, 1)


def score_table(title: str, recall: tuple[int, int], scores: Mapping[str, FieldScore]) -> str:
    """The per-field table printed with `-s`."""
    lines = [f"{title}: rows found {recall[0]}/{recall[1]}", f"{'field':22} {'n':>5} {'exact':>7} {'placed':>7}"]
    for field, score in scores.items():
        n = max(score.compared, 1)
        lines.append(f"{field:22} {score.compared:5d} {score.exact / n:7.1%} {score.placed / n:7.1%}")
    lines.append(f"{'all fields':22} {'':5} {overall(scores, 'exact'):7.1%} {overall(scores, 'placed'):7.1%}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def default_trips(tmp_path_factory: pytest.TempPathFactory) -> tuple[RoundTrip, ...]:
    folder = tmp_path_factory.mktemp("pdfminer-default")
    trips = tuple(round_trip(seed, folder, None) for seed in DEFAULT_SEEDS)
    print("\n" + score_table("pdfminer default layout", row_recall(trips), field_scores(trips)))
    return trips


@pytest.fixture(scope="module")
def no_flow_trips(tmp_path_factory: pytest.TempPathFactory) -> tuple[RoundTrip, ...]:
    folder = tmp_path_factory.mktemp("pdfminer-no-flow")
    trips = tuple(round_trip(seed, folder, LAParams(boxes_flow=None)) for seed in NO_FLOW_SEEDS)
    print("\n" + score_table("pdfminer boxes_flow=None", row_recall(trips), field_scores(trips)))
    return trips


# --- the measures themselves ----------------------------------------------------------------


def test_scores_count_exact_and_whitespace_free_matches() -> None:
    truth = GroundTruth(
        studies=({"study_key": "r:1", "first_author": "Lee", "results": "No signif icant change"},),
        report={},
    )
    trip = RoundTrip(0, truth, ({"study_key": "r:1", "first_author": "Lee", "results": "No significant change"},))
    scores = field_scores([trip], ("first_author", "results", "population"))
    assert scores["first_author"] == FieldScore(1, 1, 1)
    assert scores["results"] == FieldScore(1, 0, 1)
    assert scores["population"] == FieldScore(0, 0, 0)
    assert row_recall([trip]) == (1, 1)


def test_recall_counts_rows_by_study_key() -> None:
    truth = GroundTruth(studies=({"study_key": "r:1"}, {"study_key": "r:2"}), report={})
    assert row_recall([RoundTrip(0, truth, ({"study_key": "r:2"}, {"study_key": "r:9"}))]) == (1, 2)


# --- pdfminer's default layout analysis -----------------------------------------------------


def test_default_layout_finds_the_study_rows(default_trips: tuple[RoundTrip, ...]) -> None:
    found, expected = row_recall(default_trips)
    assert expected > 300
    assert found / expected >= RECALL_DEFAULT


def test_default_layout_keys_match(default_trips: tuple[RoundTrip, ...]) -> None:
    scores = field_scores(default_trips, KEY_FIELDS)
    assert overall(scores, "exact") >= KEY_EXACT_DEFAULT


def test_default_layout_cells_are_placed(default_trips: tuple[RoundTrip, ...]) -> None:
    scores = field_scores(default_trips, TEXT_FIELDS)
    assert overall(scores, "placed") >= CELLS_PLACED_DEFAULT
    assert overall(scores, "exact") >= CELLS_EXACT_DEFAULT


# --- boxes_flow=None: boxes sorted top to bottom, left to right -----------------------------


def test_no_flow_layout_finds_the_study_rows(no_flow_trips: tuple[RoundTrip, ...]) -> None:
    found, expected = row_recall(no_flow_trips)
    assert found / expected >= RECALL_NO_FLOW


def test_no_flow_layout_keys_match(no_flow_trips: tuple[RoundTrip, ...]) -> None:
    scores = field_scores(no_flow_trips, KEY_FIELDS)
    assert overall(scores, "exact") >= KEY_EXACT_NO_FLOW


def test_no_flow_layout_cells_are_placed(no_flow_trips: tuple[RoundTrip, ...]) -> None:
    scores = field_scores(no_flow_trips, FIELDS)
    assert overall(scores, "placed") >= ALL_PLACED_NO_FLOW


# Levels reached (see the module docstring): raised as the text path improves, never lowered.
RECALL_DEFAULT = 0.99
KEY_EXACT_DEFAULT = 0.99
CELLS_PLACED_DEFAULT = 0.65
CELLS_EXACT_DEFAULT = 0.65
RECALL_NO_FLOW = 1.0
KEY_EXACT_NO_FLOW = 0.99
ALL_PLACED_NO_FLOW = 0.76

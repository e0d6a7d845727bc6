"""Decisions: reading, recording under concurrency, and applying them to a run's tables."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from extract.review.apply import settle_quarantine
from extract.review.decisions import (
    DECISION_COLUMNS,
    DecisionError,
    append_decision,
    append_decisions,
    in_force,
    new_decision,
    read_decisions,
    undecided_reports,
)
from extract.review.apply import apply_corrections, apply_verdicts, stale_failures

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def studies_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "report_id": ["r", "r"],
            "study_key": ["r:1", "r:2"],
            "ref_no": pd.array([1, 2], dtype="Int64"),
            "first_author": ["Smith", "Jones"],
            "year": pd.array([2019, 2018], dtype="Int64"),
            "authors_conclusions": ["Works.", None],
        }
    )


def failures_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "report_id": ["r", "r"],
            "table": ["studies", "reports"],
            "study_key": ["r:2", None],
            "ref_no": pd.array([2, None], dtype="Int64"),
            "column": ["authors_conclusions", None],
            "check": ["required", "declared_counts"],
            "severity": ["error", "warning"],
            "failure_case": [None, "3"],
            "message": ["missing", "counts differ"],
            "source_page": pd.array([None, None], dtype="Int64"),
        }
    )


def decision(**changes: str):
    base = dict(report_id="r", study_key="r:2", column="authors_conclusions", check="required",
                action="accept", value="", comment="checked the PDF", decided_by="ana", now=WHEN)
    base.update(changes)
    return new_decision(**base)


def test_decisions_file_round_trips_with_exact_columns(tmp_path: Path) -> None:
    path = tmp_path / "review" / "decisions.csv"
    first = decision(action="correct", value='Said "yes",\nthen no.')
    append_decision(path, first)
    append_decision(path, decision())
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(DECISION_COLUMNS)
    assert read_decisions(path) == (first, decision())


def test_missing_decisions_file_means_no_decisions(tmp_path: Path) -> None:
    assert read_decisions(tmp_path / "absent.csv") == ()


def test_unknown_action_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(",".join(DECISION_COLUMNS) + "\nr,r:1,year,,approve,,,,\n", encoding="utf-8")
    with pytest.raises(DecisionError, match="line 2"):
        read_decisions(path)


def _append_many(path: str, who: str) -> None:
    for n in range(40):
        append_decision(Path(path), decision(decided_by=f"{who}-{n}"))


def test_two_stewards_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_append_many, args=(str(path), who)) for who in ("ana", "ben")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    who = sorted(d.decided_by for d in read_decisions(path))
    assert who == sorted(f"{w}-{n}" for w in ("ana", "ben") for n in range(40))


def test_a_run_reading_while_a_steward_saves_sees_whole_files_only(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    append_decision(path, decision(decided_by="first"))
    writer = multiprocessing.get_context("spawn").Process(target=_append_many, args=(str(path), "ana"))
    writer.start()
    seen = [1]
    while writer.is_alive():
        seen.append(len(read_decisions(path)))  # a half-written file would raise or lose a row
    writer.join()
    seen.append(len(read_decisions(path)))
    assert writer.exitcode == 0 and seen == sorted(seen) and seen[-1] == 41


def test_correction_replaces_value_and_keeps_original_in_audit() -> None:
    fixed, outcomes, refused = apply_corrections(studies_frame(), [decision(action="correct", value="Helps.")])
    assert fixed.loc[1, "authors_conclusions"] == "Helps."
    trail = json.loads(fixed.loc[1, "review_audit"])
    assert trail[0]["original"] == "" and trail[0]["value"] == "Helps." and trail[0]["decided_by"] == "ana"
    assert pd.isna(fixed.loc[0, "review_audit"])
    assert [o for _, o in outcomes] == ["applied"] and refused == ()


def test_correction_of_integer_column_is_cast() -> None:
    fixed, _, _ = apply_corrections(studies_frame(), [decision(study_key="r:1", column="year", action="correct", value="2017")])
    assert fixed.loc[0, "year"] == 2017


def test_correction_for_vanished_study_is_stale_not_applied() -> None:
    fixed, outcomes, _ = apply_corrections(studies_frame(), [decision(study_key="r:9", action="correct", value="x")])
    assert fixed["authors_conclusions"].tolist()[0] == "Works."
    assert [o for _, o in outcomes] == ["stale"]
    rows = stale_failures(outcomes)
    assert rows[0]["check"] == "stale_decision" and "r:9" in rows[0]["message"]


def held_and_published() -> tuple[pd.DataFrame, pd.DataFrame]:
    studies = studies_frame()
    return studies.iloc[[0]].reset_index(drop=True), studies.iloc[[1]].reset_index(drop=True)


def test_accept_waives_failure_and_releases_held_row() -> None:
    published, held = held_and_published()
    applied = apply_verdicts(studies_frame(), failures_frame(), [decision()])
    assert applied.failures["status"].tolist() == ["waived", "open"]
    assert "accept by ana" in applied.failures.loc[0, "decision"]
    out, quarantine = settle_quarantine(published, held, applied.failures, applied.rejected_keys)
    assert out["study_key"].tolist() == ["r:1", "r:2"] and quarantine.empty


def test_open_error_keeps_row_held_with_reason() -> None:
    published, held = held_and_published()
    applied = apply_verdicts(studies_frame(), failures_frame(), [])
    out, quarantine = settle_quarantine(published, held, applied.failures, applied.rejected_keys)
    assert out["study_key"].tolist() == ["r:1"]
    assert quarantine["quarantine_reason"].tolist() == ["required"]


def test_held_row_without_keyed_failures_stays_held() -> None:
    """A row validation held for a failure it could not key (e.g. a missing study_key) is not released."""
    published, held = held_and_published()
    no_keyed = failures_frame().iloc[[1]]
    applied = apply_verdicts(studies_frame(), no_keyed, [])
    out, quarantine = settle_quarantine(published, held, applied.failures, applied.rejected_keys)
    assert quarantine["study_key"].tolist() == ["r:2"] and quarantine["quarantine_reason"].tolist() == ["error"]


def test_reject_moves_row_to_quarantine_as_rejected() -> None:
    published, held = held_and_published()
    applied = apply_verdicts(studies_frame(), failures_frame(), [decision(study_key="r:1", column="", check="", action="reject")])
    out, quarantine = settle_quarantine(published, held, applied.failures, applied.rejected_keys)
    assert out.empty
    assert quarantine.set_index("study_key").loc["r:1", "quarantine_reason"] == "rejected"


def test_accept_matching_no_failure_is_stale() -> None:
    applied = apply_verdicts(studies_frame(), failures_frame(), [decision(check="year_range")])
    assert [o for _, o in applied.outcomes] == ["stale"]
    assert applied.failures["status"].tolist() == ["open", "open"]


def test_empty_check_accepts_any_check_on_that_cell() -> None:
    applied = apply_verdicts(studies_frame(), failures_frame(), [decision(check="")])
    assert applied.failures["status"].tolist() == ["waived", "open"]


# --- the file as people edit it -----------------------------------------------------------------

HEADER = ",".join(DECISION_COLUMNS)
ROW = "r,r:2,authors_conclusions,required,accept,,checked,ana,2026-11-26T12:00:00+00:00"


def test_a_file_saved_with_a_bom_and_crlf_reads_and_keeps_its_form_when_appended(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_bytes(f"{HEADER}\r\n{ROW}\r\n".encode("utf-8-sig"))
    assert [d.decided_by for d in read_decisions(path)] == ["ana"]
    append_decision(path, decision(decided_by="ben"))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert [d.decided_by for d in read_decisions(path)] == ["ana", "ben"]


def test_a_last_line_without_newline_is_ended_before_the_next_decision(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text(f"{HEADER}\n{ROW}", encoding="utf-8")  # a hand edit, saved without a final newline
    append_decision(path, decision(decided_by="ben"))
    assert [d.decided_by for d in read_decisions(path)] == ["ana", "ben"]


def test_an_empty_or_blank_file_means_no_decisions_and_gets_a_header_on_the_first_save(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    for content in (b"", b"\xef\xbb\xbf", b"\n\n  \n"):
        path.write_bytes(content)
        assert read_decisions(path) == ()
    append_decision(path, decision())
    assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER
    assert read_decisions(path) == (decision(),)


def test_blank_lines_between_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text(f"{HEADER}\n\n{ROW}\n\n", encoding="utf-8")
    assert len(read_decisions(path)) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"{HEADER}\n{ROW}\nr,r:1,year,,accept,,caf\xe9,ana,\n".encode("latin-1"), r"line 3: byte 0xe9 is not UTF-8"),
        (f"report;study_key\n{ROW}\n".encode(), r"line 1: the header must be exactly report_id,study_key,"),
        (f"{HEADER}\n{ROW},surplus\n".encode(), r"line 2: 10 fields where the header has 9"),
        (f"{HEADER}\n{ROW}\nr,r:1,year\n".encode(), r"line 3: 3 fields where the header has 9"),
        (f'{HEADER}\n{ROW}\nr,r:1,year,,correct,"never closed\n'.encode(), r"line 3: unexpected end of data"),
        (f'{HEADER}\n\n{ROW}\nr,r:1,year,,approve,,,,\n'.encode(), r"line 4: action 'approve' is not one of"),
        (f"{HEADER}\nr,r:1,year,,correct,{'x' * 140_000},,ana,\n".encode(), r"line 2: field larger than field limit"),
        (f"{HEADER}\nr,r:1,year,,correct,a\x00b,,ana,\n".encode(), r"line 2: line contains NUL"),
    ],
    ids=["latin-1", "header", "extra-field", "missing-fields", "open-quote", "unknown-action", "huge-field", "nul"],
)
def test_a_file_that_is_not_a_decisions_file_is_one_error_naming_file_and_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "decisions.csv"
    path.write_bytes(content)
    with pytest.raises(DecisionError, match=expected) as caught:
        read_decisions(path)
    assert str(caught.value).startswith(f"{path} line ")
    with pytest.raises(DecisionError):
        append_decision(path, decision())  # nothing is added to a file the run would refuse
    assert path.read_bytes() == content


def test_a_decisions_file_that_is_a_link_is_appended_through_the_link(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "decisions.csv"
    shared.parent.mkdir()
    shared.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    link = tmp_path / "review" / "decisions.csv"
    link.parent.mkdir()
    link.symlink_to(shared)
    append_decision(link, decision(decided_by="ben"))
    assert link.is_symlink() and [d.decided_by for d in read_decisions(shared)] == ["ana", "ben"]


def test_a_decision_made_on_the_page_is_refused_without_a_line_number() -> None:
    with pytest.raises(DecisionError) as caught:
        decision(action="delete")
    assert str(caught.value) == "action 'delete' is not one of accept, correct, reject, revoke"


# --- undo: a later revoke row, nothing deleted -----------------------------------------------------


LATER = datetime(2026, 11, 27, 9, 30, tzinfo=timezone.utc)


def revoke_of(target, **changes):  # type: ignore[no-untyped-def]
    fields = dict(report_id=target.report_id, study_key=target.study_key, column=target.column, check=target.check,
                  action="revoke", value=target.decided_at, decided_by="ben", now=LATER)
    return new_decision(**{**fields, **changes})


def test_a_revoke_undoes_the_earlier_decision_it_names_and_only_that_one() -> None:
    accepted = decision()
    other_cell = decision(study_key="r:1", column="year", check="")
    earlier_same_keys = decision(now=datetime(2026, 11, 25, tzinfo=timezone.utc))
    revoke = revoke_of(accepted)
    settled = in_force([earlier_same_keys, accepted, other_cell, revoke])
    assert settled.decisions == (earlier_same_keys, other_cell)
    assert settled.revoked == ((accepted, revoke),) and settled.unmatched == ()


def test_a_revoke_acts_only_on_decisions_above_it_and_never_on_a_revoke() -> None:
    accepted = decision()
    too_early = revoke_of(accepted)
    settled = in_force([too_early, accepted])
    assert settled.decisions == (accepted,) and settled.unmatched == (too_early,)
    first = revoke_of(accepted)
    of_revoke = revoke_of(first, now=datetime(2026, 11, 28, tzinfo=timezone.utc))
    settled = in_force([accepted, first, of_revoke])
    assert settled.decisions == () and settled.unmatched == (of_revoke,)  # redo by deciding again, not by revoking a revoke


def test_a_revoke_without_the_time_it_names_is_refused_naming_the_line(tmp_path: Path) -> None:
    with pytest.raises(DecisionError, match="a revoke needs, as its value, the decided_at"):
        decision(action="revoke")
    path = tmp_path / "decisions.csv"
    path.write_text(",".join(DECISION_COLUMNS) + "\nr,r:2,authors_conclusions,required,revoke,,,ana,\n", encoding="utf-8")
    with pytest.raises(DecisionError, match=r"line 2: a revoke needs"):
        read_decisions(path)


def test_a_bulk_write_puts_every_decision_in_the_file_in_one_go(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    append_decision(path, decision())
    many = [decision(study_key=f"r:{n}", action="reject") for n in range(200)]
    append_decisions(path, many)
    assert read_decisions(path) == (decision(), *many)


def test_a_decision_revoked_before_its_report_left_the_run_is_not_reported_as_stale() -> None:
    kept, undone = decision(report_id="gone"), decision(report_id="gone", study_key="r:1")
    revoke = revoke_of(undone)
    assert undecided_reports([kept, undone, revoke], ["r"]) == (kept,)

"""Publishing: typed Parquet + RFC 4180 CSV, byte-identical reruns, atomic swap, run lock."""

from __future__ import annotations

import csv
import errno
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import extract.publish as publish_module
from extract.publish import (
    PublishFailed,
    PublishLocked,
    csv_bytes,
    ReusableDerived,
    arrow_table,
    publish,
    run_lock,
    snapshots_dir,
)
from extract.runlock import lock_owner_path, lock_path


def studies_frame(tag: str, n_rows: int = 3) -> pd.DataFrame:
    """A small studies table whose cells carry `tag`, so snapshots can be told apart."""
    return pd.DataFrame(
        {
            "report_id": ["r"] * n_rows,
            "study_key": [f"r:{i}" for i in range(1, n_rows + 1)],
            "ref_no": list(range(1, n_rows + 1)),
            "first_author": [f"Author{i}" for i in range(n_rows)],
            "year": [2010 + i for i in range(n_rows)],
            "design": ["other"] * n_rows,
            "design_label": ["Other Studies"] * n_rows,
            "indication": [None] * n_rows,
            "population": [f"{tag}, adults"] * n_rows,
            "results": [f'{tag} finding one\nfinding "two"'] * n_rows,
            "authors_conclusions": [tag] * n_rows,
            "source_page": [None] * n_rows,
            "table_label": ["Table 2: Summary"] * n_rows,
            "pmid": [str(29135085 + i) for i in range(n_rows)],
            "doi": [None] * n_rows,
            "reference_text": [f"Author{i} A. A title. J Clin Res. {2010 + i};1:1-2." for i in range(n_rows)],
            "study_id": [f"pmid:{29135085 + i}" for i in range(n_rows)],
        }
    )


def reports_frame(extracted_at: str = "2024-05-01T10:00:00Z") -> pd.DataFrame:
    """A one-row reports table with dates and a UTC timestamp."""
    return pd.DataFrame(
        {
            "report_id": ["r"],
            "source_file": ["raw/r.txt"],
            "source_sha256": ["ab" * 32],
            "source_format": ["text"],
            "title": [None],
            "publication_date": [date(2017, 11, 1)],
            "research_questions": ["What is it?"],
            "search_start": ["2012-01-01"],
            "search_end": [date(2017, 10, 26)],
            "n_studies": [3],
            "pages": [None],
            "extractor_version": ["0.1.0"],
            "extracted_at": [pd.Timestamp(extracted_at)],
        }
    )


def all_tables(tag: str) -> dict[str, pd.DataFrame]:
    """A full set of curated tables for one snapshot."""
    return {
        "studies": studies_frame(tag),
        "quarantine_studies": studies_frame(tag, n_rows=1),
        "reports": reports_frame(),
        "validation_failures": pd.DataFrame(),
    }


def snapshot_bytes(curated: Path) -> dict[str, bytes]:
    """Every file under the published folder, by relative path."""
    return {
        str(p.relative_to(curated)): p.read_bytes() for p in sorted(curated.rglob("*")) if p.is_file()
    }


def assert_complete_snapshot(curated: Path, tag: str) -> None:
    """The folder holds every table of snapshot `tag`, readable in both formats."""
    studies = pq.read_table(curated / "studies.parquet").to_pandas()
    assert list(studies["authors_conclusions"]) == [tag] * 3
    with open(curated / "studies.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["authors_conclusions"] for r in rows] == [tag] * 3
    assert pq.read_table(curated / "quarantine" / "studies.parquet").num_rows == 1
    assert pq.read_table(curated / "reports.parquet").num_rows == 1
    assert (curated / "validation_failures.csv").exists()


def test_quarantine_studies_is_written_under_quarantine(tmp_path: Path) -> None:
    publish(all_tables("a"), tmp_path / "curated")
    assert (tmp_path / "curated" / "quarantine" / "studies.parquet").is_file()
    assert (tmp_path / "curated" / "quarantine" / "studies.csv").is_file()
    assert not (tmp_path / "curated" / "quarantine_studies.csv").exists()


def test_parquet_has_fixed_contract_types_even_for_all_null_columns(tmp_path: Path) -> None:
    publish(all_tables("a"), tmp_path / "curated")
    studies = pq.read_schema(tmp_path / "curated" / "studies.parquet")
    assert str(studies.field("indication").type) == "string"
    assert str(studies.field("source_page").type) == "int64"
    assert str(studies.field("ref_no").type) == "int64"
    reports = pq.read_schema(tmp_path / "curated" / "reports.parquet")
    assert str(reports.field("search_start").type) == "date32[day]"
    assert str(reports.field("extracted_at").type) == "timestamp[us, tz=UTC]"
    assert b"pandas" not in (studies.metadata or {})


def test_empty_frame_gets_the_contract_columns(tmp_path: Path) -> None:
    publish({"validation_failures": pd.DataFrame()}, tmp_path / "curated")
    header = (tmp_path / "curated" / "validation_failures.csv").read_text(encoding="utf-8")
    assert header.startswith("report_id,table,study_key,ref_no,column,check,severity")


def test_rows_missing_a_contract_column_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="first_author"):
        publish({"studies": studies_frame("a").drop(columns=["first_author"])}, tmp_path / "c")


def test_csv_keeps_newlines_inside_quoted_cells_and_quotes_commas(tmp_path: Path) -> None:
    publish(all_tables("a"), tmp_path / "curated")
    raw = (tmp_path / "curated" / "studies.csv").read_bytes()
    assert b'"a finding one\nfinding ""two"""' in raw
    assert b'"a, adults"' in raw
    assert raw.endswith(b"\r\n")


def test_extra_columns_follow_the_contract_columns(tmp_path: Path) -> None:
    frame = studies_frame("a")
    frame.insert(0, "extra", ['{"Country": "Canada"}'] * 3)
    publish({"studies": frame}, tmp_path / "curated")
    schema = pq.read_schema(tmp_path / "curated" / "studies.parquet")
    assert schema.names[0] == "report_id"
    assert schema.names[-1] == "extra"


def test_same_frames_give_byte_identical_files(tmp_path: Path) -> None:
    publish(all_tables("a"), tmp_path / "one")
    publish(all_tables("a"), tmp_path / "two")
    first, second = snapshot_bytes(tmp_path / "one"), snapshot_bytes(tmp_path / "two")
    assert first.keys() == second.keys()
    assert first == second


def test_republishing_replaces_the_snapshot_and_leaves_no_leftovers(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    publish(all_tables("a"), curated)
    publish(all_tables("b"), curated, extra_files={"review/index.html": b"<html></html>"})
    assert_complete_snapshot(curated, "b")
    assert (curated / "review" / "index.html").read_bytes() == b"<html></html>"
    assert len(list(snapshots_dir(curated).iterdir())) == 1


def counting_builder(calls: list[str], name: str = "derived.txt") -> ReusableDerived:
    """A reusable builder that writes the studies' bytes into `name`, recording each build."""

    def build(folder: Path) -> None:
        calls.append(folder.name)
        (folder / name).write_bytes((folder / "studies.parquet").read_bytes()[:64])

    return ReusableDerived(build, ("studies.parquet",), (name,))


def test_derived_files_of_unchanged_inputs_are_copied_from_the_previous_snapshot(tmp_path: Path) -> None:
    curated, calls = tmp_path / "curated", []
    builder = counting_builder(calls)
    publish(all_tables("a"), curated, derived=(builder,), code_version="v1")
    made = (curated / "derived.txt").read_bytes()
    publish(all_tables("a"), curated, derived=(builder,), code_version="v1")
    assert len(calls) == 1 and (curated / "derived.txt").read_bytes() == made
    assert len(list(snapshots_dir(curated).iterdir())) == 1  # still a new snapshot, swapped in whole


def test_derived_files_are_built_again_when_an_input_or_the_code_changed_or_no_version_is_given(tmp_path: Path) -> None:
    curated, calls = tmp_path / "curated", []
    builder = counting_builder(calls)
    publish(all_tables("a"), curated, derived=(builder,), code_version="v1")
    publish(all_tables("b"), curated, derived=(builder,), code_version="v1")  # studies changed
    publish(all_tables("b"), curated, derived=(builder,), code_version="v2")  # the code changed
    publish(all_tables("b"), curated, derived=(builder,))  # nobody says which code made them
    publish(all_tables("b"), curated, derived=(builder,), code_version="v2")  # the previous snapshot notes nothing
    assert len(calls) == 5


def test_a_derived_file_missing_from_the_previous_snapshot_is_built(tmp_path: Path) -> None:
    curated, calls = tmp_path / "curated", []
    builder = counting_builder(calls)
    publish(all_tables("a"), curated, derived=(builder,), code_version="v1")
    (curated / "derived.txt").unlink()
    publish(all_tables("a"), curated, derived=(builder,), code_version="v1")
    assert len(calls) == 2 and (curated / "derived.txt").is_file()


def test_a_real_curated_folder_from_before_is_adopted(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    curated.mkdir()
    (curated / "old.csv").write_text("x\n", encoding="utf-8")
    publish(all_tables("a"), curated)
    assert curated.is_symlink()
    assert_complete_snapshot(curated, "a")
    assert not (curated / "old.csv").exists()


def test_extra_file_outside_the_snapshot_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="inside the snapshot"):
        publish(all_tables("a"), tmp_path / "curated", extra_files={"../escape": b"x"})


cell_text = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00")),
)


@settings(max_examples=75, deadline=None)
@given(st.lists(st.tuples(cell_text, cell_text), max_size=6))
def test_csv_round_trips_any_text(cells: list[tuple[str | None, str | None]]) -> None:
    frame = pd.DataFrame(cells, columns=["first", "second"], dtype=object)
    table = arrow_table("notes", frame)
    parsed = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8"), newline="")))
    assert parsed[0] == ["first", "second"]
    assert parsed[1:] == [[a or "", b or ""] for a, b in cells]


# --- processes: the lock and a publish killed mid-way -----------------------------------------

CHILD_PUBLISH = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import extract.publish as publish_module
    sys.path.insert(0, {tests_dir!r})
    from test_publish import all_tables

    stage, marker, curated = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    original = getattr(publish_module, stage)
    calls = []

    def stall_after_first_call(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(1)
        marker.write_text("stalled")
        while True:
            time.sleep(1)

    setattr(publish_module, stage, stall_after_first_call)
    publish_module.publish(all_tables("new"), curated)
    """
)

CHILD_HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from extract.publish import run_lock

    marker, curated = Path(sys.argv[1]), Path(sys.argv[2])
    with run_lock(curated):
        marker.write_text("locked")
        sys.stdin.read()
    """
)


def wait_for_marker(child: subprocess.Popen[bytes], marker: Path) -> None:
    """Block until the child signals it reached its stopping point (or fail if it died)."""
    while not marker.exists():
        if child.poll() is not None:
            raise AssertionError(f"child exited early: {child.stderr.read().decode()}")  # type: ignore[union-attr]
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("stage", "expected_tag"),
    [
        ("write_file_durably", "old"),
        ("write_staging", "old"),
        ("point_curated_at", "new"),
        ("remove_other_snapshots", "new"),
    ],
)
def test_publish_killed_mid_way_leaves_a_complete_snapshot(
    tmp_path: Path, stage: str, expected_tag: str
) -> None:
    curated = tmp_path / "curated"
    publish(all_tables("old"), curated)
    marker = tmp_path / "stalled"
    script = CHILD_PUBLISH.format(tests_dir=str(Path(__file__).parent))
    child = subprocess.Popen(
        [sys.executable, "-c", script, stage, str(marker), str(curated)],
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_marker(child, marker)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert_complete_snapshot(curated, expected_tag)
    publish(all_tables("after"), curated)
    assert_complete_snapshot(curated, "after")
    assert len(list(snapshots_dir(curated).iterdir())) == 1


def test_second_publisher_gets_a_clear_error_naming_the_holder(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    marker = tmp_path / "locked"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_HOLD_LOCK, str(marker), str(curated)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_marker(child, marker)
        with pytest.raises(PublishLocked) as caught:
            publish(all_tables("a"), curated)
    finally:
        child.communicate(b"")
    message = str(caught.value)
    assert message.startswith(f"another run is using {curated}/ (pid {child.pid}, started 20")
    assert message.endswith(" UTC); try again when it ends")
    assert caught.value.pid == child.pid
    assert not curated.exists()
    publish(all_tables("a"), curated)
    assert_complete_snapshot(curated, "a")


def test_run_lock_is_reentrant_in_one_process(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    with run_lock(curated):
        publish(all_tables("a"), curated)
    assert_complete_snapshot(curated, "a")
    assert os.path.exists(tmp_path / ".curated.lock")
    assert not (tmp_path / ".curated.lock.owner").exists()


def test_declared_extension_columns_get_their_types_even_from_untyped_frames() -> None:
    provenance = pd.DataFrame(
        {"report_id": ["r"], "study_key": ["r:1"], "column": ["year"], "page_no": [None],
         "x0": [1], "top": [None], "x1": [2.5], "bottom": [3]},
        dtype=object,
    )
    schema = arrow_table("provenance", provenance).schema
    assert [str(t) for t in schema.types] == ["string"] * 3 + ["int64"] + ["double"] * 4
    studies = studies_frame("a").assign(review_audit=None)
    assert str(arrow_table("studies", studies).schema.field("review_audit").type) == "string"


# --- the file system refusing ---------------------------------------------------------------


def test_a_full_disk_while_writing_says_which_file_and_keeps_the_previous_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    curated = tmp_path / "curated"
    publish(all_tables("old"), curated)
    opened: list[Path] = []

    def disk_fills_at_the_third_file(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "w" in mode:
            opened.append(Path(path))
            if len(opened) == 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(publish_module, "open", disk_fills_at_the_third_file, raising=False)
    with pytest.raises(PublishFailed) as caught:
        publish(all_tables("new"), curated)
    assert str(caught.value) == (
        f"could not publish to {curated}/: No space left on device ({opened[2]}); the previous tables are unchanged"
    )
    assert_complete_snapshot(curated, "old")
    assert [entry.name for entry in snapshots_dir(curated).iterdir()] == [curated.resolve().name]  # staging removed
    assert not lock_owner_path(curated).exists()


@pytest.mark.parametrize(
    ("step", "code"),
    [("rename", errno.EROFS), ("symlink", errno.EACCES), ("fsync", errno.EIO)],
)
def test_a_refused_step_of_publishing_is_one_line_and_the_previous_tables_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    curated = tmp_path / "curated"
    publish(all_tables("old"), curated)

    def refused(*args: object, **kwargs: object) -> None:
        if step == "fsync":  # the kernel's error for a descriptor names no file
            raise OSError(code, os.strerror(code))
        raise OSError(code, os.strerror(code), str(args[0]))

    monkeypatch.setattr(publish_module.os, step, refused)
    with pytest.raises(PublishFailed) as caught:
        publish(all_tables("new"), curated)
    message = str(caught.value)
    assert message.startswith(f"could not publish to {curated}/: {os.strerror(code)} (") and "\n" not in message
    assert snapshots_dir(curated).name in message  # where: the snapshot or staging folder refused
    assert message.endswith("; the previous tables are unchanged")
    monkeypatch.undo()
    assert_complete_snapshot(curated, "old")
    assert len(list(snapshots_dir(curated).iterdir())) == 1


def test_a_lock_that_cannot_be_made_is_one_line_naming_it(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    lock_path(curated).mkdir()  # something that is not a lock file sits where the lock goes
    with pytest.raises(PublishFailed) as caught:
        publish(all_tables("a"), curated)
    assert str(caught.value) == f"cannot lock {curated}/: Is a directory ({lock_path(curated)})"
    assert not curated.exists()


def test_a_lock_left_by_a_killed_run_is_taken_over_and_its_holder_named(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    marker = tmp_path / "locked"
    child = subprocess.Popen([sys.executable, "-c", CHILD_HOLD_LOCK, str(marker), str(curated)], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_marker(child, marker)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert lock_owner_path(curated).exists()  # a killed run releases nothing itself
    with run_lock(curated) as stale:
        assert stale is not None and stale.pid == child.pid and stale.since and stale.since.endswith(" UTC")
        assert f"pid {child.pid}, started 20" in str(stale)
        publish(all_tables("a"), curated)
    assert_complete_snapshot(curated, "a")
    with run_lock(curated) as again:
        assert again is None  # released properly this time

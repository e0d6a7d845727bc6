"""Runs that scale: the cache key, task runner choice, progress display, and warm re-runs."""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from prefect.task_runners import ThreadPoolTaskRunner

from extract.console import ProgressDisplay, ReportOutcome, RunSummary, format_duration, format_summary, progress_status
from extract.datasets import report_tables
from extract.review.apply import decide_report
from extract.review.decisions import Decision
from extract.validate import validate_report
from extract.settings import Limits
from flows.reading import ReadReport, decided_tables, read_report
from flows.runners import cache_dir_for, code_version, report_cache_key, task_runner_for, validation_processes_for

PROJECT_DIR = Path(__file__).resolve().parents[1]
FORGED_SAMPLE = PROJECT_DIR / "raw" / "forged-cadth-style-1.pdf"
EXTRACTED_AT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


# ---------------------------------------------------------------- the cache key


def test_cache_key_is_stable_for_the_same_bytes_name_code_and_limits(tmp_path: Path) -> None:
    report = tmp_path / "a.txt"
    report.write_bytes(b"same bytes")
    first = report_cache_key(report, Limits(), "1.0+abc")
    report.write_bytes(b"same bytes")  # rewritten, touched: content decides, not mtime
    assert report_cache_key(report, Limits(), "1.0+abc") == first


def test_cache_key_changes_with_bytes_name_code_or_limits(tmp_path: Path) -> None:
    report, renamed = tmp_path / "a.txt", tmp_path / "b.txt"
    report.write_bytes(b"one")
    renamed.write_bytes(b"one")
    key = report_cache_key(report, Limits(), "1.0+abc")
    others = {
        report_cache_key(renamed, Limits(), "1.0+abc"),
        report_cache_key(report, Limits(), "1.0+abd"),
        report_cache_key(report, Limits(timeout_s=30.0), "1.0+abc"),
    }
    report.write_bytes(b"two")
    others.add(report_cache_key(report, Limits(), "1.0+abc"))
    assert key not in others and len(others) == 4


@given(st.binary(max_size=200), st.binary(max_size=200))
def test_different_bytes_never_share_a_key(first: bytes, second: bytes) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "one").mkdir()
        (folder / "two").mkdir()
        (folder / "one" / "r.pdf").write_bytes(first)
        (folder / "two" / "r.pdf").write_bytes(second)
        same_key = report_cache_key(folder / "one" / "r.pdf", Limits(), "v") == report_cache_key(
            folder / "two" / "r.pdf", Limits(), "v"
        )
        assert same_key == (first == second)
    finally:
        shutil.rmtree(folder)


def test_code_version_names_the_package_version_and_a_source_digest() -> None:
    version, _, digest = code_version().partition("+")
    assert version and len(digest) == 64 and code_version() == f"{version}+{digest}"


def test_cache_lives_beside_the_curated_folder(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    (tmp_path / ".curated.snapshots" / "1").mkdir(parents=True)
    curated.symlink_to(tmp_path / ".curated.snapshots" / "1")  # publish leaves curated a symlink
    assert cache_dir_for(curated) == tmp_path.absolute() / ".prefect" / "results"


# ---------------------------------------------------------------- task runners


def test_default_runner_drives_one_isolation_process_per_task_thread() -> None:
    runner = task_runner_for(3)
    assert isinstance(runner, ThreadPoolTaskRunner) and runner._max_workers == 3
    assert validation_processes_for(runner, 100) == 3 and validation_processes_for(runner.duplicate(), 100) == 3


def test_a_few_reports_are_validated_by_the_task_threads_without_validation_processes() -> None:
    runner = task_runner_for(2)
    assert [validation_processes_for(runner, reports) for reports in (0, 1, 8, 9)] == [0, 0, 0, 2]


def test_a_dask_address_selects_the_dask_runner() -> None:
    from prefect_dask import DaskTaskRunner

    runner = task_runner_for(2, "tcp://127.0.0.1:8786")
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://127.0.0.1:8786"
    assert validation_processes_for(runner, 100) == 0  # Dask workers validate in their task threads


# ---------------------------------------------------------------- what is cached, and what is not


def test_cached_value_holds_validated_tables_without_page_geometry() -> None:
    read = read_report(FORGED_SAMPLE, Limits(), "0.0.0", EXTRACTED_AT)
    assert read.extraction is not None and read.extraction.document.pages == ()
    assert read.extraction.tables and len(read.validated["studies"]) > 0


def test_decisions_apply_to_a_cached_read_without_reading_the_file_again(tmp_path: Path) -> None:
    copy = tmp_path / FORGED_SAMPLE.name
    copy.write_bytes(FORGED_SAMPLE.read_bytes())
    read = read_report(copy, Limits(), "0.0.0", EXTRACTED_AT)
    copy.unlink()  # a cached read stands alone: the file is not needed any more
    decided = decided_tables(read, ())
    kept = len(decided["studies"]) + len(decided["quarantine_studies"])
    assert kept == len(read.validated["studies"]) + len(read.validated["quarantine_studies"])
    key = str(decided["studies"]["study_key"].iloc[0])
    correction = Decision(read.report_id, key, "population", "", "correct", "Adults, corrected", "", "steward", "2024-01-03")
    corrected = decided_tables(read, [correction])["studies"].set_index("study_key")
    assert corrected.loc[key, "population"] == "Adults, corrected"
    assert "steward" in corrected.loc[key, "review_audit"]


def test_the_cached_undecided_tables_are_what_deciding_nothing_gives() -> None:
    read = read_report(FORGED_SAMPLE, Limits(), "0.0.0", EXTRACTED_AT)
    from_scratch = decide_report(report_tables(read.extraction, read.extractor_version, read.extracted_at), read.extraction, (), validate_report)
    assert read.undecided.keys() == from_scratch.keys()
    for name, frame in from_scratch.items():
        pd.testing.assert_frame_equal(read.undecided[name], frame)
    other_report = Decision("another-report", "k", "population", "", "reject", "", "", "steward", "2024-01-03")
    assert decided_tables(read, [other_report]) is read.undecided


def test_an_unreadable_file_is_cached_as_its_failure_row(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    read = read_report(broken, Limits(), "0.0.0", EXTRACTED_AT)
    assert isinstance(read, ReadReport) and read.report_id == "broken" and read.extraction is None
    assert list(decided_tables(read, ())["validation_failures"]["check"]) == ["not_a_pdf"]


# ---------------------------------------------------------------- progress for long runs


def outcome(name: str) -> ReportOutcome:
    return ReportOutcome(name, studies=3, errors=1)


def test_progress_off_a_terminal_prints_report_lines_only() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(total=2, stream=stream, live=False)
    display.report_done(outcome("a.pdf"))
    display.report_done(outcome("b.pdf"))
    display.finish()
    lines = stream.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["a.pdf", "b.pdf"] and "\x1b" not in stream.getvalue()


def test_progress_on_a_terminal_keeps_a_status_line_under_the_reports() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(total=4, stream=stream, live=True, started=0.0)
    display.report_done(outcome("a.pdf"))
    status = stream.getvalue().split("\n")[-1]
    assert "a.pdf" in stream.getvalue() and status.startswith("  [1/4] 25%") and "ETA" in status
    display.finish()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_status_counts_rate_and_time_left() -> None:
    assert progress_status(10, 40, 60.0) == "  [10/40] 25%  10.0 reports/min  ETA 3:00"
    assert progress_status(0, 40, 0.0).endswith("ETA ?")


@given(st.floats(min_value=0, max_value=10 * 24 * 3600))
def test_durations_read_back_to_the_second(seconds: float) -> None:
    parts = [int(part) for part in format_duration(seconds).split(":")]
    total = sum(part * 60**power for power, part in enumerate(reversed(parts)))
    assert total == max(0, round(seconds)) and all(part < 60 for part in parts[1:])


def test_summary_says_how_long_and_how_many_were_reused(tmp_path: Path) -> None:
    summary = RunSummary(
        (outcome("a.pdf"), outcome("b.pdf")), tmp_path, tmp_path, elapsed_s=30.0, reused_reports=1
    )
    assert "Time: 0:30 (4 reports/min); 1 unchanged, reused from the cache." in format_summary(summary)


# ---------------------------------------------------------------- warm re-runs


@pytest.mark.prefect
def test_a_warm_rerun_reuses_unchanged_reports_and_reparses_a_changed_one(
    prefect_server: None, raw_with_seed: Path, tmp_path: Path
) -> None:
    from flows.main import extract_reports

    shutil.copy(FORGED_SAMPLE, raw_with_seed / FORGED_SAMPLE.name)
    curated = tmp_path / "curated"
    flow = extract_reports.with_options(task_runner=task_runner_for(2))
    cold = flow(str(raw_with_seed), str(curated), show_progress=False)
    cold_studies = pd.read_parquet(curated / "studies.parquet")
    warm = flow(str(raw_with_seed), str(curated), show_progress=False)
    assert (cold.reused_reports, warm.reused_reports) == (0, 2)
    pd.testing.assert_frame_equal(pd.read_parquet(curated / "studies.parquet"), cold_studies)
    study = cold_studies.iloc[0]
    reject = Decision(study["report_id"], study["study_key"], "", "", "reject", "", "", "tester", "2024-01-02")
    decided = flow(str(raw_with_seed), str(curated), show_progress=False, decisions=[reject])
    quarantined = pd.read_parquet(curated / "quarantine" / "studies.parquet")
    assert decided.reused_reports == 2 and study["study_key"] in set(quarantined["study_key"])
    seed = raw_with_seed / "ivig-offlabel-2017.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")
    changed = flow(str(raw_with_seed), str(curated), show_progress=False)
    assert changed.reused_reports == 1 and changed.reports_processed == 2


@pytest.mark.prefect
def test_a_damaged_cache_entry_is_a_miss_and_the_report_is_parsed_again(
    prefect_server: None, raw_with_seed: Path, tmp_path: Path
) -> None:
    from flows.main import extract_reports

    curated, cache = tmp_path / "curated", tmp_path / "cache"
    flow = extract_reports.with_options(task_runner=task_runner_for(1))
    flow(str(raw_with_seed), str(curated), show_progress=False, cache_dir=str(cache))
    cold_studies = pd.read_parquet(curated / "studies.parquet")
    results = [path for path in cache.iterdir() if path.is_file()]
    assert len(results) == 1
    results[0].write_bytes(b"{not a result")
    damaged = flow(str(raw_with_seed), str(curated), show_progress=False, cache_dir=str(cache))
    assert damaged.reused_reports == 0 and damaged.reports_processed == 1
    pd.testing.assert_frame_equal(
        pd.read_parquet(curated / "studies.parquet").drop(columns="extracted_at", errors="ignore"),
        cold_studies.drop(columns="extracted_at", errors="ignore"),
    )


def test_a_broken_validation_pool_is_replaced_and_the_report_validated_here(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures.process import BrokenProcessPool

    import flows.reading as reading

    class BrokenPool:
        def submit(self, *args: object) -> None:
            raise BrokenProcessPool("a validation process died")

    cleared: list[bool] = []
    broken = BrokenPool()
    fake = lambda count: broken  # noqa: E731
    fake.cache_clear = lambda: cleared.append(True)  # type: ignore[attr-defined]
    monkeypatch.setattr(reading, "validation_processes", fake)
    read = read_report(FORGED_SAMPLE, Limits(), "0.0.0", EXTRACTED_AT, validators=2)
    assert cleared == [True]
    assert read.extraction is not None and len(read.validated["studies"]) > 0


def test_report_results_are_stored_by_the_standard_pickler_and_read_back_equal() -> None:
    import base64
    import pickle

    from flows.main import extract_report_task

    read = read_report(FORGED_SAMPLE, Limits(), "0.0.0", EXTRACTED_AT)
    stored = extract_report_task.result_serializer.dumps(read)
    back = pickle.loads(base64.decodebytes(stored))  # no cloudpickle needed to read a cached report
    assert back.report_id == read.report_id and back.extraction == read.extraction
    for name, frame in read.undecided.items():
        pd.testing.assert_frame_equal(back.undecided[name], frame)


def test_a_validation_process_builds_every_table_schema_when_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import pandera.api.dataframe.model as pandera_model

    from extract.schemas import ContractTable
    from flows.reading import warm_validation

    built: dict[tuple[type, int], object] = {}
    monkeypatch.setattr(pandera_model, "MODEL_CACHE", built)  # pandera's schema cache, per model and thread
    warm_validation()
    models = ContractTable.__subclasses__()
    assert models and all((model, threading.get_ident()) in built for model in models)

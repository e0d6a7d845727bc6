"""A run starts only what its batch needs: no validation processes for a few reports, no parsing
process when every report is cached; uncached reports read ahead are read once; modules load
what they use."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import flows.reading as reading
from extract.settings import Limits
from flows import readahead
from flows.cache import cache_dir_for, code_version, keyed_reports, report_cache_key
from flows.readahead import IN_FLOW_VALIDATION_PER_WORKER, plan_run, reading_ahead, validators_for
from flows.runners import task_runner_for

PROJECT_DIR = Path(__file__).resolve().parents[1]
FORGED_SAMPLE = PROJECT_DIR / "raw" / "forged-cadth-style-1.pdf"


def refuse(what: str):  # type: ignore[no-untyped-def]
    """A stand-in that fails the test when the run starts `what`."""

    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the run started {what}")

    return started


# ------------------------------------------------------------------ the plan, without Prefect


def test_a_few_reports_get_no_validation_processes_and_a_batch_one_per_worker() -> None:
    assert validators_for(2, 1) == 0 and validators_for(2, IN_FLOW_VALIDATION_PER_WORKER * 2) == 0
    assert validators_for(2, IN_FLOW_VALIDATION_PER_WORKER * 2 + 1) == 2 and validators_for(1, 70) == 1


def test_the_plan_reads_only_reports_without_a_result_under_their_key(raw_with_seed: Path, tmp_path: Path) -> None:
    shutil.copy(FORGED_SAMPLE, raw_with_seed / FORGED_SAMPLE.name)
    results = tmp_path / "results"
    results.mkdir()
    seed = raw_with_seed / "ivig-offlabel-2017.txt"
    (results / report_cache_key(seed, Limits(), code_version())).write_text("{}")
    plan = plan_run(keyed_reports(raw_with_seed, Limits()), results, workers=2)
    assert [path.name for path in plan.paths] == [FORGED_SAMPLE.name, seed.name]
    assert [path.name for path in plan.misses] == [FORGED_SAMPLE.name] and plan.validators == 0


# ------------------------------------------------------------------ what a flow run starts


@pytest.mark.prefect
def test_a_one_report_run_starts_no_validation_process(
    prefect_server: None, raw_with_seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.main import extract_reports

    monkeypatch.setattr(reading, "validation_processes", refuse("a validation process"))
    flow = extract_reports.with_options(task_runner=task_runner_for(2))
    summary = flow(str(raw_with_seed), str(tmp_path / "curated"), show_progress=False)
    assert summary.reports_processed == 1 and summary.succeeded


@pytest.mark.prefect
def test_a_run_with_every_report_cached_starts_no_parsing_or_validation_process(
    prefect_server: None, raw_with_seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.main import extract_reports

    curated = tmp_path / "curated"
    flow = extract_reports.with_options(task_runner=task_runner_for(2))
    flow(str(raw_with_seed), str(curated), show_progress=False)
    published = pd.read_parquet(curated / "studies.parquet")
    monkeypatch.setattr(reading, "run_isolated", refuse("a parsing process"))
    monkeypatch.setattr(reading, "validation_processes", refuse("a validation process"))
    warm = flow(str(raw_with_seed), str(curated), show_progress=False)
    assert warm.reused_reports == 1 and warm.succeeded
    pd.testing.assert_frame_equal(pd.read_parquet(curated / "studies.parquet"), published)


@pytest.mark.prefect
def test_reports_read_ahead_are_claimed_by_their_tasks_and_read_once(
    prefect_server: None, raw_with_seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.main
    from flows.main import extract_reports, load_cached_ahead

    shutil.copy(FORGED_SAMPLE, raw_with_seed / FORGED_SAMPLE.name)
    curated = tmp_path / "curated"
    read: list[str] = []
    real_read = reading.read_report
    counted = lambda path, *args: read.append(path.name) or real_read(path, *args)  # noqa: E731
    monkeypatch.setattr(reading, "read_report", counted)  # the read-ahead's reads
    monkeypatch.setattr(flows.main, "read_report", counted)  # a task's own reads
    plan = plan_run(keyed_reports(raw_with_seed, Limits()), cache_dir_for(curated), workers=2)
    with reading_ahead(plan, workers=2) as ahead:
        ahead.load_cached(load_cached_ahead(plan))
        summary = extract_reports.with_options(task_runner=task_runner_for(2))(str(raw_with_seed), str(curated), show_progress=False)
    assert sorted(read) == sorted(path.name for path in plan.misses) and summary.reports_processed == 2
    assert set(pd.read_parquet(curated / "reports.parquet")["extracted_at"]) == {pd.Timestamp(plan.extracted_at)}
    assert readahead.current() is None


# ------------------------------------------------------------------ imports


def loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a fresh interpreter has loaded after running `statement`."""
    probe = f"import sys\n{statement}\nprint(sorted(m for m in {modules!r} if m in sys.modules))"
    return eval(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)  # noqa: S307


def test_what_the_run_imports_before_the_flow_loads_no_pandas_pandera_or_prefect() -> None:
    statement = (
        "import flows.cli, flows.cache, flows.readahead, flows.phases, flows.server, flows.prefect_env, "
        "extract.console, extract.review.decisions, extract.extraction, extract.isolation, extract.runlock, extract.summary"
    )
    assert loaded_after(statement, ("pandas", "pandera", "prefect", "pyarrow", "matplotlib", "duckdb")) == []


def test_the_flow_module_loads_no_validation_drawing_or_database() -> None:
    assert loaded_after("import flows.main", ("pandera", "matplotlib", "duckdb", "dask")) == []


def test_validating_a_report_does_not_import_dask() -> None:
    statement = (
        "from datetime import datetime, timezone\nfrom pathlib import Path\nfrom extract.settings import Limits\n"
        "from flows.reading import read_report\n"
        f"read_report(Path({str(PROJECT_DIR / 'tests/fixtures/seed/ivig-offlabel-2017.txt')!r}), Limits(), 'test', datetime.now(timezone.utc))"
    )
    assert loaded_after(statement, ("dask", "pandera")) == ["pandera"]

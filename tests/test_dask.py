"""The flow on a Dask cluster: same tables as one local worker, isolation working, no traceback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from flows.runners import task_runner_for

PROJECT_DIR = Path(__file__).resolve().parents[1]
SAMPLES = ("forged-cadth-style-1.pdf", "forged-cadth-style-3.pdf", "ivig-offlabel-2017.txt")


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    """A LocalCluster of 2 worker processes under nannies (daemonic, as a default cluster runs them)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def published(curated: Path) -> dict[str, pd.DataFrame]:
    """Every published table, without the extraction time that differs between runs."""
    root = curated.resolve()
    return {
        parquet.relative_to(root).as_posix(): pd.read_parquet(parquet).drop(columns=["extracted_at"], errors="ignore")
        for parquet in sorted(root.rglob("*.parquet"))
    }


@pytest.mark.prefect
def test_dask_cluster_publishes_the_same_tables_as_one_local_worker(
    prefect_server: None, dask_address: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from flows.main import extract_reports

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in SAMPLES:
        shutil.copy(PROJECT_DIR / "raw" / name, raw / name)
    (raw / "broken.pdf").write_bytes(b"not a pdf")
    on_dask = extract_reports.with_options(task_runner=task_runner_for(dask_address=dask_address))
    one_worker = extract_reports.with_options(task_runner=task_runner_for(1))
    dask_summary = on_dask(str(raw), str(tmp_path / "dask" / "curated"), show_progress=False)
    local_summary = one_worker(str(raw), str(tmp_path / "local" / "curated"), show_progress=False)
    output = capfd.readouterr()
    assert (dask_summary.reports_processed, dask_summary.reports_failed) == (3, 1)
    assert dask_summary.reused_reports == local_summary.reused_reports == 0
    failures = pd.read_parquet(tmp_path / "dask" / "curated" / "validation_failures.parquet")
    assert set(failures.loc[failures["table"] == "reports", "check"]) == {"not_a_pdf"}
    dask_tables, local_tables = published(tmp_path / "dask" / "curated"), published(tmp_path / "local" / "curated")
    assert dask_tables.keys() == local_tables.keys() and len(dask_tables["studies.parquet"]) > 0
    for name, frame in dask_tables.items():
        pd.testing.assert_frame_equal(frame, local_tables[name], obj=name)
    assert "Traceback" not in output.out + output.err

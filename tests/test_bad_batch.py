"""Issue 6: a run over the whole bad-pdfs corpus plus the seed loses no file and no seed row.

`python -m flows run` runs in a subprocess, as a user would run it, over a raw/ folder holding
every bad-pdfs file, the seed report and a few bad files made here. Every file must end as a
report row or as one report-level failure row with a stable reason; the run exits 0, prints no
traceback, and a second run over the same raw/ publishes the same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from reportlab.pdfgen.canvas import Canvas


from extract.errors import READ_FAILURE_REASONS

PROJECT_DIR = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_DIR / "tests" / "fixtures" / "corpus" / "bad-pdfs"
SEED_REPORT = PROJECT_DIR / "tests" / "fixtures" / "seed" / "ivig-offlabel-2017.txt"
SEED_STUDIES = PROJECT_DIR / "tests" / "fixtures" / "seed" / "expected-studies.csv"
ALLOWED_REASONS = (READ_FAILURE_REASONS - {"internal_error", "worker_crashed"}) | {"no_summary_table"}

# The bad files made here, and the reason each must be given.
EXTRA_BAD_FILES: dict[str, str] = {
    "empty-notes.txt": "empty_file",
    "image-bytes-named.pdf": "not_a_pdf",
    "word-document-named.txt": "not_a_report",
    "latin1-bytes.txt": "undecodable_text",
    "meeting-minutes.txt": "no_summary_table",
    "plain-page-no-table.pdf": "no_summary_table",
}
# reports carry extracted_at; DuckDB lays its file's blocks out its own way each time (the tables
# in it are the Parquet files beside it, which are compared here, and test_analyst_files holds it to them);
# .derived.json notes the digests of the inputs of the derived files, reports.parquet among them;
# .run.json notes the run's raw folder and time (`flows.unchanged`).
VOLATILE_TABLES = ("reports.parquet", "reports.csv", "evidence.duckdb", ".derived.json", ".run.json")


@dataclass(frozen=True)
class Run:
    """One finished `extract run`: its exit status, what it printed, and its curated folder."""

    returncode: int
    output: str
    curated: Path


def draw_plain_page(path: Path) -> Path:
    """A well-formed PDF whose one page is prose, with no table: read fine, yet not a report."""
    canvas = Canvas(str(path), pagesize=(612, 792), invariant=1)
    canvas.setFont("Helvetica", 11)
    lines = ["Quarterly newsletter", "The library will be closed on public holidays.", "Opening hours are unchanged."]
    for index, line in enumerate(lines):
        canvas.drawString(72, 700 - 16 * index, line)
    canvas.showPage()
    canvas.save()
    return path


def write_extra_bad_files(raw: Path) -> None:
    """Bad inputs beside the corpus: empty text, non-PDF bytes, a binary and a non-UTF-8 .txt, a non-report, a table-less PDF."""
    (raw / "empty-notes.txt").write_bytes(b"")
    (raw / "image-bytes-named.pdf").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (raw / "word-document-named.txt").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    (raw / "latin1-bytes.txt").write_bytes("Résumé of the café meeting\n".encode("latin-1"))
    (raw / "meeting-minutes.txt").write_text(
        "Minutes of the meeting\n\nThe committee discussed the budget and the timetable.\n\n"
        "Actions: circulate the draft before the next meeting.\n",
        encoding="utf-8",
    )
    draw_plain_page(raw / "plain-page-no-table.pdf")


def user_environment(home: Path) -> dict[str, str]:
    """A user's shell environment: none of the Prefect settings this test session made."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    return {**env, "HOME": str(home)}


def run_extract(raw: Path, workdir: Path) -> Run:
    """`python -m flows run` over raw/ from its own working folder (own Prefect home, own cache)."""
    workdir.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [sys.executable, "-m", "flows", "run", "--raw", str(raw), "--curated", "curated"],
        cwd=workdir,
        env=user_environment(workdir),
        capture_output=True,
        text=True,
    )
    return Run(completed.returncode, completed.stdout + completed.stderr, workdir / "curated")


def curated_files(curated: Path) -> dict[str, bytes]:
    """Every published file of the snapshot the curated symlink points at, by path relative to it."""
    snapshot = curated.resolve()
    return {
        path.relative_to(snapshot).as_posix(): path.read_bytes()
        for path in sorted(snapshot.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def raw_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/: the 30 bad-pdfs files, the seed report and the bad files made here."""
    raw = tmp_path_factory.mktemp("bad-batch") / "raw"
    raw.mkdir()
    for pdf in sorted(CORPUS.glob("*.pdf")):
        shutil.copyfile(pdf, raw / pdf.name)
    shutil.copyfile(SEED_REPORT, raw / SEED_REPORT.name)
    write_extra_bad_files(raw)
    return raw


@pytest.fixture(scope="module")
def first_run(raw_batch: Path) -> Run:
    """The batch run once; the tests below read what it printed and published."""
    return run_extract(raw_batch, raw_batch.parent / "first")


def report_level_errors(curated: Path) -> pd.DataFrame:
    """validation_failures rows that fail a whole report (table `reports`, severity error)."""
    failures = pd.read_csv(curated / "validation_failures.csv", dtype=str)
    return failures[(failures["table"] == "reports") & (failures["severity"] == "error")]


def test_the_batch_holds_the_whole_corpus(raw_batch: Path) -> None:
    assert len(list(raw_batch.glob("*.pdf"))) == 30 + 2
    assert len(list(raw_batch.iterdir())) == 30 + 1 + len(EXTRA_BAD_FILES)


def test_the_run_exits_0_and_prints_no_traceback(first_run: Run) -> None:
    assert first_run.returncode == 0, first_run.output
    assert "Traceback" not in first_run.output
    assert "Reports: 1 of 37 processed, 36 failed." in first_run.output


def test_every_file_is_a_report_row_or_one_failure_row_with_a_stable_reason(
    first_run: Run, raw_batch: Path
) -> None:
    reports = pd.read_csv(first_run.curated / "reports.csv", dtype=str)
    errors = report_level_errors(first_run.curated)
    processed, failed = set(reports["report_id"]), set(errors["report_id"])
    assert processed | failed == {path.stem for path in raw_batch.iterdir()}
    assert not processed & failed
    assert errors["report_id"].is_unique
    assert set(errors["check"]) <= ALLOWED_REASONS
    for row in errors.itertuples():
        assert row.message.startswith(f"{row.report_id}."), row.message  # names its file


def test_the_bad_files_made_here_get_their_reasons(first_run: Run) -> None:
    errors = report_level_errors(first_run.curated).set_index("report_id")["check"]
    assert {Path(name).stem: errors[Path(name).stem] for name in EXTRA_BAD_FILES} == {
        Path(name).stem: reason for name, reason in EXTRA_BAD_FILES.items()
    }


def test_the_seed_rows_are_all_published(first_run: Run) -> None:
    seed_id = SEED_REPORT.stem
    studies = pd.read_csv(first_run.curated / "studies.csv", dtype=str)
    quarantined = pd.read_csv(first_run.curated / "quarantine" / "studies.csv", dtype=str)
    published = pd.concat([studies, quarantined])
    expected_keys = set(pd.read_csv(SEED_STUDIES, dtype=str)["study_key"])
    assert len(expected_keys) == 17
    assert set(published.loc[published["report_id"] == seed_id, "study_key"]) == expected_keys
    assert set(published["report_id"]) == {seed_id}


def test_a_second_run_over_the_same_raw_publishes_the_same_bytes(first_run: Run, raw_batch: Path) -> None:
    second_run = run_extract(raw_batch, raw_batch.parent / "second")
    assert second_run.returncode == 0, second_run.output
    first, second = curated_files(first_run.curated), curated_files(second_run.curated)
    assert sorted(first) == sorted(second)
    assert {"studies.parquet", "studies.csv", "validation_failures.parquet"} <= set(first)
    differing = sorted(name for name in first if first[name] != second[name])
    assert [name for name in differing if name not in VOLATILE_TABLES] == []


def test_a_raw_folder_of_bad_files_only_fails_the_run_and_says_why(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_extra_bad_files(raw)
    shutil.copyfile(CORPUS / "zero-pages.pdf", raw / "zero-pages.pdf")
    run = run_extract(raw, tmp_path / "work")
    assert run.returncode != 0, run.output
    assert "Traceback" not in run.output
    assert "No report could be processed" in run.output
    for name in [*EXTRA_BAD_FILES, "zero-pages.pdf"]:
        assert name in run.output
    assert "no_pages" in run.output and "not_a_pdf" in run.output

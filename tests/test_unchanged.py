"""A run over what curated/ was already made from is not run again (`flows.unchanged`), and only then."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from extract.settings import Limits
from flows.cache import keyed_reports
from flows.unchanged import RUN_NOTE, MAX_NOTE_BYTES, RunInputs, run_inputs, unchanged_message, unchanged_since, write_run_note

CODE = "1.0+abc"
SUMMARY = "\nReports: 1 of 1 processed, 0 failed.\nStudies: 2 published, 0 quarantined."


@dataclasses.dataclass
class Folder:
    """A run folder as a run leaves it: raw/, a published snapshot curated/ points at, a result per report."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def curated(self) -> Path:
        return self.root / "curated"

    @property
    def results(self) -> Path:
        return self.root / ".prefect" / "results"

    @property
    def decisions(self) -> Path:
        return self.root / "review" / "decisions.csv"

    def inputs(self, code: str = CODE) -> RunInputs | None:
        decisions = self.decisions.read_bytes() if self.decisions.exists() else None
        return run_inputs(self.raw, keyed_reports(self.raw, Limits(), code), decisions)

    def check(self) -> object:
        return unchanged_since(self.curated, self.inputs(), self.results)


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    made = Folder(tmp_path)
    made.raw.mkdir()
    (made.raw / "a.txt").write_text("Summary of Findings\n", encoding="utf-8")
    (made.raw / "b.pdf").write_bytes(b"%PDF-1.4\n")
    snapshot = tmp_path / ".curated.snapshots" / "20260101T000000Z-1"
    (snapshot / "quarantine").mkdir(parents=True)
    (snapshot / "studies.parquet").write_bytes(b"PAR1" * 10)
    (snapshot / "quarantine" / "studies.csv").write_text("study_key\n", encoding="utf-8")
    made.curated.symlink_to(snapshot.relative_to(tmp_path))
    inputs = made.inputs()
    assert inputs is not None
    made.results.mkdir(parents=True)
    for key in inputs.report_keys:
        (made.results / key).write_bytes(b"result")
    write_run_note(made.curated, inputs, SUMMARY)
    return made


def test_a_run_over_the_inputs_curated_was_made_from_need_not_run(folder: Folder) -> None:
    unchanged = folder.check()
    assert unchanged is not None and unchanged.summary == SUMMARY
    message = unchanged_message(Path("curated"), unchanged)
    assert message.startswith(f"Nothing changed since the run of {unchanged.at}:") and message.endswith(SUMMARY)


def test_a_changed_added_or_removed_report_runs(folder: Folder) -> None:
    (folder.raw / "a.txt").write_text("Summary of Findings, revised\n", encoding="utf-8")
    assert folder.check() is None
    (folder.raw / "a.txt").write_text("Summary of Findings\n", encoding="utf-8")
    assert folder.check() is not None
    (folder.raw / "c.txt").write_text("another\n", encoding="utf-8")
    assert folder.check() is None
    (folder.raw / "c.txt").unlink()
    (folder.raw / "b.pdf").unlink()
    assert folder.check() is None


def test_a_file_the_run_skips_is_named_in_its_summary_so_it_runs_too(folder: Folder) -> None:
    (folder.raw / "notes.docx").write_bytes(b"PK")
    assert folder.check() is None


def test_new_decisions_or_another_code_version_run(folder: Folder) -> None:
    folder.decisions.parent.mkdir()
    folder.decisions.write_text("report_id,study_key,decision\n", encoding="utf-8")
    assert folder.check() is None
    folder.decisions.unlink()
    assert folder.check() is not None
    assert unchanged_since(folder.curated, folder.inputs(CODE + "1"), folder.results) is None


def test_another_year_runs_for_validation_bounds_years_by_it(folder: Folder) -> None:
    inputs = folder.inputs()
    assert inputs is not None
    assert unchanged_since(folder.curated, dataclasses.replace(inputs, year=inputs.year + 1), folder.results) is None


def test_a_result_missing_from_the_cache_runs(folder: Folder) -> None:
    next(folder.results.iterdir()).unlink()
    assert folder.check() is None


def test_a_published_file_changed_or_removed_runs(folder: Folder) -> None:
    studies = folder.curated / "studies.parquet"
    studies.write_bytes(b"PAR1")
    assert folder.check() is None
    studies.unlink()
    assert folder.check() is None


def test_a_note_that_cannot_be_trusted_runs(folder: Folder) -> None:
    note = folder.curated / RUN_NOTE
    original = note.read_text(encoding="utf-8")
    note.write_text("{not json", encoding="utf-8")
    assert folder.check() is None
    note.write_text(json.dumps({**json.loads(original), "summary": 3}), encoding="utf-8")
    assert folder.check() is None
    note.write_text(original + " " * MAX_NOTE_BYTES, encoding="utf-8")
    assert folder.check() is None
    note.unlink()
    assert folder.check() is None


def test_a_curated_folder_that_is_not_a_published_snapshot_runs(folder: Folder, tmp_path: Path) -> None:
    plain = tmp_path / "plain-curated"
    plain.mkdir()
    assert unchanged_since(plain, folder.inputs(), folder.results) is None


def test_a_report_that_cannot_be_read_has_no_inputs(folder: Folder, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.cache

    def unreadable(path: Path, limits: Limits, code: str) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(flows.cache, "report_cache_key", unreadable)
    assert folder.inputs() is None and folder.check() is None

"""What a publish gives analysts: a package real clients validate, a DuckDB file with the tables and views, an evidence map.

One curated folder is published from forged reports (with real-looking reference lists), the
seed report and an unreadable file, as a run publishes it, and then read the way an analyst
would: `frictionless validate`, DuckDB opened read-only, the PNG and HTML looked at.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from PIL import Image

from extract.analyst_db import DATABASE_FILE
from extract.datasets import combine
from extract.dictionary import data_package, data_package_json
from extract.evidence_map import HTML_FILE, PNG_FILE, design_title, evidence_figure
from extract.publish import publish
from extract.settings import Limits
from extract.tables_spec import TABLES
from flows.main import ANALYST_FILES, curated_extra_files, validated_report_tables
from tests.forge import draw_report
from tests.forge.citations import Citations
from tests.forge.random_spec import random_spec

FIXED_TIME = datetime(2024, 1, 2, tzinfo=timezone.utc)
SEED_TEXT = Path(__file__).parent / "fixtures" / "text" / "seed-with-references.txt"


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A curated folder as a run publishes it, from three forged reports, the seed-like text and a broken file."""
    raw = tmp_path_factory.mktemp("raw")
    for seed in (5, 11, 23):
        draw_report(random_spec(seed, citations=Citations(), report_id=f"forged-{seed}"), raw / f"forged-{seed}.pdf")
    (raw / SEED_TEXT.name).write_bytes(SEED_TEXT.read_bytes())
    (raw / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    tables = [validated_report_tables(path, Limits(), "test", FIXED_TIME) for path in sorted(raw.iterdir())]
    folder = tmp_path_factory.mktemp("out") / "curated"
    publish(combine(tables), folder, extra_files=curated_extra_files(), derived=ANALYST_FILES)
    return folder


def test_frictionless_validates_the_published_package(curated: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(curated / "datapackage.json")],
        capture_output=True, text=True, cwd=curated,
    )
    report = json.loads(done.stdout)
    assert report["valid"], json.dumps([task["errors"][:3] for task in report["tasks"] if task["errors"]], indent=1)[:3000]
    assert {task["name"] for task in report["tasks"]} == set(TABLES)


def test_the_package_lists_every_column_every_file_has(curated: Path) -> None:
    for resource in data_package()["resources"]:
        header = (curated / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == [field["name"] for field in resource["schema"]["fields"]], resource["name"]
        assert resource["profile"] == "tabular-data-resource"
    assert (curated / "datapackage.json").read_text(encoding="utf-8") == data_package_json()


def test_the_database_opens_read_only_with_every_table_and_every_study_joins_its_reference(curated: Path) -> None:
    with duckdb.connect(str(curated / DATABASE_FILE), read_only=True) as db:
        tables = {name for (name,) in db.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(TABLES) | {"studies_with_reference", "open_failures_by_report", "reference_list"} <= tables
        for name, spec in TABLES.items():
            parquet = pd.read_parquet(curated / f"{spec.path}.parquet")
            assert db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(parquet), name
        unjoined = db.execute(
            'SELECT s.study_key FROM studies s LEFT JOIN "references" r ON r.report_id = s.report_id '
            "AND r.ref_no = s.ref_no AND r.section = 'summarized' WHERE s.ref_no IS NOT NULL AND r.ref_no IS NULL"
        ).fetchall()
        assert unjoined == [] and db.execute("SELECT count(*) FROM studies WHERE ref_no IS NOT NULL").fetchone()[0] > 40
        view = db.execute("SELECT count(*), count(title) FROM studies_with_reference").fetchone()
        assert view[0] == db.execute("SELECT count(*) FROM studies").fetchone()[0] and view[1] > 0
        failures = dict(db.execute("SELECT report_id, errors FROM open_failures_by_report").fetchall())
        assert failures["broken"] == 1 and failures["seed-with-references"] == 1
        with pytest.raises(duckdb.Error):
            db.execute("DELETE FROM studies")


def test_the_evidence_map_is_wide_enough_and_shows_every_design(curated: Path) -> None:
    with Image.open(curated / PNG_FILE) as image:
        assert image.width >= 800
    studies = pd.read_parquet(curated / "studies.parquet")
    figure = evidence_figure(studies)
    for axes in figure.axes:
        labels = {label.get_text() for label in axes.get_yticklabels()}
        assert labels == {design_title(design) for design in set(studies["design"])}
    page = (curated / HTML_FILE).read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "http" not in page.replace("http-equiv", "")
    assert all(design_title(design) in page for design in set(studies["design"]))


def test_a_builder_that_fails_publishes_nothing_and_keeps_the_previous_snapshot(curated: Path, tmp_path: Path) -> None:
    from extract.publish import PublishFailed

    folder = tmp_path / "curated"
    tables = {name: pd.read_parquet(curated / f"{spec.path}.parquet") for name, spec in TABLES.items()}
    publish(tables, folder, derived=ANALYST_FILES)
    before = sorted(path.name for path in folder.iterdir())

    def full_disk(staging: Path) -> None:
        raise OSError(28, "No space left on device", str(staging / DATABASE_FILE))

    with pytest.raises(PublishFailed, match="No space left on device"):
        publish(tables, folder, derived=(full_disk,))
    assert sorted(path.name for path in folder.iterdir()) == before and DATABASE_FILE in before
    assert len(list(folder.parent.glob(".curated.snapshots/*"))) == 1

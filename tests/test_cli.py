"""The command line: a real `evidence-extract run` must print progress and a summary, nothing else."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extract import __version__
from flows.cli import COMMANDS, build_parser, main
from flows.phases import PHASES_VARIABLE, read_phases

PROJECT_DIR = Path(__file__).resolve().parents[1]
CONSOLE_SCRIPT = Path(sys.executable).parent / "evidence-extract"
CURATED_FILES = (
    "studies",
    "quarantine/studies",
    "reports",
    "selection_criteria",
    "abbreviations",
    "validation_failures",
)
NOISE = re.compile(r"Traceback|Error flushing|CancelledError|Warning|WARNING|temporary server|telemetry|INFO")


def user_environment(home: Path) -> dict[str, str]:
    """The environment of a user's shell: none of the Prefect settings the test session made."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    return {**env, "HOME": str(home)}


def subcommands() -> dict[str, object]:
    """Every subcommand's parser, by name."""
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(action.choices)


def console_run(folder: Path, phases_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`evidence-extract run` in a folder, as a user's shell runs it, its phases recorded to a file."""
    return subprocess.run(
        [str(CONSOLE_SCRIPT), "run", "--raw", "raw", "--curated", "curated", *extra],
        cwd=folder,
        env={**user_environment(folder), PHASES_VARIABLE: str(phases_file)},
        capture_output=True,
        text=True,
    )


def test_run_on_a_fresh_folder_prints_progress_and_summary_and_nothing_else(
    raw_with_seed: Path, tmp_path: Path
) -> None:
    phases_file = tmp_path / "phases.jsonl"
    completed = console_run(tmp_path, phases_file)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert not NOISE.search(output), output
    assert completed.stderr == ""
    lines = completed.stdout.splitlines()
    assert lines[0] == "Extracting 1 report from raw/"
    assert lines[1].split()[0] == "ivig-offlabel-2017.txt" and lines[2] == ""
    headings = [line.split(":")[0] for line in lines[3:] if not line.startswith("  ")]
    assert headings == ["Reports", "Studies", "Failures", "Time", "Tables in curated/ (Parquet and CSV)"]
    for name in CURATED_FILES:
        assert (tmp_path / "curated" / f"{name}.parquet").is_file(), name
        assert (tmp_path / "curated" / f"{name}.csv").is_file(), name
    assert (tmp_path / ".prefect").is_dir()
    recorded = {phase.name: phase for phase in read_phases(phases_file)}
    assert {"imports", "server start", "database", "workers", "parse", "validate", "flow", "publish", "server stop"} <= set(recorded)
    assert recorded["database"].detail == "migrated"  # a fresh home on a machine (HOME) that never ran one
    assert recorded["validate"].detail.endswith("in the flow's process")  # one report: no validation processes
    assert recorded["parse"].start < recorded["server start"].end  # read while the server was starting

    phases_file.unlink()
    again = console_run(tmp_path, phases_file)
    assert again.returncode == 0 and again.stderr == "", again.stdout + again.stderr
    assert again.stdout.startswith("Nothing changed since the run of ")
    assert again.stdout.endswith("\n".join(lines[2:]) + "\n")  # that run's summary, repeated
    assert not phases_file.exists()  # no server, no flow: nothing was started

    forced = console_run(tmp_path, phases_file, "--force")
    assert forced.returncode == 0 and forced.stderr == "", forced.stdout + forced.stderr
    assert forced.stdout.startswith("Extracting 1 report from raw/")
    assert {"server start", "flow", "publish"} <= {phase.name for phase in read_phases(phases_file)}


def test_version_through_python_dash_m() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "flows", "--version"], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == f"evidence-extract {__version__}"


@pytest.mark.prefect
def test_run_fails_and_says_why_when_no_report_could_be_processed(
    prefect_server: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.pdf").write_bytes(b"")
    status = main(["run", "--raw", str(raw), "--curated", str(tmp_path / "curated")])
    printed = capsys.readouterr().out
    assert status != 0
    assert "empty.pdf" in printed and "No report could be processed" in printed


@pytest.mark.prefect
def test_run_fails_on_an_empty_raw_folder(
    prefect_server: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["run", "--raw", str(tmp_path), "--curated", str(tmp_path / "curated")])
    assert status != 0
    assert "holds no .pdf or .txt file" in capsys.readouterr().out
    assert not (tmp_path / "curated").exists()


def test_run_refuses_a_missing_raw_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["run", "--raw", str(tmp_path / "nowhere")])
    assert status == 2
    assert "no raw folder" in capsys.readouterr().err


def test_no_subcommand_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "run" in capsys.readouterr().err


def test_every_subcommand_is_described_and_documented_in_the_readme() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert len(subcommands()) == len(COMMANDS)
    for name, parser in subcommands().items():
        assert parser.description, name
        assert f"evidence-extract {name}" in readme, name
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert action.help, f"{name} {option}"
                    assert option in readme, f"{name} {option} is not in README.md"


def test_the_cli_module_imports_nothing_heavy() -> None:
    """Every parsing process re-imports the program's main module (for `evidence-extract`, the CLI):
    pandas or Prefect there would be loaded again for every report, and kept in its memory."""
    probe = "import sys, flows.cli; print(sorted(m for m in ('pandas', 'pandera', 'prefect', 'pyarrow') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_leaving_joins_threads_runs_exit_handlers_and_flushes_before_the_process_ends(tmp_path: Path) -> None:
    """`leave` skips only the interpreter's teardown: what a thread or an exit handler still had to
    write is written, unflushed output is printed, and the exit status is the command's."""
    probe = f"""
import atexit, sys, threading, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from flows.cli import leave
folder = Path({str(tmp_path)!r})
def late():
    time.sleep(0.2)
    (folder / "thread.txt").write_text("joined")
if __name__ == "__main__":
    pool = ProcessPoolExecutor(1)  # left open, as a run's validation processes are: its manager thread must be told to stop
    assert pool.submit(abs, -2).result() == 2
    threading.Thread(target=late).start()
    atexit.register(lambda: (folder / "handler.txt").write_text("ran"))
    sys.stdout.write("no newline, not flushed")
    leave(3)
"""
    script = tmp_path / "probe.py"
    script.write_text(probe, encoding="utf-8")
    # The timeout only turns a hang (a thread never told to stop) into a failure; it times nothing.
    completed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": ""}, timeout=120)
    assert completed.returncode == 3, completed.stderr
    assert completed.stdout == "no newline, not flushed"
    assert (tmp_path / "thread.txt").read_text() == "joined" and (tmp_path / "handler.txt").read_text() == "ran"

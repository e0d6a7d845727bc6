"""Benchmark, side by side in one run: what a user waits for, and what the extraction costs.

    make bench        # = a snapshot of src/extract and flows in bench/out/code, then
    PYTHONPATH=bench/out/code:. .venv/bin/python -m bench.run --reports 70 --out bench/RESULTS.md

First the whole command, timed from outside as a user would run it (`bench.cli_runs`): the phases
of a run over one new report, one new report against a plain script that only loads the
libraries (with Prefect's home warm, and in a fresh checkout), and a re-run over unchanged
reports against the first run over them (the first 7, then all), as a user re-runs (nothing changed:
nothing runs) and through the flow (`--force`). Then, in this process: our whole
extraction against pdfplumber's extract_words over the same pages, one worker; the flow with 2
workers against 1; Prefect's overhead; peak memory against page count.

The snapshot pins the code under test: the cache key holds a digest of the source, so an edit
made between the cold and the warm run (in a shared checkout) would otherwise turn warm cold.
Every figure that matters is a ratio of two timings taken in this same run, so a busy machine
slows both sides; the load average before and after is recorded beside them. `--out` rewrites
the file whole, keeping the review page's section (`bench.review_page`) between its markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench.cli_runs import Ratio
from flows.prefect_env import configure_prefect, shared_api_server
from flows.phases import Phase

WORK_DIR = Path(__file__).resolve().parent / "out"
PROJECT_DIR = Path(__file__).resolve().parents[1]
ONE_REPORT = PROJECT_DIR / "tests" / "fixtures" / "seed" / "ivig-offlabel-2017.txt"
REVIEW_BEGIN, REVIEW_END = "<!-- review-page: begin -->", "<!-- review-page: end -->"


@dataclass(frozen=True)
class FlowTiming:
    """One flow run: its wall-clock seconds and how many reports it took from the cache."""

    seconds: float
    reused: int
    processed: int


@dataclass(frozen=True)
class WholeRuns:
    """The figures of whole `evidence-extract run` processes, each beside its baseline."""

    profile_s: float
    profile: list[Phase]
    new_report_warm: Ratio
    new_report_fresh: Ratio
    first_on_machine: Ratio
    small: Ratio
    batch: Ratio
    small_forced: Ratio
    batch_forced: Ratio
    resident_new_report: Ratio
    resident_small: Ratio
    resident_batch: Ratio


@dataclass(frozen=True)
class InProcess:
    """The figures measured in this process."""

    t_plumber: float
    t_ours: float
    t_pool2: float
    t_task_bodies: float
    cold1: FlowTiming
    cold2: FlowTiming
    warm2: FlowTiming
    identical: bool
    peaks: dict[str, float]
    memory: list[tuple[int, float, float, float]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options: how many reports, the small batch, the rounds, the long-report page counts, where the results go."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--reports", type=int, default=70, help="forged reports in the batch (default 70)")
    parser.add_argument("--small", type=int, default=7, help="reports in the small batch a team adds in a week (default 7)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each whole-run comparison (median shown; default 3)")
    parser.add_argument("--pages", type=int, nargs="+", default=[30, 300], help="long-report page counts for memory")
    parser.add_argument("--out", type=Path, default=None, help="write the results here (markdown)")
    parser.add_argument("--work", type=Path, default=WORK_DIR, help="scratch folder (reports, caches)")
    return parser.parse_args(argv)


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def forged_paths(raw: Path, n_reports: int) -> tuple[list[Path], int]:
    """The batch's forged PDFs (drawn when missing) and their pages."""
    from bench.forged import forge_batch

    pages = forge_batch(raw, n_reports)
    return sorted(raw.glob("*.pdf"))[:n_reports], pages


def whole_runs(work: Path, paths: list[Path], small: int, rounds: int) -> WholeRuns:
    """Every whole-process figure, each beside its baseline (see `bench.cli_runs`)."""
    from bench import cli_runs

    folder, fresh = work / "cli" / "warm-home", work / "cli" / "fresh-checkout"
    folder.mkdir(parents=True, exist_ok=True)
    fresh.mkdir(parents=True, exist_ok=True)
    cli_runs.warm_home(folder, ONE_REPORT)
    profile_s, profile = cli_runs.one_report_profile(folder, ONE_REPORT)
    print(f"one-report profile: {profile_s:.1f}s", flush=True)
    warm = cli_runs.new_report_against_plain(folder, ONE_REPORT, rounds, keep_home=True)
    fresh_ratio = cli_runs.new_report_against_plain(fresh, ONE_REPORT, rounds, keep_home=False)
    first = cli_runs.first_run_on_a_machine(fresh, ONE_REPORT)
    print(f"one new report: warm {warm.seconds:.1f}s, fresh {fresh_ratio.seconds:.1f}s, plain {warm.baseline_s:.2f}s", flush=True)
    small_ratio, small_forced = cli_runs.warm_against_cold(folder, paths[:small], rounds)
    batch_ratio, batch_forced = cli_runs.warm_against_cold(folder, paths, max(1, rounds - 1))
    print(f"warm/cold: {small} reports {small_ratio.ratio:.1%}, {len(paths)} reports {batch_ratio.ratio:.1%}", flush=True)
    print(f"with --force: {small} reports {small_forced.ratio:.1%}, {len(paths)} reports {batch_forced.ratio:.1%}", flush=True)
    terminal = work / "cli" / "at-a-terminal"
    terminal.mkdir(parents=True, exist_ok=True)
    with cli_runs.resident_runner(terminal, ONE_REPORT):
        resident = cli_runs.new_report_against_plain(terminal, ONE_REPORT, rounds, True, cli_runs.AT_A_TERMINAL)
        resident_small = cli_runs.warm_against_cold(terminal, paths[:small], rounds, cli_runs.AT_A_TERMINAL)[1]
        resident_batch = cli_runs.warm_against_cold(terminal, paths, max(1, rounds - 1), cli_runs.AT_A_TERMINAL)[1]
    print(f"with the resident runner: one new report {resident.seconds:.1f}s, warm/cold {resident_small.ratio:.1%} and {resident_batch.ratio:.1%}", flush=True)
    return WholeRuns(
        profile_s, profile, warm, fresh_ratio, first, small_ratio, batch_ratio, small_forced, batch_forced, resident, resident_small, resident_batch
    )


def flow_timing(raw: Path, curated: Path, cache: Path, workers: int) -> FlowTiming:
    """Run the Prefect flow in this process with `workers` task threads and time it."""
    from bench.measure import timed
    from flows.main import extract_reports
    from flows.runners import task_runner_for

    flow = extract_reports.with_options(task_runner=task_runner_for(workers))
    summary, seconds = timed(lambda: flow(str(raw), str(curated), show_progress=False, cache_dir=str(cache)))
    return FlowTiming(seconds, summary.reused_reports, summary.reports_processed)


def warm_up_prefect(work: Path) -> None:
    """Start Prefect's temporary server with an empty run, so no timed run pays for it."""
    from flows.main import extract_reports

    empty = work / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    extract_reports(str(empty), str(work / "empty-curated"), show_progress=False)


def flow_timings(raw: Path, runs: Path) -> tuple[FlowTiming, FlowTiming, FlowTiming, dict[str, float]]:
    """Cold with 1 worker (memory sampled), cold with 2, then warm with 2 over the same cache, on one shared server."""
    from bench.measure import ChildMemorySampler, wait_until_server_idle

    warm_up_prefect(runs)
    wait_until_server_idle()
    with ChildMemorySampler() as sampler:
        cold1 = flow_timing(raw, runs / "w1" / "curated", runs / "w1" / "cache", 1)
    wait_until_server_idle()
    cold2 = flow_timing(raw, runs / "w2" / "curated", runs / "w2" / "cache", 2)
    wait_until_server_idle()
    warm2 = flow_timing(raw, runs / "w2" / "curated", runs / "w2" / "cache", 2)
    return cold1, cold2, warm2, sampler.peaks


def memory_rows(work: Path, page_counts: list[int]) -> list[tuple[int, float, float, float]]:
    """(pages, MiB before, peak MiB, MiB of the extraction pickled) of one isolation worker extracting a long report of each size."""
    from bench.forged import forge_pages
    from bench.memory import extraction_rss_mib
    from extract.isolation import run_isolated
    from extract.settings import Limits

    rows = []
    limits = Limits(timeout_s=3600.0)
    for target in page_counts:
        path = work / "long" / f"long-{target}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        pages = forge_pages(path, target)
        before, peak, result = run_isolated(extraction_rss_mib, path, limits, timeout_s=3600.0)
        rows.append((pages, before, peak, result))
    return rows


def in_process(work: Path, raw: Path, paths: list[Path], page_counts: list[int]) -> InProcess:
    """The extraction against pdfplumber's words, the plain pool, the task bodies, the flows, the memory."""
    from bench.measure import (
        in_loop, in_pool, interleaved, isolated_task_body, our_extraction, plumber_words,
        published_without_timestamps, same_tables, start_validation_processes, timed,
    )

    plumber_words(paths[0]), our_extraction(paths[0])  # first calls load lazy caches on both sides
    t_plumber, t_ours = interleaved(plumber_words, our_extraction, paths)
    print(f"pdfplumber words {t_plumber:.1f}s, ours {t_ours:.1f}s", flush=True)
    _, t_pool2 = timed(in_pool, our_extraction, paths, 2)
    start_validation_processes(1), start_validation_processes(2)  # started once per run, like the server
    _, t_task_bodies = timed(in_loop, isolated_task_body, paths)
    runs = work / "runs"
    shutil.rmtree(runs, ignore_errors=True)
    with shared_api_server():
        cold1, cold2, warm2, peaks = flow_timings(raw, runs)
    print(f"flow cold 1: {cold1.seconds:.1f}s, cold 2: {cold2.seconds:.1f}s, warm 2: {warm2.seconds:.1f}s", flush=True)
    identical = same_tables(
        published_without_timestamps(runs / "w1" / "curated"), published_without_timestamps(runs / "w2" / "curated")
    )
    return InProcess(t_plumber, t_ours, t_pool2, t_task_bodies, cold1, cold2, warm2, identical, peaks, memory_rows(work, page_counts))


def main(argv: list[str] | None = None) -> int:
    """Forge the reports, run every measurement, print the results and optionally write them."""
    args = parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    configure_prefect(work / ".prefect")
    load_before = load()
    raw = work / "raw"
    paths, pages = forged_paths(raw, args.reports)
    print(f"{len(paths)} reports, {pages} pages; load {load_before}", flush=True)
    whole = whole_runs(work, paths, args.small, args.rounds)
    measured = in_process(work, raw, paths, args.pages)
    from bench.results import results_markdown

    command = " ".join(["PYTHONPATH=bench/out/code:. .venv/bin/python -m bench.run", *(argv if argv is not None else sys.argv[1:])])
    machine = (f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python "
               f"{platform.python_version()}; load average (1/5/15 min) before: {load_before}, after: {load()}.")
    report = results_markdown(command, machine, len(paths), pages, args.small, whole, measured)
    print(report)
    if args.out:
        args.out.write_text(report + kept_review_section(args.out), encoding="utf-8")
    return 0


def kept_review_section(results: Path) -> str:
    """The review page's section of an existing results file, markers included, or nothing."""
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    begin, end = text.find(REVIEW_BEGIN), text.find(REVIEW_END)
    return "\n" + text[begin : end + len(REVIEW_END)] + "\n" if 0 <= begin < end else ""


if __name__ == "__main__":
    raise SystemExit(main())

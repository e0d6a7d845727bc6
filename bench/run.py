"""Benchmark, side by side in one run: cold and warm flow runs, 1 and 2 workers, Prefect's overhead,
our extraction against pdfplumber's extract_words, and peak memory against page count.

    make bench        # = a snapshot of src/extract and flows in bench/out/code, then
    PYTHONPATH=bench/out/code:. .venv/bin/python -m bench.run --reports 200 --out bench/RESULTS.md

The snapshot pins the code under test: the cache key holds a digest of the source, so an edit
made between the cold and the warm run (in a shared checkout) would otherwise turn warm cold.

Every figure that matters is a ratio of two timings taken in this same run, so a busy machine
slows both sides; the load average before and after is recorded beside them.
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

from flows.prefect_env import configure_prefect, shared_api_server

WORK_DIR = Path(__file__).resolve().parent / "out"


@dataclass(frozen=True)
class FlowTiming:
    """One flow run: its wall-clock seconds and how many reports it took from the cache."""

    seconds: float
    reused: int
    processed: int


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options: how many reports, the long-report page counts, where the results go."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--reports", type=int, default=200, help="forged reports in the batch (default 200)")
    parser.add_argument("--pages", type=int, nargs="+", default=[30, 300], help="long-report page counts for memory")
    parser.add_argument("--out", type=Path, default=None, help="write the results table here (markdown)")
    parser.add_argument("--work", type=Path, default=WORK_DIR, help="scratch folder (reports, caches)")
    return parser.parse_args(argv)


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def flow_timing(raw: Path, curated: Path, cache: Path, workers: int) -> FlowTiming:
    """Run the Prefect flow with a process pool of `workers` and time it."""
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
    """Cold with 1 worker (memory sampled), cold with 2, then warm with 2 over the same cache.

    Each run starts once the shared temporary server has caught up with the previous one, as
    every CLI run does with its own server.
    """
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


def main(argv: list[str] | None = None) -> int:
    """Forge the reports, run every measurement, print the table and optionally write it."""
    args = parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    configure_prefect(work / ".prefect")
    from bench.forged import forge_batch
    from bench.measure import (
        cli_rerun_seconds,
        in_loop,
        in_pool,
        interleaved,
        start_validation_processes,
        isolated_task_body,
        our_extraction,
        plumber_words,
        published_without_timestamps,
        same_tables,
        timed,
    )

    load_before = load()
    raw = work / "raw"
    shutil.rmtree(work / "runs", ignore_errors=True)
    pages = forge_batch(raw, args.reports)
    paths = sorted(raw.glob("*.pdf"))[: args.reports]
    print(f"{len(paths)} reports, {pages} pages; load {load_before}", flush=True)
    plumber_words(paths[0]), our_extraction(paths[0])  # first calls load lazy caches on both sides
    t_plumber, t_ours = interleaved(plumber_words, our_extraction, paths)
    print(f"pdfplumber words {t_plumber:.1f}s, ours {t_ours:.1f}s", flush=True)
    _, t_pool2 = timed(in_pool, our_extraction, paths, 2)
    print(f"plain pool of 2: {t_pool2:.1f}s", flush=True)
    start_validation_processes(1), start_validation_processes(2)  # started once per run, like the server
    _, t_task_bodies = timed(in_loop, isolated_task_body, paths)
    print(f"task bodies in a loop (no Prefect): {t_task_bodies:.1f}s", flush=True)
    with shared_api_server():
        timings = flow_timings(raw, work / "runs")
    cold1, cold2, warm2, peaks = timings
    runs = work / "runs"
    print(f"flow cold 1: {cold1.seconds:.1f}s, cold 2: {cold2.seconds:.1f}s, warm 2: {warm2.seconds:.1f}s", flush=True)
    identical = same_tables(
        published_without_timestamps(runs / "w1" / "curated"), published_without_timestamps(runs / "w2" / "curated")
    )
    memory = memory_rows(work, args.pages)
    t_cli_rerun = cli_rerun_seconds(work, paths[0])
    load_after = load()
    report = results_markdown(
        len(paths), pages, t_plumber, t_ours, t_pool2, t_task_bodies,
        cold1, cold2, warm2, identical, peaks, memory, load_before, load_after, argv, t_cli_rerun,
    )
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


def results_markdown(
    n: int,
    pages: int,
    t_plumber: float,
    t_ours: float,
    t_pool2: float,
    t_task_bodies: float,
    cold1: FlowTiming,
    cold2: FlowTiming,
    warm2: FlowTiming,
    identical: bool,
    worker_peaks: dict[str, float],
    memory: list[tuple[int, float, float, float]],
    load_before: str,
    load_after: str,
    argv: list[str] | None,
    t_cli_rerun: float,
) -> str:
    """The results as the markdown table RESULTS.md holds."""
    command = " ".join(["PYTHONPATH=bench/out/code:. .venv/bin/python -m bench.run", *(argv if argv is not None else sys.argv[1:])])
    overhead = (cold1.seconds - t_task_bodies) / cold1.seconds
    lines = [
        "# Benchmark results",
        "",
        f"Command: `{command}`",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average (1/5/15 min) before: {load_before}, after: {load_after}.",
        "",
        f"Batch: {n} forged reports, {pages} pages.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| cold flow, 2 workers | {60 * n / cold2.seconds:.1f} reports/min, {pages / cold2.seconds:.2f} pages/s ({cold2.seconds:.1f} s) | |",
        f"| warm flow, 2 workers (unchanged raw/) | {60 * n / warm2.seconds:.1f} reports/min ({warm2.seconds:.1f} s, {warm2.reused} of {n} reused) | |",
        f"| warm / cold | {warm2.seconds / cold2.seconds:.1%} | ≤ 10% |",
        f"| a CLI re-run's fixed cost (one cached report: start, imports, temporary server, flow) | {t_cli_rerun:.1f} s | |",
        f"| cold flow, 1 worker | {60 * n / cold1.seconds:.1f} reports/min ({cold1.seconds:.1f} s) | |",
        f"| flow speed-up, 2 workers over 1 | {cold1.seconds / cold2.seconds:.2f}× | ≥ 1.8× |",
        f"| plain 2-process pool over the in-process loop (anchor) | {t_ours / t_pool2:.2f}× | 1.93× measured when quiet |",
        f"| same tables with 1 and 2 workers | {'yes' if identical else 'NO'} | yes |",
        f"| task bodies in a plain loop, no Prefect (isolated parsing, validation process, decisions) | {t_task_bodies:.1f} s | |",
        f"| Prefect overhead (1-worker flow against that loop) | {overhead:.1%} of the run, {(cold1.seconds - t_task_bodies) / n * 1000:.0f} ms per report | ≤ 10% |",
        f"| our whole extraction, in-process loop (alternating per report with the next line) | {t_ours:.1f} s ({pages / t_ours:.2f} pages/s) | |",
        f"| pdfplumber extract_words on every page, same loop | {t_plumber:.1f} s ({pages / t_plumber:.2f} pages/s) | |",
        f"| ours / pdfplumber words | {t_ours / t_plumber:.2f}× | ≤ 1.0× |",
        "",
        "Peak resident memory of the processes of the 1-worker flow run (sampled every 0.1 s):",
        "",
        "| process | peak RSS (MiB) |",
        "|---|---|",
        *(f"| {kind} | {peak:.0f} |" for kind, peak in sorted(worker_peaks.items())),
        "",
        "Peak resident memory of one isolation worker (the process that parses) by report length:",
        "",
        "| pages | RSS before extracting (MiB) | peak RSS (MiB) | growth (MiB) | the extraction it returns, pickled (MiB) |",
        "|---|---|---|---|---|",
        *(f"| {p} | {before:.0f} | {peak:.0f} | {peak - before:.0f} | {result:.1f} |" for p, before, peak, result in memory),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

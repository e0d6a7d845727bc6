"""The benchmark's results as the markdown bench/RESULTS.md holds: the targets first, then the detail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.cli_runs import profile_lines

if TYPE_CHECKING:
    from bench.run import InProcess, WholeRuns


def verdict(value: float, limit: float, at_most: bool = True) -> str:
    """`met` or `not met` for a figure against its limit."""
    return "met" if (value <= limit if at_most else value >= limit) else "not met"


def target_rows(n: int, small: int, whole: WholeRuns, measured: InProcess) -> list[str]:
    """One row per figure the issue's targets name: measured, target, met or not."""
    ours = measured.t_ours / measured.t_plumber
    speedup = measured.cold1.seconds / measured.cold2.seconds
    return [
        f"| one new text report, Prefect's home warm, over the plain-libraries script | {whole.new_report_warm.ratio:.1f}× "
        f"({whole.new_report_warm.seconds:.2f} s / {whole.new_report_warm.baseline_s:.2f} s) | ≤ 3× | {verdict(whole.new_report_warm.ratio, 3)} |",
        f"| the same in a fresh checkout (no `.prefect/`; the database template in the user's cache) | {whole.new_report_fresh.ratio:.1f}× "
        f"({whole.new_report_fresh.seconds:.2f} s / {whole.new_report_fresh.baseline_s:.2f} s) | ≤ 6× | {verdict(whole.new_report_fresh.ratio, 6)} |",
        f"| warm re-run of {n} unchanged PDFs over the cold run | {whole.batch.ratio:.1%} "
        f"({whole.batch.seconds:.1f} s / {whole.batch.baseline_s:.1f} s) | ≤ 10% | {verdict(whole.batch.ratio, 0.10)} |",
        f"| warm re-run of {small} unchanged PDFs over the cold run | {whole.small.ratio:.1%} "
        f"({whole.small.seconds:.1f} s / {whole.small.baseline_s:.1f} s) | ≤ 25% | {verdict(whole.small.ratio, 0.25)} |",
        f"| the same through the flow (`--force`: the server started, every report read back from the cache), {n} PDFs | "
        f"{whole.batch_forced.ratio:.1%} ({whole.batch_forced.seconds:.1f} s / {whole.batch_forced.baseline_s:.1f} s) | ≤ 10% | "
        f"{verdict(whole.batch_forced.ratio, 0.10)} |",
        f"| the same through the flow (`--force`), {small} PDFs | {whole.small_forced.ratio:.1%} "
        f"({whole.small_forced.seconds:.1f} s / {whole.small_forced.baseline_s:.1f} s) | ≤ 25% | {verdict(whole.small_forced.ratio, 0.25)} |",
        f"| at a terminal, the resident runner up (`flows/resident.py`): one new text report over the plain-libraries script | "
        f"{whole.resident_new_report.ratio:.1f}× ({whole.resident_new_report.seconds:.2f} s / {whole.resident_new_report.baseline_s:.2f} s) "
        f"| ≤ 3× | {verdict(whole.resident_new_report.ratio, 3)} |",
        f"| at a terminal, the resident runner up: warm re-run of {n} unchanged PDFs through the flow (`--force`) over the cold run | {whole.resident_batch.ratio:.1%} "
        f"({whole.resident_batch.seconds:.1f} s / {whole.resident_batch.baseline_s:.1f} s) | ≤ 10% | {verdict(whole.resident_batch.ratio, 0.10)} |",
        f"| at a terminal, the resident runner up: warm re-run of {small} unchanged PDFs through the flow (`--force`) over the cold run | {whole.resident_small.ratio:.1%} "
        f"({whole.resident_small.seconds:.1f} s / {whole.resident_small.baseline_s:.1f} s) | ≤ 25% | {verdict(whole.resident_small.ratio, 0.25)} |",
        f"| whole extraction of {n} PDFs over pdfplumber's extract_words on the same pages, 1 worker | {ours:.2f}× "
        f"({measured.t_ours:.1f} s / {measured.t_plumber:.1f} s) | ≤ 0.8× | {verdict(ours, 0.8)} |",
        f"| flow with 2 workers over 1 ({n} PDFs, cold, one shared server) | {speedup:.2f}× | ≥ 1.8× | {verdict(speedup, 1.8, at_most=False)} |",
    ]


def detail_rows(n: int, pages: int, whole: WholeRuns, measured: InProcess) -> list[str]:
    """The figures behind the targets, and the anchors they are read against."""
    cold1, cold2, warm2 = measured.cold1, measured.cold2, measured.warm2
    overhead = (cold1.seconds - measured.t_task_bodies) / cold1.seconds
    first = whole.first_on_machine
    return [
        f"| a fresh checkout's first run on a machine that never ran one (Prefect migrates a new database) | {first.ratio:.1f}× "
        f"the plain script ({first.seconds:.1f} s) |",
        f"| cold flow, 2 workers, in process | {60 * n / cold2.seconds:.1f} reports/min, {pages / cold2.seconds:.2f} pages/s ({cold2.seconds:.1f} s) |",
        f"| warm flow, 2 workers, in process (unchanged raw/) | {warm2.seconds:.1f} s, {warm2.reused} of {n} reused |",
        f"| cold flow, 1 worker, in process | {60 * n / cold1.seconds:.1f} reports/min ({cold1.seconds:.1f} s) |",
        f"| plain 2-process pool over the in-process loop (anchor for 2 over 1) | {measured.t_ours / measured.t_pool2:.2f}× |",
        f"| same tables with 1 and 2 workers | {'yes' if measured.identical else 'NO'} |",
        f"| task bodies in a plain loop, no Prefect (isolated parsing, validation, decisions) | {measured.t_task_bodies:.1f} s |",
        f"| Prefect overhead (1-worker flow against that loop) | {overhead:.1%} of the run, "
        f"{(cold1.seconds - measured.t_task_bodies) / n * 1000:.0f} ms per report |",
        f"| our whole extraction, in-process loop (alternating per report with the next line) | {measured.t_ours:.1f} s ({pages / measured.t_ours:.2f} pages/s) |",
        f"| pdfplumber extract_words on every page, same loop | {measured.t_plumber:.1f} s ({pages / measured.t_plumber:.2f} pages/s) |",
    ]


def results_markdown(command: str, machine: str, n: int, pages: int, small: int, whole: WholeRuns, measured: InProcess) -> str:
    """The whole results file but the review page's section."""
    lines = [
        "# Benchmark results",
        "",
        f"Command: `{command}`",
        machine,
        "",
        f"Batch: {n} forged reports, {pages} pages; the small batch is its first {small}. Whole runs are",
        "`python -m flows run` processes timed from outside, each figure the median of its rounds, taken in",
        "turn with its baseline; their output is captured, so no run leaves a resident runner, except in the",
        "rows \"at a terminal\", whose runs are asked to (`EVIDENCE_EXTRACT_RESIDENT=1`) as a run at a terminal does",
        "by default: there a first run left the runner, and every timed run went to it. A re-run over",
        "unchanged reports starts nothing when nothing changed since the run that published (`flows/unchanged.py`);",
        "the rows \"through the flow\" time the same re-run with `--force`, which runs the flow anyway.",
        "",
        "| figure | measured | target | |",
        "|---|---|---|---|",
        *target_rows(n, small, whole, measured),
        "",
        "Where the seconds of a run over one new text report go (Prefect's home warm; phases overlap: the",
        "server starts while the report is read; times from the process's start):",
        "",
        "| phase | from (s) | to (s) | seconds | detail |",
        "|---|---|---|---|---|",
        *profile_lines(whole.profile_s, whole.profile),
        "",
        "| measure | value |",
        "|---|---|",
        *detail_rows(n, pages, whole, measured),
        "",
        "Peak resident memory of the processes of the 1-worker flow run (sampled every 0.1 s):",
        "",
        "| process | peak RSS (MiB) |",
        "|---|---|",
        *(f"| {kind} | {peak:.0f} |" for kind, peak in sorted(measured.peaks.items())),
        "",
        "Peak resident memory of one isolation worker (the process that parses) by report length:",
        "",
        "| pages | RSS before extracting (MiB) | peak RSS (MiB) | growth (MiB) | the extraction it returns, pickled (MiB) |",
        "|---|---|---|---|---|",
        *(f"| {p} | {before:.0f} | {peak:.0f} | {peak - before:.0f} | {result:.1f} |" for p, before, peak, result in measured.memory),
        "",
    ]
    return "\n".join(lines)

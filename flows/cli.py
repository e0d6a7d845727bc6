"""`evidence-extract`: the command line. Each subcommand is one `add_*_command` function.

Prefect is configured (quiet, state under `./.prefect`) before the flow module is first imported,
so its settings come from one place: `flows.prefect_env`.

This module imports nothing heavy at its top (pandas, Prefect and the rest are imported inside
the commands): every parsing process re-imports the program's main module, which for the
console script is this one, and must stay small and quick to start.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
from contextlib import ExitStack
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from extract import __version__
from extract.settings import Limits
from flows import phases
from flows.cache import KeyedReports, cache_dir_for, keyed_reports
from flows.prefect_env import ServerStartFailed, configure_prefect, quiet_cache_failures, run_api_server
from flows.unchanged import RunInputs, run_inputs, unchanged_message, unchanged_since, write_run_note

if TYPE_CHECKING:
    from prefect import Flow

    from extract.console import RunSummary
    from extract.review.decisions import Decision

EXIT_OK = 0
EXIT_FAILED = 1  # nothing could be processed or published, or another run holds the curated folder
EXIT_USAGE = 2  # a missing folder or file, or a decisions file that cannot be read
DEFAULT_DECISIONS = Path("review") / "decisions.csv"


def run_command(args: argparse.Namespace) -> int:
    """Run the extraction flow on a raw folder; succeed when at least one report was processed and published.

    The curated folder's run lock is taken first, before anything is read, and held until the
    tables are published: a second run on the same folder stops at once, naming the holder.
    """
    from extract.runlock import PublishError, run_lock

    raw_dir, curated_dir = Path(args.raw), Path(args.curated)
    if not raw_dir.is_dir():
        print(f"evidence-extract run: no raw folder at {raw_dir}/", file=sys.stderr)
        return EXIT_USAGE
    decisions_path = Path(args.decisions)
    if args.decisions != str(DEFAULT_DECISIONS) and not decisions_path.is_file():
        print(f"evidence-extract run: no decisions file at {decisions_path}", file=sys.stderr)
        return EXIT_USAGE
    with ExitStack() as held:
        try:
            stale = held.enter_context(run_lock(curated_dir))
        except PublishError as refused:
            print(f"evidence-extract run: {refused}", file=sys.stderr)
            return EXIT_FAILED
        if stale is not None:
            print(f"evidence-extract run: taking over {curated_dir}/ from a run that was stopped without releasing it ({stale})", file=sys.stderr)
        return locked_run(args, raw_dir, curated_dir, decisions_path)


def locked_run(args: argparse.Namespace, raw_dir: Path, curated_dir: Path, decisions_path: Path) -> int:
    """The run itself, under the curated folder's lock: read the decisions, run the flow, print the summary."""
    from extract.review.decisions import DecisionError, decisions_bytes, parse_decisions

    try:
        data = decisions_bytes(decisions_path)
    except DecisionError as error:
        print(f"evidence-extract run: {error}", file=sys.stderr)
        return EXIT_USAGE
    reports = keyed_reports(raw_dir, Limits())
    inputs = run_inputs(raw_dir, reports, data)
    if not args.force and (unchanged := unchanged_since(curated_dir, inputs, cache_dir_for(curated_dir))) is not None:
        print(unchanged_message(curated_dir, unchanged), flush=True)
        return EXIT_OK
    try:
        decisions = () if data is None else parse_decisions(data, decisions_path)
    except DecisionError as error:
        print(f"evidence-extract run: {error}", file=sys.stderr)
        return EXIT_USAGE
    configure_prefect(Path.cwd() / ".prefect")
    try:
        if args.dask_address:  # Dask workers may sit on other machines: they cannot reach a server on this one's loopback
            summary = run_flow(prepared_flow(args, curated_dir), raw_dir, curated_dir, decisions)
        else:
            summary = local_run(args, raw_dir, curated_dir, decisions, reports)
    except ServerStartFailed as error:
        print(f"evidence-extract run: {error}; nothing was published and {curated_dir}/ is unchanged", file=sys.stderr)
        return EXIT_FAILED
    from extract.console import format_summary

    printed = format_summary(summary)
    print(printed, flush=True)
    if not summary.succeeded:
        return EXIT_FAILED
    if inputs is not None:
        note_run(curated_dir, inputs, printed)
    return EXIT_OK


def note_run(curated_dir: Path, inputs: RunInputs, printed: str) -> None:
    """Note what the published snapshot was made from; a note that cannot be written only means the next run runs."""
    try:
        write_run_note(curated_dir, inputs, printed)
    except OSError:
        pass


def local_run(
    args: argparse.Namespace, raw_dir: Path, curated_dir: Path, decisions: Sequence[Decision], reports: KeyedReports
) -> RunSummary:
    """A run on this machine: its temporary server launched first, the uncached reports read while it
    boots and the flow's modules load (`flows.readahead`), then the flow, once the server answers."""
    from flows.cache import default_workers
    from flows.readahead import plan_run, reading_ahead

    workers = args.workers or default_workers()
    with run_api_server() as server:
        plan = plan_run(reports, cache_dir_for(curated_dir), workers)
        with reading_ahead(plan, workers) as ahead:
            flow = prepared_flow(args, curated_dir, publishing=bool(plan.misses))
            from flows.main import load_cached_ahead

            ahead.load_cached(load_cached_ahead(plan))
            with server.connected():
                return run_flow(flow, raw_dir, curated_dir, decisions)


def prepared_flow(args: argparse.Namespace, curated_dir: Path, publishing: bool = False) -> Flow:
    """The extraction flow on the runner the arguments ask for; Prefect is imported here, once configured.

    What the flow run loads on first use is loaded here too (with `publishing`, what building the
    analysts' files loads), while the run's server is still starting.
    """
    with phases.phase("imports", "the flow's modules: Prefect, pandas, publishing"):
        from flows.main import extract_reports, preload_run_modules
        from flows.runners import cache_dir_for, task_runner_for

        preload_run_modules(publishing)

    quiet_cache_failures(cache_dir_for(curated_dir))
    return extract_reports.with_options(task_runner=task_runner_for(args.workers, args.dask_address))


def run_flow(flow: Flow, raw_dir: Path, curated_dir: Path, decisions: Sequence[Decision]) -> RunSummary:
    """One run of the extraction flow."""
    with phases.phase("flow"):
        return flow(raw_dir=str(raw_dir), curated_dir=str(curated_dir), decisions=decisions)


def add_run_command(subparsers: argparse._SubParsersAction) -> None:
    """`run`: extract every report in --raw into validated tables under --curated."""
    parser = subparsers.add_parser(
        "run",
        help="extract every report in the raw folder into curated tables",
        description="Extract every .pdf and .txt report in RAW, validate it against the data "
        "contract, and publish the curated tables (Parquet and CSV) to CURATED.",
    )
    parser.add_argument("--raw", default="raw", help="folder of source reports (default: raw)")
    parser.add_argument(
        "--curated", default="curated", help="folder the curated tables go to (default: curated)"
    )
    parser.add_argument(
        "--decisions",
        default=str(DEFAULT_DECISIONS),
        help=f"stewards' decisions to apply after validation (default: {DEFAULT_DECISIONS}, when it exists)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="processes reading reports in parallel (default: the number of cores)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="run the flow even when nothing changed since the run that published CURATED",
    )
    parser.add_argument(
        "--dask-address",
        default=None,
        metavar="tcp://HOST:PORT",
        help="run the report tasks on this existing Dask cluster instead of local processes",
    )
    parser.set_defaults(handler=run_command)


def positive_int(text: str) -> int:
    """An argparse type for counts that must be at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def inspect_command(args: argparse.Namespace) -> int:
    """Draw the detected tables (or the candidates, when none was found) of one PDF report onto PNGs of its pages; say why each candidate was kept or not."""
    from extract.errors import UnreadableReport
    from extract.inspect import inspect_pdf

    report = Path(args.report)
    if not report.is_file():
        print(f"evidence-extract inspect: no report at {report}", file=sys.stderr)
        return EXIT_USAGE
    try:
        inspection = inspect_pdf(report, Path(args.out), args.page)
    except UnreadableReport as unreadable:
        print(f"evidence-extract inspect: {report} cannot be read ({unreadable.reason}): {unreadable.message}", file=sys.stderr)
        return EXIT_FAILED
    for png in inspection.pictures:
        print(png, flush=True)
    for note in inspection.notes:
        print(note, flush=True)
    return EXIT_OK


def add_inspect_command(subparsers: argparse._SubParsersAction) -> None:
    """`inspect`: PNGs of a PDF's pages with the detected tables, columns, rows and cells drawn."""
    parser = subparsers.add_parser(
        "inspect",
        help="draw the detected tables of a PDF report onto page images",
        description="Render the pages of REPORT that hold a detected summary table (or only "
        "--page N) as PNGs in --out, with captions, columns, rows and cells drawn on them. When no "
        "summary table is found, render the candidate pages (captions, header lines, rulings) with "
        "what each strategy considered, and print why each candidate was rejected.",
    )
    parser.add_argument("report", help="the PDF report to inspect")
    parser.add_argument("--page", type=int, default=None, help="only this 1-based page")
    parser.add_argument("--out", default="inspect", help="folder for the PNGs (default: inspect)")
    parser.set_defaults(handler=inspect_command)


def review_command(args: argparse.Namespace) -> int:
    """Serve the review page for a curated folder until interrupted."""
    from extract.review.server import ReviewConfig, is_loopback, serve

    curated = Path(args.curated)
    if not (curated / "validation_failures.parquet").is_file():
        print(f"evidence-extract review: no curated tables at {curated}/; run `evidence-extract run` first", file=sys.stderr)
        return EXIT_USAGE
    if not is_loopback(args.host):
        print(f"evidence-extract review: the page only listens on loopback, not {args.host}", file=sys.stderr)
        return EXIT_USAGE
    config = ReviewConfig(curated, Path(args.decisions), Path(args.raw), host=args.host, port=args.port)
    print(f"Review page at {config.address.url} — decisions go to {args.decisions}. Ctrl-C to stop.", flush=True)
    try:
        serve(config)
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def add_review_command(subparsers: argparse._SubParsersAction) -> None:
    """`review`: a local web page listing open failures beside their source, to record decisions."""
    parser = subparsers.add_parser(
        "review",
        help="review validation failures in a local web page and record decisions",
        description="Serve a page on loopback listing the open validation failures of CURATED, "
        "each beside its source, with a form to accept, correct or reject it. Decisions are "
        "appended to DECISIONS; the next `run` applies them.",
    )
    parser.add_argument("--curated", default="curated", help="curated folder to review (default: curated)")
    parser.add_argument("--decisions", default=str(DEFAULT_DECISIONS), help=f"decisions file (default: {DEFAULT_DECISIONS})")
    parser.add_argument("--raw", default="raw", help="folder of source reports, for context (default: raw)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    parser.set_defaults(handler=review_command)


def stop_command(args: argparse.Namespace) -> int:
    """Stop this folder's resident runner, if one runs."""
    from flows.resident import Place, stop_runner

    stopped = stop_runner(Place((Path.cwd() / ".prefect").absolute()))
    print("Stopped this folder's resident runner." if stopped else "No resident runner runs for this folder.", flush=True)
    return EXIT_OK


def add_stop_command(subparsers: argparse._SubParsersAction) -> None:
    """`stop`: end the resident runner a run at a terminal leaves in the folder."""
    parser = subparsers.add_parser(
        "stop",
        help="stop the resident runner that keeps Prefect loaded between runs in this folder",
        description="A run at a terminal leaves a process with Prefect's server and the flow loaded, "
        "so the next run in the folder starts at once; it exits after ten idle minutes, or now with this.",
    )
    parser.set_defaults(handler=stop_command)


COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    add_run_command,
    add_inspect_command,
    add_review_command,
    add_stop_command,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of COMMANDS."""
    parser = argparse.ArgumentParser(
        prog="evidence-extract",
        description="Turn health-technology assessment reports into validated curated tables.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, resident: bool = True) -> int:
    """Parse the command line and run the chosen subcommand; return its exit status.

    A local `run` goes to the folder's resident runner when there is one for it (`flows.resident`;
    `resident=False` in the runner itself).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if resident and args.handler is run_command and not args.dask_address:
        from flows.resident import run_here_or_resident

        command = list(sys.argv[1:] if argv is None else argv)
        return run_here_or_resident(command, Path.cwd() / ".prefect", lambda: int(args.handler(args)))
    return int(args.handler(args))


def console() -> NoReturn:
    """`evidence-extract` and `python -m flows`: the command, then `leave` with its exit status."""
    leave(main())


def leave(code: int) -> NoReturn:
    """End the process once a command has returned: the interpreter's own exit steps, then gone.

    What the interpreter would do after them, tearing down every module a run loaded (Prefect,
    pandas, pyarrow, matplotlib), takes most of a second and changes nothing: the tables are
    written and closed by then. So the steps CPython's exit takes first are taken as it takes
    them: its threads' exit hooks (a process pool's manager thread is told to stop) and every
    non-daemon thread joined (`threading._shutdown`), then the exit handlers (loggers flushed,
    worker processes ended); then the output is flushed and the process ends. A command that
    raises never gets here: it exits the usual way, with its traceback.
    """
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)

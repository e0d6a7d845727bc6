"""`evidence-extract`: the command line. Each subcommand is one `add_*_command` function.

Prefect is configured (quiet, state under `./.prefect`) before the flow module is first imported,
so its settings come from one place: `extract.prefect_env`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from extract import __version__
from extract.console import format_summary
from extract.prefect_env import configure_prefect

EXIT_OK = 0
EXIT_NOTHING_PROCESSED = 1
EXIT_USAGE = 2


def run_command(args: argparse.Namespace) -> int:
    """Run the extraction flow on a raw folder; succeed when at least one report was processed."""
    raw_dir, curated_dir = Path(args.raw), Path(args.curated)
    if not raw_dir.is_dir():
        print(f"evidence-extract run: no raw folder at {raw_dir}/", file=sys.stderr)
        return EXIT_USAGE
    configure_prefect(Path.cwd() / ".prefect")
    from flows.main import extract_reports  # imported late: Prefect reads its settings on import

    summary = extract_reports(raw_dir=str(raw_dir), curated_dir=str(curated_dir))
    print(format_summary(summary), flush=True)
    return EXIT_OK if summary.succeeded else EXIT_NOTHING_PROCESSED


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
    parser.set_defaults(handler=run_command)


def inspect_command(args: argparse.Namespace) -> int:
    """Draw the detected tables of one PDF report onto PNGs of its pages."""
    from extract.inspect import inspect_pdf

    report = Path(args.report)
    if not report.is_file():
        print(f"evidence-extract inspect: no report at {report}", file=sys.stderr)
        return EXIT_USAGE
    for png in inspect_pdf(report, Path(args.out), args.page):
        print(png, flush=True)
    return EXIT_OK


def add_inspect_command(subparsers: argparse._SubParsersAction) -> None:
    """`inspect`: PNGs of a PDF's pages with the detected tables, columns, rows and cells drawn."""
    parser = subparsers.add_parser(
        "inspect",
        help="draw the detected tables of a PDF report onto page images",
        description="Render the pages of REPORT that hold a detected summary table (or only "
        "--page N) as PNGs in --out, with captions, columns, rows and cells drawn on them.",
    )
    parser.add_argument("report", help="the PDF report to inspect")
    parser.add_argument("--page", type=int, default=None, help="only this 1-based page")
    parser.add_argument("--out", default="inspect", help="folder for the PNGs (default: inspect)")
    parser.set_defaults(handler=inspect_command)


COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (add_run_command, add_inspect_command)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen subcommand; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return int(args.handler(args))

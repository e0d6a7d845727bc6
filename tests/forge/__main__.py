"""Regenerate a forged sample: `python -m tests.forge --seed 165 --out raw/forged-cadth-style-1.pdf`."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from tests.forge.draw import draw_report
from tests.forge.random_spec import random_spec, seed_spec


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options: which spec, where to write, whether to dump the ground truth."""
    parser = argparse.ArgumentParser(prog="python -m tests.forge", description=__doc__)
    parser.add_argument("--seed", type=int, help="random spec seed (omit with --seed-report)")
    parser.add_argument("--seed-report", action="store_true", help="draw the seed report")
    parser.add_argument("--report-id", help="report id (default: the output file's stem)")
    parser.add_argument("--out", type=Path, required=True, help="PDF to write")
    parser.add_argument("--truth", type=Path, help="also write the ground truth as JSON here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Draw one report and optionally its ground truth, because samples must be reproducible."""
    args = parse_args(argv)
    if args.seed_report:
        spec = seed_spec()
    elif args.seed is not None:
        spec = random_spec(args.seed)
    else:
        raise SystemExit("give --seed N or --seed-report")
    spec = dataclasses.replace(spec, report_id=args.report_id or args.out.stem)
    truth = draw_report(spec, args.out)
    if args.truth:
        payload = {"report": truth.report, "studies": list(truth.studies),
                   "row_pages": {key: list(span) for key, span in truth.row_pages.items()}}
        args.truth.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")
    print(f"{args.out}: {truth.pages} pages, {len(truth.studies)} studies")


if __name__ == "__main__":
    main()

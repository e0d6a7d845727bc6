"""Benchmark of the review page: a batch of 2,000 failures against the same page with 20, side by side in one run.

    PYTHONPATH=src:. .venv/bin/python -m bench.review_page --out bench/RESULTS.md

Forged reports of one series are extracted, validated and published (tests/test_review_batch.py),
copied under new report ids until the batch holds at least --failures failures; two curated
folders are then published from the same tables, one keeping the first --failures failures and
one the first --small. Each is served by its own `evidence-extract review` process on loopback,
and every page is requested from both in turn, --repeat times, so a busy machine slows both
sides alike; the first request of each (tables read and indexed) is reported apart. Half of
each batch's failures are accepted first, so the decided view and the counts have decisions to
match. The bulk confirmation and the bulk write of every open failure are timed once at the end.

With --out, the section between the review-page markers of that file is replaced (or added at its end).
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WORK_DIR = ROOT / "bench" / "out" / "review"
BEGIN, END = "<!-- review-page: begin -->", "<!-- review-page: end -->"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options: the two batch sizes, how often each page is asked for, where the results go."""
    parser = argparse.ArgumentParser(prog="python -m bench.review_page", description=__doc__)
    parser.add_argument("--failures", type=int, default=2000, help="failures in the large batch (default 2000)")
    parser.add_argument("--small", type=int, default=20, help="failures in the small batch (default 20)")
    parser.add_argument("--repeat", type=int, default=15, help="requests of each page from each server (default 15)")
    parser.add_argument("--out", type=Path, default=None, help="markdown file whose review-page section gets the results")
    parser.add_argument("--work", type=Path, default=WORK_DIR, help="scratch folder (reports, curated folders)")
    return parser.parse_args(argv)


def build_batches(work: Path, large: int, small: int) -> tuple[Path, dict[int, Path]]:
    """Forge and publish a batch of at least `large` failures; two curated folders holding the first `large` and `small`."""
    from extract.publish import publish
    from extract.review.store import read_table
    from tests.test_review_batch import SEEDS, forged_batch

    per_copy = 24  # failures a report of the series brings, about: enough copies for the large batch
    copies = max(3, -(-large // (per_copy * len(SEEDS))) + 1)
    shutil.rmtree(work, ignore_errors=True)
    batch = forged_batch(work / "forged", SEEDS, copies)
    names = ["studies", "quarantine_studies", "reports", "provenance", "validation_failures", "selection_criteria", "abbreviations"]
    paths = {"quarantine_studies": Path("quarantine") / "studies"}
    tables = {name: read_table(batch.curated, paths.get(name, Path(name))) for name in names}
    failures = tables["validation_failures"]
    if len(failures) < large:
        raise SystemExit(f"the forged batch holds {len(failures)} failures, fewer than {large}")
    folders = {}
    for size in (small, large):
        folders[size] = work / f"curated-{size}"
        publish({**tables, "validation_failures": failures.head(size).reset_index(drop=True)}, folders[size])
    return batch.raw, folders


def accept_half(curated: Path, decisions: Path) -> int:
    """Accept every other failure, as decisions made on the page would be; how many."""
    from extract.review.decisions import append_decisions, cell_text_or_empty, new_decision

    failures = pd.read_parquet(curated / "validation_failures.parquet").iloc[::2]
    made = [
        new_decision(report_id=row["report_id"], study_key=cell_text_or_empty(row["study_key"]), column=cell_text_or_empty(row["column"]),
                     check=row["check"], action="accept", comment="bench", decided_by="bench")
        for _, row in failures.iterrows()
    ]
    append_decisions(decisions, made)
    return len(made)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PageServer:
    """`evidence-extract review` in a process of its own, on a free loopback port."""

    curated: Path
    raw: Path
    decisions: Path

    def __enter__(self) -> PageServer:
        self.port = free_port()
        code = ("import sys; from pathlib import Path; from extract.review.server import ReviewConfig, serve; "
                "serve(ReviewConfig(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), port=int(sys.argv[4])))")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.process = subprocess.Popen([sys.executable, "-c", code, str(self.curated), str(self.decisions), str(self.raw), str(self.port)], env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the review page did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[float, bytes]:
        """One GET; its wall-clock seconds and body (the status must be 200)."""
        started = time.perf_counter()
        with urllib.request.urlopen(self.url(path), timeout=120) as response:
            body = response.read()
        return time.perf_counter() - started, body

    def post(self, path: str, form: dict[str, str]) -> tuple[float, int]:
        """One POST of a form from the page itself; its seconds and status (a redirect is not followed)."""
        request = urllib.request.Request(self.url(path), data=urllib.parse.urlencode(form).encode(), method="POST",
                                         headers={"Origin": f"http://127.0.0.1:{self.port}", "Content-Type": "application/x-www-form-urlencoded"})
        opener = urllib.request.build_opener(NoRedirect)
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=300) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return time.perf_counter() - started, status


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def bulk_form(html: str) -> dict[str, str]:
    """The bulk form's fields from the page, as the browser sends them back."""
    form = html[html.index('id="bulk"'):]
    form = form[:form.index("</form>")]
    return {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}


def timed_pages(servers: dict[int, PageServer], pages: list[tuple[str, str]], repeat: int) -> dict[tuple[str, int], list[float]]:
    """Every page from every server in turn, `repeat` times; the seconds of each request."""
    times: dict[tuple[str, int], list[float]] = {}
    for _ in range(repeat):
        for label, path in pages:
            for size, server in servers.items():
                times.setdefault((label, size), []).append(server.get(path)[0])
    return times


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started, load_before = datetime.now(timezone.utc), load()
    t0 = time.perf_counter()
    raw, folders = build_batches(args.work, args.failures, args.small)
    forge_seconds = time.perf_counter() - t0
    decisions = {size: args.work / f"decisions-{size}.csv" for size in folders}
    accepted = {size: accept_half(folders[size], decisions[size]) for size in folders}
    small, large = args.small, args.failures
    first_report = pd.read_parquet(folders[small] / "validation_failures.parquet")["report_id"].iloc[0]
    pages = [
        ("the first page of open failures (25 cards)", "/"),
        ("every failure, all states, page 2", "/?status=all&page=2"),
        ("the decided view (who and when, undo)", "/?status=decided"),
        ("one report and one check", f"/?report={first_report}&check=year_outside_search&status=all"),
        ("a text search (`q`)", "/?q=outside+the+search+window&status=all"),
        ("the audit trail (/decisions)", "/decisions"),
        ("failures.json, every failure", "/failures.json?status=all"),
    ]
    with PageServer(folders[small], raw, decisions[small]) as s_small, PageServer(folders[large], raw, decisions[large]) as s_large:
        servers = {small: s_small, large: s_large}
        cold = {size: server.get("/")[0] for size, server in servers.items()}
        crop = html.unescape(re.search(r'src="(/crop\?[^"]+)"', s_small.get("/")[1].decode()).group(1))
        times = timed_pages(servers, [*pages, ("one crop of a row (a PNG, drawn by pdfium)", crop)], args.repeat)
        bulk = {}
        for size, server in servers.items():
            form = {**bulk_form(server.get("/")[1].decode()), "action": "accept", "decided_by": "bench", "comment": "bench"}
            asked, status = server.post("/bulk", form)
            assert status == 200, status
            written, status = server.post("/bulk", {**form, "confirm": "yes"})
            assert status == 303, status
            bulk[size] = (int(form["expected"]), asked, written)
    median = {key: statistics.median(values) for key, values in times.items()}
    worst = max(median[(label, large)] for label, _ in pages)
    lines = [
        BEGIN,
        "## Review page (`bench/review_page.py`)",
        "",
        f"Command: `PYTHONPATH=src:. .venv/bin/python -m bench.review_page --failures {large} --small {small} --repeat {args.repeat} --out bench/RESULTS.md`",
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python {platform.python_version()}; load average before: {load_before}, after: {load()}.",
        "",
        f"One forged series (tests/test_review_batch.py, forged and published in {forge_seconds:.0f} s), published twice: the first {large} "
        f"and the first {small} failures, same studies, provenance and PDFs. Each folder is served by its own review process; each page "
        f"is asked of both in turn, {args.repeat} times (median shown); {accepted[large]} and {accepted[small]} failures accepted beforehand.",
        "",
        f"| page | {small} failures | {large} failures | {large} / {small} | target |",
        "|---|---|---|---|---|",
        f"| first request after start (tables read and indexed) | {1000 * cold[small]:.0f} ms | {1000 * cold[large]:.0f} ms | {cold[large] / cold[small]:.1f}× | |",
        *(f"| {label} | {1000 * median[(label, small)]:.0f} ms | {1000 * median[(label, large)]:.0f} ms | "
          f"{median[(label, large)] / median[(label, small)]:.1f}× | {'≤ 1 s' if path == '/' else ''} |"
          for label, path in [*pages, ("one crop of a row (a PNG, drawn by pdfium)", crop)]),
        f"| bulk accept, the confirmation page (every open failure) | {1000 * bulk[small][1]:.0f} ms ({bulk[small][0]}) | "
        f"{1000 * bulk[large][1]:.0f} ms ({bulk[large][0]}) | {bulk[large][1] / bulk[small][1]:.1f}× | |",
        f"| bulk accept, written (one decision per failure, one file write) | {1000 * bulk[small][2]:.0f} ms | "
        f"{1000 * bulk[large][2]:.0f} ms | {bulk[large][2] / bulk[small][2]:.1f}× | |",
        "",
        f"Slowest page with {large} failures (median): {1000 * worst:.0f} ms{' — within 1 s' if worst <= 1 else ' — OVER 1 s'}.",
        END,
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if args.out:
        text = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):].lstrip("\n")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        args.out.write_text(text, encoding="utf-8")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Digests of what the extractor makes of a set of reports, to prove a change leaves extractions as they were.

    python -m bench.digest --out before.json --dump before/ FILES...   # one digest per file
    python -m bench.digest --compare before.json after.json           # lists the files that differ

Each file is read in this process (no isolation worker, no Prefect) and its Extraction, its
tables before validation and its validated, published-without-decisions tables are written out
as text (dataclass reprs and CSV) with a fixed `extracted_at`; the digest is that text's SHA-256.
A file that cannot be read digests its reason and message. `--dump` keeps the texts for `diff`.
Each file gets two digests: of everything, and of the tables alone (`validated` and
`undecided`), so a change that only moves raw cell text (a glyph glued differently) shows apart
from one that changes what is published.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

FIXED_TIME = datetime(2020, 1, 1, tzinfo=timezone.utc)


def report_text(path: Path) -> str:
    """Everything the extractor makes of one file, as deterministic text."""
    from extract.datasets import report_tables
    from extract.errors import UnreadableReport
    from extract.extraction import extract_report
    from extract.settings import Limits
    from flows.reading import validated_read

    try:
        extraction = extract_report(path, Limits())
    except UnreadableReport as error:
        return f"unreadable {error.reason} page={error.page_no}\n{error.message}\n"
    read = validated_read(extraction, "digest", FIXED_TIME)
    parts = [repr(extraction)]
    before = report_tables(extraction, "digest", FIXED_TIME)
    for label, tables in (("before", before), ("validated", read.validated), ("undecided", read.undecided)):
        for name in sorted(tables):
            parts.append(f"--- {label} {name}\n{tables[name].to_csv(index=False)}")
    return "\n".join(parts)


def sha(text: str) -> str:
    """Hex SHA-256 of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_part(text: str) -> str:
    """The validated and undecided tables of a report's text, which is what publishing sees."""
    return "".join(part for part in text.split("\n--- ") if part.startswith(("validated ", "undecided ")))


def digest_files(paths: list[Path], dump: Path | None) -> dict[str, dict[str, str]]:
    """Each file's digests (everything, and the published tables alone) by its name, dumping the text when asked."""
    digests: dict[str, dict[str, str]] = {}
    for path in sorted(paths):
        text = report_text(path)
        digests[path.name] = {"all": sha(text), "tables": sha(published_part(text) or text)}
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{path.name}.txt").write_text(text, encoding="utf-8")
    return digests


def compare(before: Path, after: Path) -> int:
    """Print the files whose digests differ or that only one side has; 1 when any do."""
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    shared = old.keys() & new.keys()
    tables = sorted(name for name in shared if old[name]["tables"] != new[name]["tables"])
    inside = sorted(name for name in shared if old[name]["all"] != new[name]["all"] and name not in tables)
    missing = sorted(old.keys() ^ new.keys())
    for name in tables:
        print(f"tables changed  {name}")
    for name in inside:
        print(f"extraction changed, tables identical  {name}")
    for name in missing:
        print(f"only in one  {name}")
    identical = len(shared) - len(tables) - len(inside)
    print(f"{identical} identical, {len(inside)} with identical tables, {len(tables)} with changed tables, {len(missing)} unmatched")
    return 1 if tables or inside or missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    digests = digest_files(args.files, args.dump)
    text = json.dumps(digests, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

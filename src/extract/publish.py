"""Atomic, deterministic publishing of the curated tables, under the run lock (`extract.runlock`).

Layout on disk, for `curated_dir = out/curated`:

    out/curated                  -> symlink to .curated.snapshots/<snapshot> (relative)
    out/.curated.snapshots/      one complete folder per published snapshot
    out/.curated.lock            the run lock (`extract.runlock`); `.curated.lock.owner` says who holds it

Why a symlink: replacing a symlink with `os.replace` is one atomic rename, so a reader of
`out/curated/…` sees either the whole previous snapshot or the whole new one. A publish killed
at any point leaves `curated` pointing at a complete snapshot:

1. tables are written and fsynced into `.curated.snapshots/.staging-<id>`, then the files
   derived from them (`Derived`: the analysts' DuckDB file, the evidence map) are built from
   those staged files (killed or refused here: the old snapshot is untouched; the stale staging
   folder is removed by the next publish);
2. the staging folder is renamed to `<id>` (same filesystem, atomic);
3. a temporary symlink to `<id>` replaces `curated` in one `os.replace` (atomic);
4. the other snapshots are deleted (killed here: only leftovers, removed next time).

A `curated_dir` that already exists as a real folder (a run before this layout) is first moved
into the snapshots folder and linked back; only that one-time migration has an instant where
`curated` is absent, and the moved snapshot stays complete. Symlinks need a POSIX filesystem.

Bytes are deterministic: the same frames give byte-identical Parquet and CSV (no pandas index,
no pandas metadata, fixed row groups, fixed column types per contract table).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from extract.casts import as_date, as_text
from extract.errors import describe_os_error
from extract.runlock import PublishError, PublishFailed, PublishLocked, run_lock  # noqa: F401  (the publishing errors, with publish)
from extract.tables_spec import CONTRACT_VERSION, TABLES, ColumnKind, ColumnSpec

# A builder of files derived from the tables (the analysts' database, the evidence map): given
# the staging folder, where every table is already written, it writes its files beside them, so
# they are swapped in with the tables and can never describe another snapshot.
Derived = Callable[[Path], None]
# What each snapshot notes about its reusable derived files: which inputs, by digest, made them.
DERIVED_NOTE = ".derived.json"


@dataclass(frozen=True)
class ReusableDerived:
    """A builder whose files depend only on some files of the snapshot, and on the code.

    When publish is given the code's version and the snapshot being replaced holds the builder's
    files, made by that same version from byte-identical inputs (its `.derived.json` says so),
    they are copied from there instead of built again: a re-run that changes no table does not
    redraw the evidence map or rebuild the database.
    """

    build: Derived
    inputs: tuple[str, ...]  # paths inside the snapshot the builder reads
    outputs: tuple[str, ...]  # paths inside the snapshot it writes

    def __call__(self, folder: Path) -> None:
        self.build(folder)

    def digest(self, files: dict[PurePosixPath, bytes], code_version: str) -> str:
        """What the files depend on: the code's version and every input's bytes."""
        digest = hashlib.sha256(code_version.encode() + b"\0")
        for name in self.inputs:
            digest.update(name.encode() + b"\0" + hashlib.sha256(files.get(PurePosixPath(name), b"")).digest())
        return digest.hexdigest()

PARQUET_ROW_GROUP_SIZE = 65_536
PARQUET_COMPRESSION = "zstd"

ARROW_TYPES: dict[ColumnKind, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


# ---------------------------------------------------------------------------------------------
# Paths next to the curated folder


def snapshots_dir(curated_dir: Path) -> Path:
    """Where the complete snapshots live, beside curated_dir so renames stay on one filesystem."""
    return curated_dir.parent / f".{curated_dir.name}.snapshots"


def table_relpath(name: str, suffix: str) -> PurePosixPath:
    """The file a table is written to inside a snapshot (`quarantine_studies` → quarantine/)."""
    stem = TABLES[name].path if name in TABLES else name
    return PurePosixPath(f"{stem}.{suffix}")


# ---------------------------------------------------------------------------------------------
# Frames → typed Arrow tables


def declared_arrow_type(column: ColumnSpec) -> pa.DataType:
    """The Arrow type a declared column is written with."""
    return ARROW_TYPES[column.kind]


def arrow_types(name: str) -> dict[str, pa.DataType]:
    """Every declared column's Arrow type for one table; an undeclared table has none."""
    return {column.name: declared_arrow_type(column) for column in TABLES[name].columns} if name in TABLES else {}


def column_array(values: pd.Series, arrow_type: pa.DataType | None) -> pa.Array:
    """Cast one column to its declared type; undeclared columns are inferred, all-null ones as text."""
    if arrow_type is None:
        return inferred_array(values)
    if pa.types.is_string(arrow_type):
        return pa.array([as_text(v) for v in values], type=arrow_type)
    if pa.types.is_integer(arrow_type):
        return pa.array(pd.array(values.astype(object), dtype="Int64"), type=arrow_type, from_pandas=True)
    if pa.types.is_floating(arrow_type):
        return pa.array(pd.array(values.astype(object), dtype="Float64"), type=arrow_type, from_pandas=True)
    if pa.types.is_date(arrow_type):
        return pa.array([as_date(v) for v in values], type=arrow_type)
    if pa.types.is_timestamp(arrow_type):
        stamps = pd.to_datetime(values.astype(object), utc=True)
        return pa.array(stamps, type=arrow_type, from_pandas=True)
    raise ValueError(f"no cast is declared for Arrow type {arrow_type}")


def inferred_array(values: pd.Series) -> pa.Array:
    """An undeclared column as Arrow infers it; text when inference fails or finds only nulls."""
    try:
        inferred = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([as_text(v) for v in values], type=pa.string())
    return pa.array([None] * len(values), type=pa.string()) if pa.types.is_null(inferred.type) else inferred


def ordered_columns(name: str, frame: pd.DataFrame) -> list[str]:
    """Contract columns first in contract order, then the frame's other columns as given."""
    contract = list(TABLES[name].contract_columns) if name in TABLES else []
    missing = [c for c in contract if c not in frame.columns]
    if missing and len(frame) > 0:
        raise ValueError(f"table {name!r} lacks contract columns {missing}")
    return contract + [str(c) for c in frame.columns if c not in contract]


def arrow_table(name: str, frame: pd.DataFrame) -> pa.Table:
    """A typed Arrow table with the table's fixed schema; an empty frame gets the contract columns."""
    types = arrow_types(name)
    columns = ordered_columns(name, frame)
    arrays = [
        column_array(
            frame[c] if c in frame.columns else pd.Series([None] * len(frame), dtype=object),
            types.get(c),
        )
        for c in columns
    ]
    metadata = {b"contract_version": CONTRACT_VERSION.encode(), b"table": name.encode()}
    return pa.Table.from_arrays(arrays, names=columns).replace_schema_metadata(metadata)


# ---------------------------------------------------------------------------------------------
# Arrow tables → bytes


def parquet_bytes(table: pa.Table) -> bytes:
    """Parquet with fixed settings, so the same table always gives the same bytes."""
    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        row_group_size=PARQUET_ROW_GROUP_SIZE,
        compression=PARQUET_COMPRESSION,
        version="2.6",
        store_schema=True,
    )
    return sink.getvalue()


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for null, ISO 8601 for dates and times, lowercase booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def csv_bytes(table: pa.Table) -> bytes:
    """UTF-8 CSV with a header row and RFC 4180 quoting; newlines inside cells are kept."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([csv_cell(row[c]) for c in table.column_names])
    return text.getvalue().encode("utf-8")


def snapshot_files(
    tables: dict[str, pd.DataFrame], extra_files: dict[str, bytes] | None
) -> dict[PurePosixPath, bytes]:
    """Every file of a snapshot, by its path inside it, as bytes."""
    files: dict[PurePosixPath, bytes] = {}
    for name in sorted(tables):
        table = arrow_table(name, tables[name])
        files[table_relpath(name, "parquet")] = parquet_bytes(table)
        files[table_relpath(name, "csv")] = csv_bytes(table)
    for relpath, content in sorted((extra_files or {}).items()):
        path = PurePosixPath(relpath)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"extra file path must stay inside the snapshot: {relpath!r}")
        files[path] = content
    return files


# ---------------------------------------------------------------------------------------------
# Writing and swapping


def _fsync_dir(path: Path) -> None:
    """Flush a folder's entries so a rename inside it survives a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_durably(path: Path, content: bytes) -> None:
    """Write and fsync one file, so a renamed snapshot never holds a half-flushed file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        error.filename = error.filename or str(path)  # a full disk's error does not say which file
        raise


def write_staging(files: dict[PurePosixPath, bytes], staging: Path) -> None:
    """Write a snapshot's files into its staging folder and flush every folder entry."""
    staging.mkdir(parents=True)
    for relpath, content in files.items():
        write_file_durably(staging.joinpath(*relpath.parts), content)
    for folder in sorted({staging.joinpath(*p.parts).parent for p in files} | {staging}):
        _fsync_dir(folder)


def adopt_real_folder(curated_dir: Path) -> None:
    """Move a curated folder written before this layout into the snapshots, then link it back."""
    if curated_dir.is_symlink() or not curated_dir.is_dir():
        return
    if not any(curated_dir.iterdir()):
        curated_dir.rmdir()
        return
    adopted = snapshots_dir(curated_dir) / f"adopted-{uuid.uuid4().hex}"
    os.rename(curated_dir, adopted)
    point_curated_at(curated_dir, adopted)


def point_curated_at(curated_dir: Path, snapshot: Path) -> None:
    """Atomically make curated_dir a relative symlink to snapshot (one os.replace)."""
    temporary_link = curated_dir.parent / f".{curated_dir.name}.link-{uuid.uuid4().hex}"
    os.symlink(os.path.relpath(snapshot, curated_dir.parent), temporary_link)
    os.replace(temporary_link, curated_dir)
    _fsync_dir(curated_dir.parent)


def remove_other_snapshots(curated_dir: Path, keep: Path) -> None:
    """Delete superseded snapshots and stale staging folders; only called under the run lock."""
    for entry in snapshots_dir(curated_dir).iterdir():
        if entry != keep:
            shutil.rmtree(entry, ignore_errors=True)
    for link in curated_dir.parent.glob(f".{curated_dir.name}.link-*"):
        link.unlink(missing_ok=True)


def flush_tree(folder: Path) -> None:
    """fsync every file and folder under `folder`, for files a builder wrote its own way."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for path in sorted({p.parent for p in folder.rglob("*")} | {folder}):
        _fsync_dir(path)


def stage_snapshot(
    files: dict[PurePosixPath, bytes], curated_dir: Path, derived: Sequence[Derived] = (), code_version: str | None = None
) -> Path:
    """Write a complete new snapshot beside the others (staged, derived files added, then renamed) and return it."""
    snapshots = snapshots_dir(curated_dir)
    snapshots.mkdir(parents=True, exist_ok=True)
    adopt_real_folder(curated_dir)
    previous = curated_dir.resolve() if curated_dir.is_symlink() and curated_dir.resolve().is_dir() else None
    snapshot_id = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:12]}"
    staging = snapshots / f".staging-{snapshot_id}"
    try:
        write_staging(files, staging)
        if derived:
            add_derived(staging, files, derived, previous if code_version else None, code_version or "")
            flush_tree(staging)
        snapshot = snapshots / snapshot_id
        os.rename(staging, snapshot)
        _fsync_dir(snapshots)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # frees the space a full disk needs back
        raise
    return snapshot


def add_derived(
    staging: Path, files: dict[PurePosixPath, bytes], derived: Sequence[Derived], previous: Path | None, code_version: str
) -> None:
    """Build each derived builder's files into the staging folder, or copy a reusable one's from the previous snapshot."""
    made = previous_derived(previous)
    noted: dict[str, str] = {}
    for derive in derived:
        if not isinstance(derive, ReusableDerived):
            derive(staging)
            continue
        digest = noted[",".join(derive.outputs)] = derive.digest(files, code_version)
        reusable = previous is not None and made.get(",".join(derive.outputs)) == digest
        if reusable and all((previous / name).is_file() for name in derive.outputs):
            for name in derive.outputs:
                shutil.copyfile(previous / name, staging / name)
        else:
            derive(staging)
    if noted and code_version:
        (staging / DERIVED_NOTE).write_text(json.dumps(noted, sort_keys=True) + "\n", encoding="utf-8")


def previous_derived(previous: Path | None) -> dict[str, str]:
    """What the previous snapshot notes about its derived files; nothing when it notes nothing readable."""
    try:
        note = json.loads((previous / DERIVED_NOTE).read_text(encoding="utf-8")) if previous is not None else {}
    except (OSError, ValueError):
        return {}
    return note if isinstance(note, dict) else {}


def failure_message(curated_dir: Path, snapshot: Path | None, error: OSError) -> str:
    """What went wrong and where, and whether curated_dir still shows the previous tables."""
    live = snapshot is not None and curated_dir.resolve() == snapshot.resolve()
    state = "the new tables are in place, but not flushed to disk" if live else "the previous tables are unchanged"
    return f"could not publish to {curated_dir}/: {describe_os_error(error)}; {state}"


def publish(
    tables: dict[str, pd.DataFrame],
    curated_dir: Path,
    extra_files: dict[str, bytes] | None = None,
    derived: Sequence[Derived] = (),
    code_version: str | None = None,
) -> None:
    """Write every table as Parquet and CSV, and the files `derived` builds from them, into a new snapshot and swap it in atomically.

    With the `code_version` that made the tables, a `ReusableDerived` builder's files are copied
    from the snapshot being replaced when that version made them there from the same inputs.

    A refusal of the file system (disk full, read-only, permission) raises PublishFailed, whose
    one-line message says what and where; the snapshot curated_dir points at is left as it was.
    """
    curated_dir = Path(curated_dir)
    files = snapshot_files(tables, extra_files)
    with run_lock(curated_dir):
        snapshot: Path | None = None
        try:
            snapshot = stage_snapshot(files, curated_dir, derived, code_version)
            point_curated_at(curated_dir, snapshot)
        except OSError as error:
            message = failure_message(curated_dir, snapshot, error)
            if snapshot is not None and "unchanged" in message:
                shutil.rmtree(snapshot, ignore_errors=True)
            raise PublishFailed(message) from None
        remove_other_snapshots(curated_dir, keep=snapshot)

"""The analysts' database: every published table in one DuckDB file, with the views asked for first.

Built by publish from the snapshot's own Parquet files while it is being staged, so
`curated/evidence.duckdb` always holds exactly the tables beside it (see `extract.publish.Derived`).
Table names are the curated tables' names (`quarantine_studies` for `quarantine/studies`);
`references`, `group`, `table`, `check` and `column` are SQL keywords, so queries quote them.
"""

from __future__ import annotations

import errno
from pathlib import Path

from extract.tables_spec import TABLES, ColumnKind, TableSpec

DATABASE_FILE = "evidence.duckdb"
INPUT_FILES: tuple[str, ...] = tuple(f"{spec.path}.parquet" for spec in TABLES.values())  # what it is built from
SQL_TYPES: dict[ColumnKind, str] = {
    "string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "date": "DATE", "timestamp": "TIMESTAMPTZ",
}

# The views an analyst needs first, by name: each study with the reference its ref_no points to;
# the open failures of each report, by severity; the reference lists under a name needing no quotes.
VIEWS: dict[str, str] = {
    "studies_with_reference": """
        SELECT s.report_id, s.study_key, s.study_id, s.ref_no, s.first_author, s.year, s.design,
               s.design_label, s.indication, s.population, s.pmid, s.doi,
               r.title, r.journal, r.authors, r.year AS reference_year, r.url, r."group" AS reference_group,
               r.text AS reference_text
        FROM studies AS s
        LEFT JOIN "references" AS r
          ON r.report_id = s.report_id AND r.ref_no = s.ref_no AND r.section = 'summarized'
        QUALIFY row_number() OVER (
            PARTITION BY s.study_key ORDER BY (r.first_author = s.first_author) DESC NULLS LAST) = 1
    """,
    "open_failures_by_report": """
        SELECT report_id,
               count(*) FILTER (WHERE severity = 'error') AS errors,
               count(*) FILTER (WHERE severity = 'warning') AS warnings,
               string_agg(DISTINCT "check", ', ' ORDER BY "check") AS checks
        FROM validation_failures
        WHERE coalesce(status, 'open') = 'open'
        GROUP BY report_id
    """,
    "reference_list": 'SELECT * FROM "references"',
}


def sql_text(value: str) -> str:
    """A string literal for SQL, its quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def empty_table(spec: TableSpec) -> str:
    """CREATE TABLE for a table the snapshot holds no file of: its declared columns, no rows."""
    columns = ", ".join(f'"{column.name}" {SQL_TYPES[column.kind]}' for column in spec.columns)
    return f'CREATE TABLE "{spec.name}" ({columns})'


def write_evidence_db(folder: Path) -> None:
    """Write `evidence.duckdb` into a snapshot folder from the Parquet files already in it.

    A failure of DuckDB's own (a full disk, say) is raised as the OSError it is, naming the file,
    so publish reports it in one line and keeps the previous snapshot.
    """
    import duckdb

    target = folder / DATABASE_FILE
    try:
        with duckdb.connect(str(target)) as connection:
            for name, spec in TABLES.items():
                parquet = folder / f"{spec.path}.parquet"
                source = f"SELECT * FROM read_parquet({sql_text(str(parquet))})" if parquet.exists() else None
                connection.execute(f'CREATE TABLE "{name}" AS {source}' if source else empty_table(spec))
            for name, query in VIEWS.items():
                connection.execute(f'CREATE VIEW "{name}" AS {query}')
            connection.execute("CHECKPOINT")
    except duckdb.Error as error:
        raise OSError(errno.EIO, f"DuckDB could not build the database: {error}", str(target)) from error

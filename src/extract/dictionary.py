"""The data dictionary, generated from the table declarations and pandera models so it cannot drift.

Writes a Frictionless Tabular Data Package (`datapackage.json`) with one `tabular-data-resource`
per published table: its grain, path and columns — every column publish writes, in its order,
with its type — from `extract.tables_spec`, the same declarations that write the files; each
field's description and constraints (required, enum, unique, minimum, pattern) from the table's
pandera model, or `EXTENSION_DESCRIPTIONS` for columns no model holds. The publish step writes it
into the curated folder each run; a test validates a run's folder with `frictionless` and
compares the descriptor with the committed `docs/datapackage.json`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pandera.api.pandas.components import Column

from extract.schemas import TABLE_MODELS, ContractTable
from extract.tables_spec import CONTRACT_VERSION, TABLES, ColumnKind, ColumnSpec, TableSpec

PACKAGE_NAME = "evidence-extract-curated"

# The model holding each documented table's rules: quarantine rows obey the studies rules.
DOCUMENTED_MODELS: dict[str, type[ContractTable]] = {
    **TABLE_MODELS,
    "quarantine_studies": TABLE_MODELS["studies"],
}

# pandera checks whose statistics translate into Table Schema constraints.
CONSTRAINT_FOR_CHECK: dict[str, tuple[str, str]] = {
    "isin": ("enum", "allowed_values"),
    "greater_than_or_equal_to": ("minimum", "min_value"),
    "str_matches": ("pattern", "pattern"),
    "str_length": ("minLength", "min_value"),
}


# What the columns no pandera model describes mean: the extension columns (the stewards' audit
# trail, run bookkeeping, provenance) and the columns of tables without a model. A test holds
# every published column to having a description, from its model or from here.
EXTENSION_DESCRIPTIONS: dict[str, str] = {
    "review_audit": "JSON list of stewards' corrections to this row: column, original value, who and when.",
    "quarantine_reason": "Why the row is held back: `rejected`, or the failing check codes.",
    "languages": "Languages the literature search was limited to, one per line.",
    "databases": "Databases the literature search covered, one per line.",
    "declared_counts": "JSON object: the study counts per design the Key Findings declare.",
    "summary_counts": "JSON object: the study counts per design the Overall Summary reports.",
    "status": "`open`, `waived` by a steward's accept, or `rejected`.",
    "decision": "Who decided about the failure and when (empty while open).",
    "source_page": "1-based page the entry starts on; null for text input.",
    "study_key": "The study row the cell belongs to, as in studies.study_key.",
    "column": "The curated column the cell fills.",
    "page_no": "1-based page the cell was read from.",
    "x0": "Left edge of the cell's box, PDF points from the page's left; null for text input.",
    "top": "Top edge of the cell's box, PDF points from the page's top; null for text input.",
    "x1": "Right edge of the cell's box, PDF points from the page's left; null for text input.",
    "bottom": "Bottom edge of the cell's box, PDF points from the page's top; null for text input.",
    "report_id": "The source file's stem in raw/.",
    "designs": "The contract design values the reports give the study, one per line.",
    "n_designs": "How many different design values the reports give the study (more than 1: they disagree).",
    "first_author": "The study's first author, as the first report summarising it prints it.",
    "year": "The study's year, as the first report summarising it prints it.",
    "title": "The study's title, from its reference.",
    "pmid": "The study's PubMed ID, when a reference gives one.",
    "doi": "The study's DOI, when a reference gives one.",
}

FIELD_TYPES: dict[ColumnKind, str] = {
    "string": "string", "int": "integer", "float": "number", "date": "date", "timestamp": "datetime",
}


def field_constraints(column: Column | None, keys_unique: bool) -> dict[str, Any]:
    """Constraints a reader can rely on: required, unique, and the translatable checks of the model's column."""
    if column is None:
        return {"required": False}
    constraints: dict[str, Any] = {"required": not column.nullable}
    if column.unique and keys_unique:
        constraints["unique"] = True
    for check in column.checks:
        if check.name in CONSTRAINT_FOR_CHECK:
            key, statistic = CONSTRAINT_FOR_CHECK[check.name]
            constraints[key] = check.statistics[statistic]
    return constraints


def field_descriptor(spec: ColumnSpec, column: Column | None, checked: bool, keys_unique: bool) -> dict[str, Any]:
    """One Table Schema field: the declared column's name and type, the model's meaning and rules.

    A held-back row (quarantine) may break any rule, so its table keeps only names and types.
    """
    description = (column.description if column is not None else None) or EXTENSION_DESCRIPTIONS.get(spec.name, "")
    if column is not None and not column.required:
        description = f"{description} Optional column: empty when the source table does not have it."
    return {
        "name": spec.name,
        "type": FIELD_TYPES[spec.kind],
        "description": description.strip(),
        "constraints": field_constraints(column, keys_unique) if checked else {"required": False},
    }


def table_schema(table: TableSpec) -> dict[str, Any]:
    """The Table Schema of one published table: every column publish writes, in its order."""
    model = DOCUMENTED_MODELS.get(table.name)
    columns = model.to_schema().columns if model is not None else {}
    checked = table.name != "quarantine_studies"
    fields = [field_descriptor(spec, columns.get(spec.name), checked, checked) for spec in table.columns]
    descriptor: dict[str, Any] = {"fields": fields}
    if model is not None and checked:
        schema = model.to_schema()
        primary_key = [n for n, c in schema.columns.items() if c.unique] or list(schema.unique or [])
        if primary_key:
            descriptor["primaryKey"] = primary_key
    return descriptor


def resource_descriptor(table: TableSpec) -> dict[str, Any]:
    """One CSV resource of the package: the table's grain and path, the fields publish writes."""
    return {
        "name": table.name,
        "profile": "tabular-data-resource",
        "path": f"{table.path}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.grain,
        "schema": table_schema(table),
    }


def data_package() -> dict[str, Any]:
    """The whole curated folder as a Frictionless Tabular Data Package: every published table."""
    return {
        "name": PACKAGE_NAME,
        "title": "Curated tables extracted from health technology assessment reports",
        "profile": "tabular-data-package",
        "version": CONTRACT_VERSION,
        "resources": [resource_descriptor(table) for table in TABLES.values()],
    }


def data_package_json() -> str:
    """The descriptor as stable, human-diffable JSON text."""
    return json.dumps(data_package(), indent=2, ensure_ascii=False) + "\n"


def write_data_package(curated_dir: Path) -> Path:
    """Write datapackage.json into the curated folder atomically, so readers never see half."""
    curated_dir.mkdir(parents=True, exist_ok=True)
    target = curated_dir / "datapackage.json"
    partial = target.with_suffix(".json.partial")
    partial.write_text(data_package_json(), encoding="utf-8")
    os.replace(partial, target)
    return target

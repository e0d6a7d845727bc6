"""The data dictionary, generated from the table declarations and pandera models so it cannot drift.

Writes a Frictionless Data Package (`datapackage.json`) with one Table Schema per curated
contract table: its grain and path from `extract.tables_spec`, each field's name, type,
description and constraints (required, enum, unique, minimum, pattern) from the table's pandera
model. The publish step writes it into the curated folder each run; a test compares it with the
committed `docs/datapackage.json`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pandera.api.pandas.components import Column

from extract.schemas import TABLE_MODELS, ContractTable
from extract.tables_spec import CONTRACT_VERSION, TABLES, TableSpec

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


def field_type(column: Column) -> str:
    """The Table Schema type of a pandera column's dtype."""
    dtype = str(column.dtype).lower()
    if dtype.startswith("int"):
        return "integer"
    if dtype.startswith("datetime"):
        return "datetime"
    if dtype == "date":
        return "date"
    return "string"


def field_constraints(column: Column, keys_unique: bool) -> dict[str, Any]:
    """Constraints a reader can rely on: required, unique, and the translatable checks."""
    constraints: dict[str, Any] = {"required": not column.nullable}
    if column.unique and keys_unique:
        constraints["unique"] = True
    for check in column.checks:
        if check.name in CONSTRAINT_FOR_CHECK:
            key, statistic = CONSTRAINT_FOR_CHECK[check.name]
            constraints[key] = check.statistics[statistic]
    return constraints


def field_descriptor(name: str, column: Column, keys_unique: bool) -> dict[str, Any]:
    """One Table Schema field; columns a table may omit say so in their description."""
    description = column.description or ""
    if not column.required:
        description = f"{description} Optional column: present when the source table has it."
    return {
        "name": name,
        "type": field_type(column),
        "description": description.strip(),
        "constraints": field_constraints(column, keys_unique),
    }


def table_schema(model: type[ContractTable], keys_unique: bool = True) -> dict[str, Any]:
    """A Table Schema for one model; quarantine may hold duplicate keys, so it drops uniqueness."""
    schema = model.to_schema()
    fields = [field_descriptor(n, c, keys_unique) for n, c in schema.columns.items()]
    descriptor: dict[str, Any] = {"fields": fields}
    primary_key = [n for n, c in schema.columns.items() if c.unique] or list(schema.unique or [])
    if primary_key and keys_unique:
        descriptor["primaryKey"] = primary_key
    return descriptor


def resource_descriptor(table: TableSpec) -> dict[str, Any]:
    """One CSV resource of the package: the table's grain and path, its model's fields."""
    return {
        "name": table.name,
        "path": f"{table.path}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.grain,
        "schema": table_schema(DOCUMENTED_MODELS[table.name], keys_unique=table.name != "quarantine_studies"),
    }


def data_package() -> dict[str, Any]:
    """The whole curated folder as a Frictionless Data Package descriptor."""
    return {
        "name": PACKAGE_NAME,
        "title": "Curated tables extracted from health technology assessment reports",
        "profile": "tabular-data-package",
        "version": CONTRACT_VERSION,
        "resources": [
            resource_descriptor(table) for name, table in TABLES.items() if name in DOCUMENTED_MODELS
        ],
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

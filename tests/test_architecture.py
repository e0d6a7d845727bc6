"""The house's rules, held by tests: stage order, a Prefect-free library, one home per vocabulary, small rooms."""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from extract.console import PUBLISHED_TABLES
from extract.errors import REASONS
from extract.settings import Limits
from extract.tables_spec import TABLES
from flows import reading
from flows.main import validated_report_tables
from extract.review.decisions import new_decision

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "extract"
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed" / "ivig-offlabel-2017.txt"
MAX_MODULE_LINES = 420

# Stages in import order: a module imports only its own stage and the stages before it.
STAGES: tuple[tuple[str, ...], ...] = (
    ("extract", "extract.errors", "extract.model", "extract.settings", "extract.sources"),
    ("extract.text",),
    ("extract.fields",),
    ("extract.layout",),
    ("extract.readers",),
    ("extract.tables",),
    ("extract.meta",),
    ("extract.extraction", "extract.isolation", "extract.warmup", "extract.inspect"),
    ("extract.tables_spec", "extract.casts"),
    ("extract.rows", "extract.links", "extract.datasets"),
    ("extract.contract_types", "extract.reference_models", "extract.schemas", "extract.reference_checks", "extract.checks", "extract.validate"),
    ("extract.dictionary", "extract.runlock", "extract.publish", "extract.analyst_db", "extract.evidence_map", "extract.summary", "extract.console"),
    ("extract.review",),
)


def module_name(path: Path) -> str:
    """`src/extract/readers/pdf.py` → `extract.readers.pdf`."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def library_modules() -> dict[str, ast.Module]:
    """Every module of the library, parsed."""
    return {module_name(path): ast.parse(path.read_text()) for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(tree: ast.Module) -> Iterator[str]:
    """Every module a tree imports, anywhere in it (imports inside functions count)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def stage_of(module: str) -> int:
    """The stage a library module belongs to (the longest matching prefix wins)."""
    matches = [
        (len(prefix), rank)
        for rank, prefixes in enumerate(STAGES)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    assert matches, f"{module} belongs to no stage: add it to STAGES"
    return max(matches)[1]


def test_every_module_belongs_to_a_stage_and_imports_only_earlier_ones() -> None:
    modules = library_modules()
    for name, tree in modules.items():
        own = stage_of(name)
        for target in imported_modules(tree):
            if target in modules:
                assert stage_of(target) <= own, f"{name} imports {target}, a later stage"


def test_the_library_never_imports_prefect_or_the_flows() -> None:
    for name, tree in library_modules().items():
        for target in imported_modules(tree):
            assert target.split(".")[0] not in ("prefect", "prefect_dask", "flows"), f"{name} imports {target}"


def test_no_module_is_longer_than_a_room_should_be() -> None:
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "flows").glob("*.py")]:
        lines = len(path.read_text().splitlines())
        assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_pdfplumber_is_imported_by_one_module_only() -> None:
    importers = {
        name for name, tree in library_modules().items() if any(t.split(".")[0] == "pdfplumber" for t in imported_modules(tree))
    }
    assert importers == {"extract.readers.plumber"}


def source_text(exclude: str) -> Iterator[tuple[str, str]]:
    """(module, source) of every library module but one."""
    for path in PACKAGE.rglob("*.py"):
        if module_name(path) != exclude:
            yield module_name(path), path.read_text()


def test_one_definition_of_captions_and_bullet_glyphs() -> None:
    caption = re.compile(r"""re\.compile\(\s*r?f?["'][^"']*Table""")
    bullets = re.compile("[•▪◦●]|\\\\u2022|\\\\uf0b7")
    for name, text in source_text(exclude="extract.layout.captions"):
        assert not caption.search(text), f"{name} defines its own caption pattern"
    for name, text in source_text(exclude="extract.text.clean"):
        assert not bullets.search(text), f"{name} lists bullet glyphs of its own"


def test_one_definition_of_the_file_digest_and_the_published_tables() -> None:
    definitions = [
        name
        for name, tree in library_modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and "sha256" in node.name or isinstance(node, ast.FunctionDef) and node.name == "file_digest"
    ]
    flows_text = "".join(path.read_text() for path in (ROOT / "flows").glob("*.py"))
    assert definitions == ["extract.sources"] and "def file_digest" not in flows_text
    assert PUBLISHED_TABLES == tuple(spec.path for spec in TABLES.values())


def literal_check_codes(tree: ast.Module) -> Iterator[str]:
    """String literals passed as a Failure's check code: `Failure("code", …)` or `check="code"`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in ("Failure", "unreadable", "UnreadableReport", "row_failure", "report_warning") and node.args:
            first = node.args[0] if name != "row_failure" else (node.args[1] if len(node.args) > 1 else None)
            if name == "report_warning":
                first = node.args[1] if len(node.args) > 1 else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value
        for keyword in node.keywords:
            if keyword.arg == "check" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                yield keyword.value.value


def test_every_reason_code_in_the_code_is_declared_in_the_registry() -> None:
    found = {code for tree in library_modules().values() for code in literal_check_codes(tree)}
    assert found and found <= set(REASONS), sorted(found - set(REASONS))


# --- one report's path through the rooms ------------------------------------------------------


def run_here(fn, *args, **_options):  # type: ignore[no-untyped-def]
    """run_isolated's stand-in: the same call, in this process, so the tracer sees it."""
    return fn(*args)


def rooms_entered(callers: tuple[str, ...]) -> list[str]:
    """The modules that functions of `callers` call into, in order, for one report read, validated and decided.

    A room is entered when a function of a caller module calls a function of another project
    module; entering the same room again straight after counts once.
    """
    rooms: list[str] = []

    def profile(frame, event, _arg):  # type: ignore[no-untyped-def]
        if event != "call" or frame.f_back is None or frame.f_code.co_name.startswith(("<", "__")):
            return
        callee, caller = frame.f_globals.get("__name__", ""), frame.f_back.f_globals.get("__name__", "")
        if caller.startswith(callers) and callee.startswith(("extract", "flows")) and callee != caller:
            if not rooms or rooms[-1] != callee:
                rooms.append(callee)

    correction = new_decision(
        report_id=SEED_TEXT.stem, study_key=f"{SEED_TEXT.stem}:1", column="population", check="", action="correct", value="Adults"
    )
    sys.setprofile(profile)
    try:
        validated_report_tables(SEED_TEXT, Limits(), "test", datetime(2020, 1, 1, tzinfo=timezone.utc), [correction])
    finally:
        sys.setprofile(None)
    return rooms


def test_one_reports_path_through_the_wiring_enters_no_room_more_than_twice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reading, "run_isolated", run_here)
    rooms = rooms_entered(("flows", __name__))
    assert rooms[:3] == ["flows.main", "flows.reading", "extract.extraction"] and "extract.review.apply" in rooms, rooms
    assert max(Counter(rooms).values()) <= 2, rooms


def test_applying_decisions_enters_no_room_more_than_twice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reading, "run_isolated", run_here)
    rooms = rooms_entered(("extract.review",))
    assert "extract.validate" in rooms and max(Counter(rooms).values()) <= 2, rooms

"""Render each (spec, producer, variant) once, the matrix of them, and the text a user's tool would give.

A rendering is stored under a key made of the spec's repr, the producer, the variant and a
digest of the forge's own source files, so a change to any drawer re-renders and nothing
stale is ever served. Tests use a per-session folder; FORGE_CACHE_DIR keeps one across runs.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable, Sequence

from filelock import FileLock

from tests.forge.producers import PRODUCERS, render_many
from tests.forge.random_spec import ALL_LAYOUTS, random_spec
from tests.forge.spec import GroundTruth, ReportSpec, all_rows
from tests.forge.variant import VARIANTS, Rendered, Variant, rendered_truth

FORGE_DIR = Path(__file__).resolve().parent
TEXT_TOOLS = ("pdftotext", "pdftotext-layout", "pdf2txt")


@dataclass(frozen=True, order=True)
class Case:
    """One cell of the matrix: a seed's spec drawn by a producer in a named variant."""

    producer: str
    variant: str
    seed: int

    @property
    def stem(self) -> str:
        return f"forged-{self.seed}-{self.producer}-{self.variant}"


def case_spec(case: Case) -> ReportSpec:
    """The spec a case draws: the seed with every newer layout on, its report id the case's stem."""
    return random_spec(case.seed, layouts=ALL_LAYOUTS, report_id=case.stem)


@cache
def forge_digest() -> str:
    """A digest of the forge's source files: any change to how reports are drawn changes it."""
    digest = hashlib.sha256()
    for path in sorted(FORGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(FORGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(spec: ReportSpec, producer: str, variant: Variant) -> str:
    """The name a rendering is stored under."""
    text = "\n".join((repr(spec), producer, repr(variant), forge_digest()))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class RenderCache:
    """Renderings stored in one folder: `<key>.pdf` and `<key>.json` (pages and row pages)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def stored(self, key: str) -> Rendered | None:
        pdf, meta = self.folder / f"{key}.pdf", self.folder / f"{key}.json"
        if not (pdf.exists() and meta.exists()):
            return None
        data = json.loads(meta.read_text())
        pages = {(t, r): (first, last) for t, r, first, last in data["row_pages"]}
        return Rendered(pdf, data["pages"], pages)

    def store(self, key: str, rendered: Rendered) -> Rendered:
        rows = [[t, r, first, last] for (t, r), (first, last) in sorted(rendered.row_pages.items())]
        (self.folder / f"{key}.json").write_text(json.dumps({"pages": rendered.pages, "row_pages": rows}))
        return rendered

    def render(self, jobs: Sequence[tuple[ReportSpec, str, Variant]]) -> list[tuple[Rendered, GroundTruth]]:
        """Renderings and truths of the jobs, rendering (batched per producer) only the missing ones, one process at a time."""
        with FileLock(self.folder / ".lock"):
            return self._render(jobs)

    def _render(self, jobs: Sequence[tuple[ReportSpec, str, Variant]]) -> list[tuple[Rendered, GroundTruth]]:
        """render(), with the folder's lock held."""
        keys = [cache_key(spec, producer, variant) for spec, producer, variant in jobs]
        found: dict[str, Rendered] = {}
        missing: dict[str, list[tuple[str, ReportSpec, Variant]]] = {}
        for key, (spec, producer, variant) in zip(keys, jobs):
            hit = self.stored(key)
            if hit is not None:
                found[key] = hit
            elif key not in {k for group in missing.values() for k, _, _ in group}:
                missing.setdefault(producer, []).append((key, spec, variant))
        for producer, group in missing.items():
            batch = [(spec, variant, self.folder / f"{key}.pdf") for key, spec, variant in group]
            for (key, _, _), rendered in zip(group, render_many(PRODUCERS[producer], batch)):
                found[key] = self.store(key, rendered)
        return [(found[key], rendered_truth(spec, found[key])) for key, (spec, _, _) in zip(keys, jobs)]

    def cases(self, cases: Sequence[Case]) -> list[tuple[Rendered, GroundTruth]]:
        """Renderings and truths of matrix cases."""
        return self.render([(case_spec(c), c.producer, VARIANTS[c.variant]) for c in cases])


def matrix(seeds: Iterable[int], producers: Iterable[str] = tuple(PRODUCERS),
           variants: Iterable[str] = tuple(VARIANTS)) -> list[Case]:
    """Every producer × every variant it supports × every seed."""
    chosen = set(variants)
    return [Case(p, v, seed) for p in producers for v in VARIANTS if v in chosen
            and v in PRODUCERS[p].variants for seed in seeds]


def sample_matrix(seeds: Sequence[int]) -> list[Case]:
    """A small deterministic sample covering every producer and every variant at least once.

    Variants go round the producers that support them, seeds round the variants; each
    producer also draws "plain".
    """
    cases: list[Case] = []
    for index, variant in enumerate(VARIANTS):
        able = [name for name in PRODUCERS if variant in PRODUCERS[name].variants]
        cases.append(Case(able[index % len(able)], variant, seeds[index % len(seeds)]))
    for index, name in enumerate(PRODUCERS):
        if not any(c.producer == name and c.variant == "plain" for c in cases):
            cases.append(Case(name, "plain", seeds[index % len(seeds)]))
    return sorted(cases)


def small_seeds(count: int, max_studies: int = 8, start: int = 0) -> list[int]:
    """The first `count` seeds from `start` whose spec (all layouts on) has at most `max_studies` rows."""
    seeds: list[int] = []
    seed = start
    while len(seeds) < count:
        if len(all_rows(random_spec(seed, layouts=ALL_LAYOUTS))) <= max_studies:
            seeds.append(seed)
        seed += 1
    return seeds


def text_export(pdf: Path, tool: str) -> str:
    """The text a user gets from `pdftotext`, `pdftotext -layout`, or pdfminer's `pdf2txt.py` defaults."""
    if tool == "pdf2txt":
        from pdfminer.high_level import extract_text
        from pdfminer.layout import LAParams

        return extract_text(str(pdf), laparams=LAParams())
    flags = ["-layout"] if tool == "pdftotext-layout" else []
    if tool not in ("pdftotext", "pdftotext-layout"):
        raise ValueError(f"unknown text tool {tool!r}; use one of {TEXT_TOOLS}")
    return subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout

"""Every PDF producer draws the same spec with the same truth, on the pages it says, in each variant it claims.

Renderings come from the session's render cache (tests/forge/cache.py), so each is drawn once.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pdfplumber
import pytest

from tests.forge.cache import Case, RenderCache, case_spec, sample_matrix, small_seeds, text_export
from tests.forge.content import StudyTable, report_blocks
from tests.forge.layout import ARTIFACT_LETTERS
from tests.forge.producers import PRODUCERS
from tests.forge.random_spec import long_table_rows, random_spec
from tests.forge.spec import GroundTruth, ReportSpec
from tests.forge.variant import VARIANTS, Rendered, Variant

SEEDS = small_seeds(4)
SAMPLE = sample_matrix(SEEDS)
BULLETS = {"\u2022", "\uf0b7"}


@pytest.fixture(scope="module")
def sampled(forge_cache: RenderCache) -> dict[Case, tuple[Rendered, GroundTruth]]:
    """The sampled matrix, rendered once."""
    return dict(zip(SAMPLE, forge_cache.cases(SAMPLE)))


def squeeze(text: str) -> str:
    return "".join(text.split())


def page_texts(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [squeeze(page.extract_text() or "") for page in document.pages]


def test_the_sample_covers_every_producer_and_variant() -> None:
    assert {c.producer for c in SAMPLE} == set(PRODUCERS)
    assert {c.variant for c in SAMPLE} == set(VARIANTS)
    assert all(c.variant in PRODUCERS[c.producer].variants for c in SAMPLE)
    assert len(SAMPLE) < 2 * len(VARIANTS)


def test_every_sampled_case_renders_every_row(sampled: dict) -> None:
    for case, (rendered, truth) in sampled.items():
        with pdfplumber.open(rendered.pdf) as document:
            assert len(document.pages) == rendered.pages == truth.pages, case
        assert len(rendered.row_pages) == len(truth.studies), case
        assert all(1 < first <= last <= truth.pages for first, last in truth.row_pages.values()), case
        assert squeeze(f"Report Length: {truth.pages} Pages") in page_texts(rendered.pdf)[0], case


def test_rows_start_and_end_on_the_pages_the_truth_says(sampled: dict) -> None:
    for case, (rendered, truth) in sampled.items():
        texts = page_texts(rendered.pdf)
        for record in truth.studies:
            first, last = truth.row_pages[str(record["study_key"])]
            assert first == record["source_page"]
            for part in re.findall(r"[^\s-]+-?", str(record["first_author"])):
                assert squeeze(part) in texts[first - 1], (case, record["study_key"])
            tail = str(record["results"] or record["indication"] or "").split("\n")[-1].split()[-2:]
            assert all(squeeze(word) in texts[last - 1] for word in tail), (case, record["study_key"])


def test_the_truth_is_the_same_whatever_draws_the_spec(forge_cache: RenderCache) -> None:
    spec = case_spec(Case("any", "plain", SEEDS[0]))
    jobs = [(spec, name, VARIANTS["plain"]) for name in PRODUCERS]
    truths = [truth for _, truth in forge_cache.render(jobs)]

    def without_pages(truth: GroundTruth) -> tuple:
        studies = [{k: v for k, v in s.items() if k != "source_page"} for s in truth.studies]
        return studies, {k: v for k, v in truth.report.items() if k != "pages"}

    assert all(without_pages(t) == without_pages(truths[0]) for t in truths[1:])
    assert len({t.pages for t in truths}) >= 1


def case_of(sampled: dict, variant: str) -> tuple[Case, Rendered]:
    case = next(c for c in sampled if c.variant == variant)
    return case, sampled[case][0]


def table_pages(rendered: Rendered) -> list[int]:
    return sorted({p for first, last in rendered.row_pages.values() for p in range(first, last + 1)})


def test_rule_variants_draw_lines_thin_rectangles_or_rectangle_strokes(sampled: dict) -> None:
    _, rects = case_of(sampled, "rules-rects")
    with pdfplumber.open(rects.pdf) as document:
        page = document.pages[table_pages(rects)[0] - 1]
        assert not [line for line in page.lines if line["top"] > 60]  # only the running header's rule
        assert sum(1 for r in page.rects if min(r["width"], r["height"]) <= 1.0 and r["fill"]) > 10
    _, strokes = case_of(sampled, "rules-strokes")
    with pdfplumber.open(strokes.pdf) as document:
        page = document.pages[table_pages(strokes)[0] - 1]
        assert not [line for line in page.lines if line["top"] > 60]
        assert sum(1 for r in page.rects if r["stroke"] and not r["fill"]) > 5
    _, lines = case_of(sampled, "rules-lines")
    with pdfplumber.open(lines.pdf) as document:
        page = document.pages[table_pages(lines)[0] - 1]
        assert sum(1 for line in page.lines if line["x0"] == line["x1"]) > 5
    for variant in ("rules-none", "rules-shading"):
        case, bare = case_of(sampled, variant)
        caption = case_spec(case).tables[0].label
        with pdfplumber.open(bare.pdf) as document:
            for number in table_pages(bare):
                page = document.pages[number - 1]
                found = page.search(caption)
                below = found[0]["bottom"] if found else 60
                assert not [line for line in page.lines if line["top"] > below], variant
                assert not [r for r in page.rects if min(r["width"], r["height"]) <= 1.0
                            and r["top"] > below], variant


def has_bullets(spec: ReportSpec) -> bool:
    return any(item.bullet for block in report_blocks(spec) if isinstance(block, StudyTable)
               for entry in block.entries for cell in getattr(entry, "cells", ()) for item in cell)


def characters(pdf: Path) -> set[str]:
    with pdfplumber.open(pdf) as document:
        return {char["text"] for page in document.pages for char in page.chars}


def test_bullets_are_glyphs_text_or_shapes(sampled: dict) -> None:
    for variant, expected in (("bullets-glyph", "\uf0b7"), ("plain", "\u2022")):
        for case in (c for c in sampled if c.variant == variant and c.producer != "libreoffice"):
            assert has_bullets(case_spec(case))
            assert expected in characters(sampled[case][0].pdf), case
    case, shape = case_of(sampled, "bullets-shape")
    assert has_bullets(case_spec(case))
    assert not characters(shape.pdf) & BULLETS
    with pdfplumber.open(shape.pdf) as document:
        assert sum(len(page.curves) for page in document.pages) > 0


def test_tagged_pdfs_carry_a_table_structure_and_untagged_none(sampled: dict) -> None:
    for case in (c for c in sampled if c.variant == "tagged"):
        with pdfplumber.open(sampled[case][0].pdf) as document:
            kinds = re.findall(r"'type': '(\w+)'", str(document.structure_tree))
        assert {"Table", "TR", "TD"} <= set(kinds), case
    for case in (c for c in sampled if c.variant == "plain" and c.producer != "typst"):
        with pdfplumber.open(sampled[case][0].pdf) as document:
            assert not document.structure_tree, case


def test_landscape_pages_are_wider_than_tall(sampled: dict) -> None:
    _, rendered = case_of(sampled, "landscape")
    with pdfplumber.open(rendered.pdf) as document:
        assert all(page.width > page.height for page in document.pages)


def artifact_gaps(pdf: Path) -> int:
    """Gaps wider than 2pt, with no space character, after an f, v or y followed by a letter."""
    count = 0
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            chars = page.chars
            for a, b in zip(chars, chars[1:]):
                if (a["text"] in ARTIFACT_LETTERS and b["text"].isalpha()
                        and abs(a["top"] - b["top"]) < 1 and 2.0 < b["x0"] - a["x1"] < 6):
                    count += 1
    return count


def test_the_spacing_artifact_leaves_gaps_without_spaces_after_f_v_y(forge_cache: RenderCache) -> None:
    spec = dataclasses.replace(case_spec(Case("any", "plain", SEEDS[0])), spacing_artifact=False)
    names = [name for name in PRODUCERS if "spaced" in PRODUCERS[name].variants]
    jobs = [(spec, name, variant) for name in names for variant in (VARIANTS["spaced"], Variant(spacing=False))]
    results = forge_cache.render(jobs)
    for (_, name, variant), (rendered, _) in zip(jobs, results):
        gaps = artifact_gaps(rendered.pdf)
        assert (gaps > 20) if variant.spacing else (gaps == 0), (name, variant.spacing, gaps)


def long_spec() -> ReportSpec:
    """One table of 14 rows, long enough to cross pages, so headers repeat and rows split."""
    base = random_spec(7, report_id="forged-long")
    table = dataclasses.replace(base.tables[0], rows=long_table_rows(14, 7))
    return dataclasses.replace(base, tables=(table,))


def test_headers_repeat_on_every_table_page_unless_told_not_to(forge_cache: RenderCache) -> None:
    spec = long_spec()
    header = squeeze(spec.tables[0].columns[1].header)
    names = [name for name in PRODUCERS if "header-once" in PRODUCERS[name].variants]
    jobs = [(spec, name, variant) for name in names for variant in (VARIANTS["plain"], VARIANTS["header-once"])]
    for (_, name, variant), (rendered, _) in zip(jobs, forge_cache.render(jobs)):
        pages = table_pages(rendered)
        assert len(pages) > 1
        texts = page_texts(rendered.pdf)
        showing = [p for p in pages if header in texts[p - 1]]
        assert showing == (pages if variant.repeat_header else pages[:1]), (name, variant)


def test_rows_split_across_pages_unless_kept_whole(forge_cache: RenderCache) -> None:
    spec = long_spec()
    names = [name for name in PRODUCERS if "rows-whole" in PRODUCERS[name].variants]
    jobs = [(spec, name, variant) for name in names for variant in (VARIANTS["plain"], VARIANTS["rows-whole"])]
    for (_, name, variant), (rendered, _) in zip(jobs, forge_cache.render(jobs)):
        split = [key for key, (first, last) in rendered.row_pages.items() if last > first]
        assert bool(split) == variant.split_rows, (name, variant, split)


def lines_set_between_lines(rendered: Rendered, size: float) -> int:
    """How many lines of table text start a third to nine tenths of a line below the line above them on table
    pages (a paragraph's spacing sets lines apart by less, a line's pitch by more):
    none where cells sit at their rows' tops, some where a short cell is centred beside a taller one."""
    found = 0
    with pdfplumber.open(rendered.pdf) as document:
        for number in table_pages(rendered):
            words = document.pages[number - 1].extract_words(extra_attrs=["size"])
            tops = sorted({round(w["top"], 1) for w in words if abs(w["size"] - size) < 0.05})
            found += sum(1 for upper, lower in zip(tops, tops[1:]) if 0.3 * size < lower - upper < 0.9 * size)
    return found


def test_cells_sit_at_their_rows_top_or_centred_in_them(forge_cache: RenderCache) -> None:
    spec = long_spec()
    names = [name for name in PRODUCERS if "cells-middle" in PRODUCERS[name].variants]
    jobs = [(spec, name, variant) for name in names for variant in (VARIANTS["plain"], VARIANTS["cells-middle"])]
    assert len(names) >= 4
    for (_, name, variant), (rendered, _) in zip(jobs, forge_cache.render(jobs)):
        between = lines_set_between_lines(rendered, spec.table_size)
        assert (between > 0) == (variant.cells == "middle"), (name, variant, between)


def test_list_markers_made_by_the_producer_still_print(sampled: dict) -> None:
    case, rendered = case_of(sampled, "markers-auto")
    spec = case_spec(case)
    text = squeeze(" ".join(page_texts(rendered.pdf)))
    marker = {"numbered": "1.", "lettered_paren": "a)", "lettered_dot": "a.", "auto": "1."}[spec.question_markers]
    assert squeeze(marker + spec.research_questions[0]) in text


@pytest.mark.parametrize("tool", ["pdftotext", "pdftotext-layout", "pdf2txt"])
def test_text_exports_give_the_report_text(sampled: dict, tool: str) -> None:
    case, rendered = case_of(sampled, "plain")
    text = text_export(rendered.pdf, tool)
    assert squeeze(case_spec(case).tables[0].label) in squeeze(text)
    assert ("  " in text) == (tool == "pdftotext-layout") or tool != "pdftotext"


def test_a_row_cut_as_one_canvas_can_leave_its_author_off_its_first_page(forge_cache: RenderCache) -> None:
    """Cut like one long canvas, a centred row's first page can hold only its tall cells' first
    lines; split into pieces laid out alone, every row's author is on the page the row starts on."""
    base = long_spec()
    spec = dataclasses.replace(base, tables=(dataclasses.replace(base.tables[0], rows=long_table_rows(14, 1)),))
    names = [name for name in PRODUCERS if "cells-middle-cut" in PRODUCERS[name].variants]
    jobs = [(spec, name, VARIANTS[variant]) for name in names for variant in ("cells-middle", "cells-middle-cut")]
    assert names
    for (_, name, variant), (rendered, truth) in zip(jobs, forge_cache.render(jobs)):
        texts = page_texts(rendered.pdf)
        moved = [s["first_author"] for s in truth.studies if squeeze(s["first_author"]) not in texts[s["source_page"] - 1]]
        assert bool(moved) == (variant.split_rows == "canvas"), (name, variant, moved)

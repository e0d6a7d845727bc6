"""Cells centred vertically in their row (word processors' "centre vertically", HTML's `vertical-align:
middle`): a short cell's lines sit half a line's pitch off a taller cell's, in the header and in the body.

Each test builds the words a centred row puts on the page; the forge's `cells-middle` variant draws the
same through every producer (tests/test_roundtrip_producers.py, bench/PRODUCERS.md).
"""

from __future__ import annotations

from extract.extraction import extract_report
from extract.layout.words import words_to_lines
from extract.model import BBox, Word
from extract.settings import DEFAULT_TABLE_SETTINGS, Limits
from extract.tables.aligned import _header_band
from extract.tables.row_breaks import RowBreaks, column_gaps, row_gap_em
from tests.forge.cache import RenderCache
from tests.forge.producers import PRODUCERS
from tests.forge.random_spec import random_spec
from tests.forge.variant import VARIANTS

SIZE = 9.0
PITCH = 9.7  # a tight leading: a cell's lines 0.7 pt apart


def run(texts: str, x0: float, top: float, bold: bool = False, size: float = SIZE) -> tuple[Word, ...]:
    """Words set one space apart from x0 on one line."""
    words, x = [], x0
    for text in texts.split():
        words.append(Word(text, BBox(x, top, x + 0.5 * size * len(text), top + size), "Helvetica-Bold" if bold else "Helvetica", size))
        x += 0.5 * size * (len(text) + 1)
    return tuple(words)


def centred_row(top: float, tall: list[str], short: list[str]) -> list[Word]:
    """A row whose second cell (x 300) has more lines than its first (x 60), which is centred beside it."""
    words = [w for index, text in enumerate(tall) for w in run(text, 300, top + index * PITCH)]
    drop = (len(tall) - len(short)) * PITCH / 2
    return words + [w for index, text in enumerate(short) for w in run(text, 60, top + drop + index * PITCH)]


def test_a_centred_cells_lines_stay_apart_from_the_taller_cells_beside_them() -> None:
    """Half a pitch off, a line overlaps its neighbours by about half: it is a line of its own, not
    the link that chains every line of the row into one."""
    words = centred_row(100, ["Mortality fell", "by a quarter", "at one year", "in both arms"], ["Okafor", "(2019)", "[12]"])
    lines = words_to_lines(words, DEFAULT_TABLE_SETTINGS)
    assert len(lines) == 7
    assert [w.text for w in lines[1]] == ["Okafor"] and [w.text for w in lines[3]] == ["(2019)"]


def test_a_raised_reference_still_joins_its_line() -> None:
    """A superscript overlaps its line by less than a centred line does, yet it is part of the line."""
    body = run("Okafor et al.", 60, 100)
    superscript = run("12", body[-1].bbox.x1, 97, size=SIZE * 0.6)
    [line] = words_to_lines([*body, *superscript], DEFAULT_TABLE_SETTINGS)
    assert [w.text for w in line] == ["Okafor", "et", "al.", "12"]


def test_rows_are_told_apart_by_their_gap_when_centred_lines_interleave() -> None:
    """Lines overlapping by half a pitch say nothing of a row's spacing: the rows still part at the
    gap between them, and nowhere inside one."""
    first = centred_row(100, ["Mortality fell", "by a quarter", "at one year", "in both arms"], ["Okafor", "(2019)"])
    second_top = 100 + 4 * PITCH + 7
    second = centred_row(second_top, ["No difference", "in relapse", "was found"], ["Lindqvist", "(2021)"])
    tops = sorted({w.bbox.top for w in first + second})
    lines = [tuple(w for w in first + second if w.bbox.top == top) for top in tops]
    assert len(lines) == 9  # the first row's short cell sits on its tall cell's lines, the second's between them
    breaks = RowBreaks((), row_gap_em(lines, DEFAULT_TABLE_SETTINGS))
    parted = [index + 1 for index, (upper, lower) in enumerate(zip(lines, lines[1:])) if breaks.between(upper, lower)]
    assert len(parted) == 1 and lines[parted[0]][0].bbox.top >= second_top - 0.1


def test_a_header_cell_centred_above_the_line_naming_most_headers_is_a_column() -> None:
    """`Main Findings and Authors'` / `Conclusions` (two lines) beside one-line headers centred between
    them: only the lines above and below the one naming most headers set that column's start."""
    upper = run("Main Findings and Authors'", 400, 100, True)
    middle = (*run("Study, Year", 60, 100 + PITCH / 2, True), *run("Population", 160, 100 + PITCH / 2, True),
              *run("Intervention", 280, 100 + PITCH / 2, True))
    lower = run("Conclusions", 400, 100 + PITCH, True)
    body = (*run("Okafor (2019)", 60, 130), *run("Adults", 160, 130), *run("Iron", 280, 130), *run("Fewer relapses", 400, 130))
    lines = [upper, middle, lower, body]
    segments, body_start = _header_band(lines, RowBreaks((), 0.6), DEFAULT_TABLE_SETTINGS)
    assert [" ".join(w.text for w in s) for s in segments] == ["Study, Year", "Population", "Intervention", "Main Findings and Authors'"]
    assert body_start == 3


def test_gaps_are_measured_down_each_column_not_between_neighbouring_lines() -> None:
    """Three cells centred by their content's height (Typst) sit at three different offsets, so
    neighbouring lines overlap by anything; down each column the lines stay 0.7 pt apart."""
    words = [w for index in range(5) for w in run("Mortality fell", 300, 100 + index * PITCH)]
    words += [w for index in range(3) for w in run("Adults aged", 160, 103.1 + index * PITCH)]
    words += [w for index in range(2) for w in run("Okafor", 60, 107.9 + index * PITCH)]
    lines = words_to_lines(words, DEFAULT_TABLE_SETTINGS)
    assert {round(gap, 2) for gap in column_gaps(lines)} == {round(0.7 / SIZE, 2)}


def test_a_column_only_a_lower_header_line_names_is_counted_with_the_header() -> None:
    """`Population` and `Intervention` centred lower than `Study, Year` and `Main Findings`: the
    header takes both lines, since counted with those columns both lines name more headers."""
    upper = (*run("Study, Year", 60, 100, True), *run("Main Findings", 400, 100, True))
    lower = (*run("Population", 160, 100 + PITCH / 2, True), *run("Intervention", 280, 100 + PITCH / 2, True))
    body = (*run("Okafor (2019)", 60, 130), *run("Adults", 160, 130), *run("Iron", 280, 130), *run("Fewer relapses", 400, 130))
    segments, body_start = _header_band([upper, lower, body], RowBreaks((), 0.6), DEFAULT_TABLE_SETTINGS)
    assert [" ".join(w.text for w in s) for s in segments] == ["Study, Year", "Population", "Intervention", "Main Findings"]
    assert body_start == 2


def test_cell_lines_set_half_a_font_size_apart_are_still_a_cells() -> None:
    """A word processor's web layout sets a cell's lines half a font size apart and rows 1.3 apart:
    the half is a cell's spacing, not every line a row of its own."""
    tops = [100.0, 114.5, 129.0, 156.0, 170.5]  # two rows: three lines, then two
    lines = [run(f"line {index}", 60, top, size=10.0) for index, top in enumerate(tops)]
    breaks = RowBreaks((), row_gap_em(lines, DEFAULT_TABLE_SETTINGS))
    assert [breaks.between(upper, lower) for upper, lower in zip(lines, lines[1:])] == [False, False, True, False]


def test_selection_criteria_centred_in_their_rows_read_back_from_every_producer(forge_cache: RenderCache) -> None:
    """Table 1 with its cells centred: each producer's rendering reads back to the spec's criteria."""
    spec = random_spec(2000)
    names = [name for name in PRODUCERS if "cells-middle" in PRODUCERS[name].variants]
    jobs = [(spec, name, VARIANTS["cells-middle"]) for name in names]
    assert len(names) >= 4
    for name, (rendered, truth) in zip(names, forge_cache.render(jobs)):
        meta = extract_report(rendered.pdf, Limits()).meta
        assert meta.selection_criteria == truth.report["selection_criteria"], name


def test_a_name_centred_between_two_lines_of_the_cell_beside_it_does_not_chain_them() -> None:
    """Table 1 with cells centred (Chromium): `Study Designs` sits between the two lines of its
    criterion's text, overlapping both; the two lines stay two lines, one under the other."""
    from extract.layout.lines import TextLine, runs_to_lines

    def text_run(text: str, x0: float, top: float, height: float) -> TextLine:
        return TextLine(text, BBox(x0, top, x0 + 4.5 * len(text), top + height), 1, SIZE, False)

    first = text_run("Health technology assessments, systematic reviews,", 150, 100.0, 7.5)
    second = text_run("randomized controlled trials", 150, 108.6, 7.0)
    name = text_run("Study Designs", 60, 103.6, 8.8)  # a descender makes its ink box taller
    assert [[run.text for run in line] for line in runs_to_lines([first, second, name])] == [
        ["Study Designs", "Health technology assessments, systematic reviews,"],
        ["randomized controlled trials"],
    ]
    overprinted = text_run("Population", 140, 108.6, 7.0)  # a producer that sets a name over its text's line
    assert [[run.text for run in line] for line in runs_to_lines([second, overprinted])] == [["Population", "randomized controlled trials"]]

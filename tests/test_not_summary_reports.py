"""Documents that are not summary reports — two-column prose, a guideline, a trial paper, a slide deck — give no rows.

Each holds what tempts a table finder: `Table N:` captions, PICO-style headers, years beside
capitalised words. The gate (`tables.verdict`) must turn every candidate away with a reason, so
the report is `no_summary_table` and not a set of invented studies.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen.canvas import Canvas

from extract.errors import UnreadableReport
from extract.extraction import extract_report
from extract.model import Cell, ParsingReport, RawRow, Table
from extract.settings import Limits
from extract.tables.choose import best_per_caption, chosen_tables, low_confidence_warnings
from extract.tables.verdict import judge, summary_tables

PROSE = (
    "In 2015 the guideline group met to review the evidence on early treatment. New evidence from "
    "several trials suggested that earlier treatment reduces mortality. Initially the panel considered "
    "three options. A systematic search found 42 eligible studies published between 2000 and 2014."
).split()


def prose_lines(width: int = 48) -> list[str]:
    """The prose wrapped at `width` characters, repeated to fill a column."""
    lines, line = [], ""
    for word in PROSE * 4:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def two_column_guideline(path: Path) -> Path:
    """Two columns of prose with a PICO evidence table between them, as a guideline prints one."""
    canvas = Canvas(str(path), pagesize=letter)
    for page in range(2):
        canvas.setFont("Helvetica", 9)
        for column, x in enumerate((54, 320)):
            for number, line in enumerate(prose_lines()):
                canvas.drawString(x, 740 - 12 * number, line)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(54, 380, f"Table {page + 1}: Evidence profile for early treatment")
        canvas.setFont("Helvetica", 8)
        for x, text in zip((57, 190, 320, 450), ("Population", "Intervention", "Comparator", "Outcomes")):
            canvas.drawString(x, 360, text)
        for row, y in enumerate((340, 320, 300)):
            for x, text in zip((57, 190, 320, 450), ("Adults in 2015", "Early treatment", "Usual care", "Mortality")):
                canvas.drawString(x, y, text if row else text.upper())
        canvas.showPage()
    canvas.save()
    return path


def trial_paper(path: Path) -> Path:
    """A randomised trial's paper: abstract, a baseline-characteristics table, results prose."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(54, 740, "Early treatment versus usual care: a randomised controlled trial")
    canvas.setFont("Helvetica", 9)
    for number, line in enumerate(prose_lines(100)):
        canvas.drawString(54, 715 - 12 * number, line)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(54, 500, "Table 1: Baseline characteristics of participants")
    canvas.setFont("Helvetica", 9)
    for x, text in zip((57, 260, 420), ("Characteristic", "Intervention (n=120)", "Control (n=118)")):
        canvas.drawString(x, 480, text)
    for y, (label, a, b) in zip((460, 445, 430), (("Age, years", "54 (12)", "55 (11)"), ("Women", "61 (51%)", "58 (49%)"), ("Enrolled 2015", "40", "41"))):
        for x, text in zip((57, 260, 420), (label, a, b)):
            canvas.drawString(x, y, text)
    canvas.rect(54, 425, 500, 67)
    canvas.save()
    return path


def slide_deck(path: Path) -> Path:
    """Landscape slides: a title, bullets, and a 'Table 2' slide listing years beside ordinary words."""
    canvas = Canvas(str(path), pagesize=landscape(letter))
    for slide, title in enumerate(("Why treat early?", "Table 2: What we found", "Next steps")):
        canvas.setFont("Helvetica-Bold", 24)
        canvas.drawString(60, 540, title)
        canvas.setFont("Helvetica", 16)
        if slide == 1:
            for x, text in zip((60, 330), ("Study", "Results")):
                canvas.drawString(x, 490, text)
            for y, (when, what) in zip((455, 420, 385), (("In 2016", "Fewer deaths"), ("New 2018", "Shorter stays"), ("A 2019", "Lower costs"))):
                canvas.drawString(60, y, when)
                canvas.drawString(330, y, what)
        else:
            for number, line in enumerate(("\u2022 Mortality is high", "\u2022 Treatment works", "\u2022 Costs are low")):
                canvas.drawString(80, 480 - 40 * number, line)
        canvas.showPage()
    canvas.save()
    return path


GUIDELINE_TEXT = """Guideline on early treatment

Table 1: Recommendations for early treatment

Population
Intervention
Outcomes

Adults treated in 2015
Early treatment
Mortality

In 2016 the panel
recommended early treatment
Fewer deaths
"""


@pytest.mark.parametrize("draw", [two_column_guideline, trial_paper, slide_deck], ids=lambda d: d.__name__)
def test_documents_that_are_not_summary_reports_give_no_rows(tmp_path: Path, draw) -> None:  # type: ignore[no-untyped-def]
    path = draw(tmp_path / f"{draw.__name__}.pdf")
    with pytest.raises(UnreadableReport) as raised:
        extract_report(path, Limits())
    assert raised.value.reason == "no_summary_table"


def test_a_guideline_as_text_gives_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "guideline.txt"
    path.write_text(GUIDELINE_TEXT, encoding="utf-8")
    with pytest.raises(UnreadableReport) as raised:
        extract_report(path, Limits())
    assert raised.value.reason == "no_summary_table"


def table_of(*authors: str, fields: tuple[str, ...] = ("population", "results"), confidence: float = 0.9, label: str = "Table 2: Summary") -> Table:
    """A table whose rows have these author cells and a value in each of `fields`."""
    rows = tuple(
        RawRow({"author": Cell(author), **{field: Cell("x") for field in fields}}, ordinal=number)
        for number, author in enumerate(authors)
    )
    return Table(label, ("author", *fields), rows, ParsingReport("ruled", (3,), confidence))


def test_the_gate_needs_an_author_and_a_content_column_and_rows_of_authors_and_years() -> None:
    assert judge(table_of("Smith (2016)", "de la Cruz (2009)", "Li et al., 2018")).summary
    assert judge(table_of("Smith (2016)", fields=("extra:Country",))).reason.startswith("no column the contract names")
    assert "read as author and year" in judge(table_of("Adults", "Children", "Smith (2016)")).reason
    assert "ordinary words" in judge(table_of("In 2015", "New 2018", "Young (2017)")).reason
    assert judge(table_of("Young (2017)", "Long (2015)", "May (2012)")).summary


def test_the_gate_scores_and_keeps_the_most_confident_table_per_caption() -> None:
    kept, rejected = summary_tables([table_of("Smith (2016)", "Adults (no year)", "Lee (2014)", "Kim (2013)"), table_of("Adults")])
    assert [t.report.confidence for t in kept] == [0.675] and len(rejected) == 1
    geometric = table_of("Smith (2016)", confidence=0.4)
    from_blocks = table_of("Smith (2016)", "Lee (2014)", confidence=0.8, label="Table 2: Summary of studies")
    choice = chosen_tables([geometric], lambda: [from_blocks])
    assert [len(t.rows) for t in choice.tables] == [2]
    assert best_per_caption([geometric, table_of("Kim (2013)", label="Table 3: More")]) != ()


def test_a_table_read_without_confidence_is_kept_with_a_warning() -> None:
    [warning] = low_confidence_warnings("r", [table_of("Smith (2016)", confidence=0.3), table_of("Lee (2014)")])
    assert warning.check == "low_confidence_table" and warning.severity == "warning" and warning.page_no == 3
    assert "0.30" in warning.message and "page 3" in warning.message


def test_a_surname_split_by_character_spacing_is_judged_whole() -> None:
    """`Kowalczy k` is a surname the spacing split, not the ordinary word `k`: the table passes."""
    table = table_of("Kowalczy k, 2022")
    assert judge(table).summary, judge(table).reason

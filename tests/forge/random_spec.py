"""Seeded random report specs, and the seed report re-expressed as a spec.

The vocabulary is invented, generic medical prose; surnames include the shapes that break
naive author splitting (hyphens, particles, apostrophes, accents).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.forge.citations import Citations, with_citations
from tests.forge.spec import COMBINED, Column, Criterion, ReportSpec, StudyRow, TableSpec

SEED_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seed"

SURNAMES = (
    "Abara", "Bergstrom", "Castellano", "Dufresne", "Eriksen", "Fairbanks", "Gallagher",
    "Haddad", "Ibarra", "Jankowski", "Kowalczyk", "Lindqvist", "Moreau", "Nakashima",
    "Okonkwo", "Petrov", "Quintero", "Rasmussen", "Sandoval", "Takahashi", "Urquhart",
    "Vasquez", "Whitfield", "Xu", "Yilmaz", "Zielinski", "Lee", "Park", "Fyfe", "Vaughan",
    "García-Lopez", "Smith-Jones", "van der Berg", "de la Cruz", "van Dijk", "O'Neil",
    "D'Amico", "Müller", "Ødegaard", "Šimić", "Håkansson", "Sørensen", "Le Roux", "McAvoy",
)
CONDITIONS = (
    "Chronic heart failure", "Type 2 diabetes", "Moderate to severe plaque psoriasis",
    "Postoperative pain", "Major depressive disorder", "Chronic obstructive pulmonary disease",
    "Rheumatoid arthritis", "Recurrent urinary tract infection", "Osteoarthritis of the knee",
    "Atrial fibrillation", "Chronic kidney disease", "Pressure ulcers", "Acute ischemic stroke",
    "Generalized anxiety disorder", "Severe asthma", "Community-acquired pneumonia",
    "Opioid use disorder", "Neonatal jaundice", "Venous leg ulcers", "Migraine",
)
INTERVENTIONS = (
    "Intravenous iron", "Cognitive behavioural therapy", "Negative pressure wound therapy",
    "Low-dose aspirin", "Subcutaneous biologic therapy", "Home-based rehabilitation",
    "Extended-release naltrexone", "Phototherapy", "Hyaluronic acid injection",
    "Continuous glucose monitoring", "Telemonitoring", "Nerve block",
)
COMPARATORS = ("Placebo", "Usual care", "No treatment", "Standard dressing", "Oral therapy",
               "Waiting list", "Active comparator")
OUTCOMES = ("Mortality", "Hospital readmission", "Quality of life", "Adverse events",
            "Pain scores", "Length of stay", "Symptom relapse", "Cost per QALY")
POPULATIONS = (
    "Adults with {c}", "Patients aged ≥65 years with {c}", "Children aged 6 to 12 years with {c}",
    "Women who had experienced ≥3 episodes of {c}", "Outpatients with {c} and comorbidities",
    "Not specified in the abstract",
)
FINDINGS = (
    "{o} was significantly improved with {i} vs {k} (OR 1.45; 95% CI 1.12 to 1.88)",
    "No significant difference in {o} was found between {i} and {k}",
    "The risk of AEs appeared to increase with {i} vs {k}",
    "{o} decreased by 23.4% in the {i} group",
    "Fewer patients reported serious AEs with {i} (RR 0.71; 95% CI 0.52 to 0.97)",
    "Median time to {o} was 14.2 months vs 9.8 months with {k}",
    "There was no significant difference in {o} between groups at 12 months",
    "Effects on {o} were inconsistent across the included studies",
)
LONG_FINDING = (
    "In the subgroup of patients with more severe disease at baseline, {o} improved "
    "significantly with {i} compared with {k}, although the authors noted that the number "
    "of events was small, follow-up was short, and the confidence intervals were wide"
)
CONCLUSIONS = (
    "The authors concluded that {i} may be a beneficial treatment option for these patients.",
    "The authors concluded that there is not enough evidence to recommend {i}.",
    "The authors indicated that {i} might be an alternative for patients resistant to {k}.",
    "No specific conclusion regarding {i} was presented in the abstract.",
    "The authors concluded that further randomized trials are required.",
)
DESIGN_GROUPS = (
    ("health_technology_assessment", "Health Technology Assessments", "Health technology assessment"),
    ("systematic_review", "Systematic Reviews", "Systematic review"),
    ("meta_analysis", "Meta-Analyses", "Meta-analysis"),
    ("randomized_controlled_trial", "Randomized Controlled Trials", "Randomized controlled trial"),
    ("non_randomized_study", "Non-Randomized Studies", "Non-randomized study"),
    ("prospective_observational", "Prospective Observational Studies", "Prospective cohort study"),
    ("retrospective_observational", "Retrospective Observational Studies",
     "Retrospective cohort study"),
    ("economic_evaluation", "Economic Evaluations", "Cost-utility analysis"),
    ("guideline", "Guidelines", "Evidence-based guideline"),
)
ABBREVIATIONS = (
    ("AE", "adverse event"), ("CI", "confidence interval"), ("OR", "odds ratio"),
    ("QALY", "quality-adjusted life-year"), ("RR", "relative risk"), ("vs", "versus"),
)
DATABASES = (
    "PubMed", "The Cochrane Library", "University of York Centre for Reviews and "
    "Dissemination (CRD) databases", "Canadian and major international health technology "
    "agencies",
)
COLUMN_SETS: tuple[tuple[Column, ...], ...] = (
    (Column("First Author, Year", "author", 1.0), Column("Indication", "indication", 1.0),
     Column("Population", "population", 1.0), Column("Results", "results", 1.3),
     Column("Authors' Conclusions", "authors_conclusions", 1.2)),
    (Column("Study, Year", "author", 0.9), Column("Study Design", "study_design", 1.0),
     Column("Population", "population", 1.0),
     Column("Intervention and Comparator", "intervention", 1.0),
     Column("Outcomes", "outcomes", 0.9),
     Column("Main Findings and Authors' Conclusions", "results", 1.6)),
    (Column("Author (Year)", "author", 1.0), Column("Condition", "indication", 1.0),
     Column("Patients", "population", 1.0), Column("Key Findings", "results", 1.5),
     Column("Conclusions", "authors_conclusions", 1.2)),
    (Column("First Author, Year", "author", 1.0), Column("Study Design", "study_design", 1.0),
     Column("Country", "extra", 0.7), Column("Intervention", "intervention", 0.9),
     Column("Comparator", "comparator", 0.9), Column("Results", "results", 1.5)),
)
# Combined findings-and-conclusions cells: the conclusion's claim, and how the paragraph words
# it (a sentence kept whole, or a label that is not part of the conclusion).
CLAIMS = (
    "{i} may be a beneficial treatment option for these patients",
    "there is not enough evidence to recommend {i}",
    "{i} might be an alternative for patients resistant to {k}",
    "further randomized trials are required",
)
CONCLUSION_FORMS = (
    ("", "The authors concluded that {claim}."),
    ("", "The authors suggested that {claim}."),
    ("Authors' conclusion:", "{Claim}."),
    ("Conclusion \u2014", "{Claim}."),
)
COMBINED_COLUMNS: tuple[Column, ...] = (
    Column("Study, Year", "author", 0.9), Column("Study Design", "study_design", 1.0),
    Column("Population", "population", 1.0),
    Column("Intervention and Comparator", "intervention", 1.0),
    Column("Main Findings and Authors' Conclusions", COMBINED, 1.8),
)
GUIDELINE_AUTHOR_HEADERS = ("First Author, Year", "Guideline Group, Year", "Author, Year")
GUIDELINE_EVIDENCE_HEADERS = ("Strength of Evidence", "Quality of Evidence")
RECOMMENDATIONS = (
    "Clinicians should consider {i} for adults with {c}",
    "{I} is not recommended as first-line therapy for {c}",
    "{I} should be offered to patients who did not respond to {k}",
    "Patients receiving {i} should be reassessed at 12 weeks",
)
EVIDENCE_GRADES = (
    "Strong recommendation; moderate-quality evidence", "Weak recommendation; low-quality evidence",
    "Grade A", "Grade B", "Level II evidence", "Consensus-based recommendation",
)
QUESTION_FORMS = (
    "What is the clinical effectiveness of {i} for patients with {c}?",
    "What are the evidence-based guidelines regarding {i} for {c}?",
    "What is the cost-effectiveness of {i} for patients with {c}?",
)
COUNTRIES = ("Canada", "Denmark", "Japan", "Brazil", "Spain", "Iran", "Australia", "USA")
DATE_FIELDS = ("search_start", "search_end", "publication_date")


@dataclass(frozen=True)
class Flaws:
    """Departures from a clean report, off by default: real reports rarely have them, tests inject them.

    `empty_conclusion_rate` is the chance an Authors' Conclusions cell is left empty;
    `study_years` (first, last), when given, replaces the search window as the years studies
    are drawn from, so years after publication or outside the search can be forged.
    """

    empty_conclusion_rate: float = 0.0
    study_years: tuple[int, int] | None = None


@dataclass(frozen=True)
class Layouts:
    """Layouts the first forge did not draw, off by default so every existing seed draws the same spec.

    `combined_conclusions`: chance a study table prints each conclusion as the last paragraph
    of a "Main Findings and Authors' Conclusions" cell; `guideline_table`: chance the last
    research question's table is a guideline table (Recommendations, Strength/Quality of
    Evidence); `question_markers`: marker styles to draw from (empty keeps "auto");
    `tables`: numbers of research questions, one study table each, to draw from (empty keeps
    the original one or two).
    """

    combined_conclusions: float = 0.0
    guideline_table: float = 0.0
    question_markers: tuple[str, ...] = ()
    tables: tuple[int, ...] = ()


ALL_LAYOUTS = Layouts(0.5, 0.5, ("numbered", "lettered_paren", "lettered_dot"), (1, 2, 3))


@dataclass(frozen=True)
class StudyDraw:
    """How every study row of one report is drawn."""

    refs: bool
    long_cells: bool
    years: tuple[int, ...]
    empty_conclusion_rate: float


def pick(rng: random.Random, options: tuple[Any, ...]) -> Any:
    """One choice; named so the draws read as sentences."""
    return options[rng.randrange(len(options))]


def mid_sentence(phrase: str) -> str:
    """A capitalized vocabulary phrase as it reads inside a sentence (acronyms kept)."""
    return phrase[0].lower() + phrase[1:]


def combined_intervention(columns: tuple[Column, ...]) -> bool:
    """Whether the intervention column also holds the comparator."""
    return any(c.header == "Intervention and Comparator" for c in columns)


def row_cells(rng: random.Random, columns: tuple[Column, ...], condition: str,
              study_design: str, long_cell: bool,
              empty_conclusion_rate: float) -> tuple[dict[str, tuple[str, ...]], str]:
    """Printed items for every column of one row, and the label of a combined cell's conclusion."""
    i, k = pick(rng, INTERVENTIONS), pick(rng, COMPARATORS)
    words = {"c": condition.lower(), "i": mid_sentence(i), "k": k.lower()}
    findings = [pick(rng, FINDINGS).format(o=mid_sentence(pick(rng, OUTCOMES)), **words)
                for _ in range(rng.randint(1, 3))]
    if long_cell:
        findings += [LONG_FINDING.format(o=mid_sentence(pick(rng, OUTCOMES)), **words)]
        findings += [pick(rng, FINDINGS).format(o=mid_sentence(o), **words) for o in OUTCOMES[:6]]
    findings = [f[0].upper() + f[1:] for f in dict.fromkeys(findings)]
    # Both draws are always made, so the rate changes which cells are empty and nothing else.
    conclusion = pick(rng, CONCLUSIONS).format(**words)
    conclusion_printed = rng.random() >= empty_conclusion_rate
    fields = {c.field for c in columns}
    label = ""
    if COMBINED in fields:
        label, form = pick(rng, CONCLUSION_FORMS)
        claim = pick(rng, CLAIMS).format(**words)
        conclusion = form.format(claim=claim, Claim=claim[0].upper() + claim[1:])
    values: dict[str, tuple[str, ...]] = {
        "indication": (condition,),
        "population": (pick(rng, POPULATIONS).format(**words),),
        "results": tuple(findings),
        "authors_conclusions": (conclusion,) if conclusion_printed else (),
        "study_design": (study_design,),
        "intervention": (f"{i} vs {k.lower()}" if combined_intervention(columns) else i,),
        "comparator": (k,),
        "outcomes": (", ".join(rng.sample(OUTCOMES, 3)),),
    }
    cells = {c.field: values[c.field] for c in columns if c.field in values}
    if COMBINED in fields:
        cells.update(results=values["results"], authors_conclusions=values["authors_conclusions"])
    cells.update({c.header: (pick(rng, COUNTRIES),) for c in columns if c.field == "extra"})
    return cells, label


def unused_year(surname: str, year: int, years: tuple[int, ...],
                used: Collection[tuple[str, int]]) -> int | None:
    """The drawn year or the next one of the window (wrapping) this surname has not used yet."""
    start = years.index(year)
    return next((y for y in years[start:] + years[:start] if (surname, y) not in used), None)


def draw_author(rng: random.Random, years: tuple[int, ...], used: Collection[tuple[str, int]],
                keyed_by_author: bool) -> tuple[str, int]:
    """A surname and year; without reference numbers the study key is surname-year, so unique."""
    while True:
        surname, year = pick(rng, SURNAMES), pick(rng, years)
        if not keyed_by_author:
            return surname, year
        free = unused_year(surname, year, years, used)
        if free is not None:
            return surname, free


def random_rows(rng: random.Random, columns: tuple[Column, ...], n: int, first_ref: int,
                draw: StudyDraw, taken: tuple[tuple[str, int], ...],
                designs: list[tuple[str, str, str]] | None = None) -> tuple[StudyRow, ...]:
    """`n` studies sorted by design as CADTH orders evidence, numbered from `first_ref`.

    `taken` lists the (surname, year) pairs of earlier tables, so printed authors stay distinct;
    `designs`, when given, are the designs to draw from instead of one to four random ones.
    """
    if designs is None:
        designs = sorted(rng.sample(DESIGN_GROUPS, rng.randint(1, 4)), key=DESIGN_GROUPS.index)
    drawn = sorted((pick(rng, designs) for _ in range(n)), key=DESIGN_GROUPS.index)
    rows = []
    used: list[tuple[str, int]] = list(taken)
    for offset, (design, label, design_cell) in enumerate(drawn):
        surname, year = draw_author(rng, draw.years, used, keyed_by_author=not draw.refs)
        repeats = used.count((surname, year))
        suffix = "abcdefghijklmnopqrstuvwxyz"[repeats - 1] if repeats else ""
        used.append((surname, year))
        long_cell = draw.long_cells and rng.random() < 0.15
        cells, conclusion_label = row_cells(rng, columns, pick(rng, CONDITIONS), design_cell,
                                            long_cell, draw.empty_conclusion_rate)
        rows.append(StudyRow(surname, year, first_ref + offset if draw.refs else None, design,
                             label, cells, suffix, conclusion_label))
    return tuple(rows)


def with_design_column(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """An ungrouped table must print the design, so add a Study Design column if missing."""
    if any(c.field == "study_design" for c in columns):
        return columns
    return columns[:1] + (Column("Study Design", "study_design", 1.0),) + columns[1:]


def guideline_columns(rng: random.Random) -> tuple[Column, ...]:
    """A guideline table's columns: who, for whom, the recommendations and their grading."""
    return (Column(pick(rng, GUIDELINE_AUTHOR_HEADERS), "author", 1.0),
            Column("Target Population", "population", 1.1),
            Column("Recommendations", "results", 2.0),
            Column(pick(rng, GUIDELINE_EVIDENCE_HEADERS), "extra", 1.1))


def as_guideline(rng: random.Random, row: StudyRow, columns: tuple[Column, ...],
                 words: Mapping[str, str]) -> StudyRow:
    """A drawn row turned into a guideline's: recommendations as its results, a grade as extra."""
    recommendations = [pick(rng, RECOMMENDATIONS).format(**words) for _ in range(rng.randint(1, 3))]
    cells = {**row.cells, "results": tuple(r[0].upper() + r[1:] for r in dict.fromkeys(recommendations))}
    cells.update({c.header: (pick(rng, EVIDENCE_GRADES),) for c in columns if c.field == "extra"})
    return dataclasses.replace(row, cells=cells)


def random_table(rng: random.Random, label: str, n: int, first_ref: int, draw: StudyDraw,
                 taken: tuple[tuple[str, int], ...], kind: str = "study",
                 words: Mapping[str, str] | None = None) -> TableSpec:
    """One study table with a random column set and printing style.

    `kind` "combined" prints the findings and conclusions in one column; "guideline" draws a
    guideline table about `words` (i: intervention, I: capitalized, k: comparator, c: condition).
    """
    grouped = rng.random() < 0.6
    columns = {"study": lambda: pick(rng, COLUMN_SETS), "combined": lambda: COMBINED_COLUMNS,
               "guideline": lambda: guideline_columns(rng)}[kind]()
    if not grouped:
        columns = with_design_column(columns)
    designs = [DESIGN_GROUPS[-1]] if kind == "guideline" else None
    rows = random_rows(rng, columns, n, first_ref, draw, taken, designs)
    if kind == "guideline":
        rows = tuple(as_guideline(rng, row, columns, words or {}) for row in rows)
    text = " ".join(v for row in rows for values in row.cells.values() for v in values)
    abbreviations = tuple((a, e) for a, e in ABBREVIATIONS if a in text.split()
                          or f"{a} " in text or f"({a}" in text)
    return TableSpec(label, columns, rows, grouped, pick(rng, ("paren", "et_al", "comma")),
                     pick(rng, ("after_author", "after_year", "next_line", "inline",
                                "after_year")) if draw.refs else "none",
                     rng.random() < 0.7, abbreviations)


def random_criteria(rng: random.Random, condition: str, intervention: str) -> tuple[Criterion, ...]:
    """Table 1 with a bulleted population now and then."""
    bullets = tuple(rng.sample(CONDITIONS, 2)) if rng.random() < 0.5 else ()
    lead = (f"Patients of any age with {condition.lower()}" + (" or the following:" if bullets
                                                               else ""))
    return (
        Criterion("population", lead, bullets),
        Criterion("intervention", f"{intervention}, alone or in combination with usual care"),
        Criterion("comparator", "Placebo, usual care, no treatment"),
        Criterion("outcomes", "Clinical benefits and harms"),
        Criterion("study_designs", "Health technology assessments, systematic reviews, "
                                   "meta-analyses, randomized controlled trials, "
                                   "non-randomized studies"),
    )


def report_dates(rng: random.Random) -> dict[str, date]:
    """The search window and publication date: a report appears weeks after its search ends."""
    end = date(2016, 1, 1) + timedelta(days=rng.randrange(2500))
    return {"search_start": date(end.year - rng.randint(3, 10), 1, 1), "search_end": end,
            "publication_date": end + timedelta(days=rng.randint(10, 60))}


def study_years(dates: Mapping[str, date], flaws: Flaws) -> tuple[int, ...]:
    """Years studies are drawn from: inside the search window and not after publication, unless forged."""
    if flaws.study_years is not None:
        first, last = flaws.study_years
    else:
        first = dates["search_start"].year
        last = min(dates["search_end"].year, dates["publication_date"].year)
    if first > last:
        raise ValueError(f"no year to draw studies from: {first} is after {last}")
    return tuple(range(first, last + 1))


def table_plan(rng: random.Random, n_tables: int, layouts: Layouts) -> tuple[int, list[str]]:
    """How many study tables (one per research question) and the kind of each, per `layouts`.

    Draws nothing with the default layouts, so the original seeds keep their specs.
    """
    if layouts.tables:
        n_tables = pick(rng, layouts.tables)
    kinds = ["study"] * n_tables
    if layouts.combined_conclusions:
        kinds = ["combined" if rng.random() < layouts.combined_conclusions else "study"
                 for _ in kinds]
    if layouts.guideline_table and rng.random() < layouts.guideline_table:
        kinds[-1] = "guideline"
    return n_tables, kinds


def research_questions(intervention: str, condition: str, kinds: list[str],
                       layouts: Layouts) -> tuple[str, ...]:
    """One question per table; a guideline table answers the guideline question."""
    words = {"i": intervention.lower(), "c": condition.lower()}
    clinical, guidelines, cost = (form.format(**words) for form in QUESTION_FORMS)
    if layouts == Layouts() or kinds[-1] != "guideline":
        return (clinical, guidelines, cost)[:len(kinds)]
    return (clinical, cost)[:len(kinds) - 1] + (guidelines,)


def random_spec(seed: int, flaws: Flaws = Flaws(), layouts: Layouts = Layouts(),
                citations: Citations | None = None, **overrides: Any) -> ReportSpec:
    """A reproducible random report; keyword overrides replace any `ReportSpec` field.

    Overridden dates are known before the studies are drawn, so study years follow them.
    `layouts` turns on the newer table and list layouts (ALL_LAYOUTS: all of them);
    `citations` draws real-looking reference lists from a stream of their own (None: the
    invented entries every spec printed before, so existing seeds draw the same).
    """
    rng = random.Random(seed)
    condition, intervention = pick(rng, CONDITIONS), pick(rng, INTERVENTIONS)
    n_tables = 2 if rng.random() < 0.3 else 1
    n_studies = rng.randint(3, 30)
    refs = rng.random() < 0.85
    long_cells = rng.random() < 0.5
    dates = report_dates(rng)
    dates.update((name, overrides[name]) for name in DATE_FIELDS if name in overrides)
    draw = StudyDraw(refs, long_cells, study_years(dates, flaws), flaws.empty_conclusion_rate)
    n_tables, kinds = table_plan(rng, n_tables, layouts)
    questions = research_questions(intervention, condition, kinds, layouts)
    sizes = table_sizes(rng, n_studies, n_tables)
    words = {"i": mid_sentence(intervention), "I": intervention, "c": condition.lower(),
             "k": pick(rng, COMPARATORS).lower() if layouts != Layouts() else "usual care"}
    tables: list[TableSpec] = []
    first_ref = 1
    for index, size in enumerate(s for s in sizes if s):
        what = "Guidelines" if kinds[index] == "guideline" else "Studies"
        label = (f"Table {index + 2}: Summary of Included {what}"
                 + (f" for Research Question {index + 1}" if n_tables > 1 else ""))
        taken = tuple((row.surname, row.year) for table in tables for row in table.rows)
        tables.append(random_table(rng, label, size, first_ref, draw, taken, kinds[index], words))
        first_ref += size
    spec = ReportSpec(
        report_id=f"forged-{seed}",
        title=f"{intervention} for {mid_sentence(condition)}: Clinical Effectiveness",
        research_questions=questions,
        topic=f"the use of {intervention.lower()} for {condition.lower()}",
        databases=DATABASES,
        criteria=random_criteria(rng, condition, intervention),
        tables=tuple(tables),
        languages=("English",) if rng.random() < 0.8 else ("English", "French"),
        spacing_artifact=rng.random() < 0.3,
        **dates,
    )
    if layouts.question_markers:
        spec = dataclasses.replace(spec, question_markers=pick(rng, layouts.question_markers))
    spec = dataclasses.replace(spec, **overrides)
    return spec if citations is None else with_citations(spec, seed, citations)


def table_sizes(rng: random.Random, n_studies: int, n_tables: int) -> tuple[int, ...]:
    """Studies per table: the original one-or-two split, or cut points for three tables."""
    if n_tables == 3 and n_studies >= 3:
        first, second = sorted(rng.sample(range(1, n_studies), 2))
        return (first, second - first, n_studies - second)
    split = rng.randint(1, n_studies - 1) if n_tables >= 2 and n_studies > 1 else n_studies
    return (split, n_studies - split) if n_tables >= 2 else (n_studies,)


def seed_criterion(name: str, text: str) -> Criterion:
    """A seed criterion: 'lead: a; b; c' becomes a lead with bullets, as Table 1 prints it."""
    lead, colon, rest = text.partition(": ")
    if colon and "; " in rest:
        return Criterion(name, f"{lead}:", tuple(rest.split("; ")))
    return Criterion(name, text)


def seed_rows() -> tuple[StudyRow, ...]:
    """The seed report's study rows, read from its golden CSV."""
    with (SEED_DIR / "expected-studies.csv").open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    return tuple(
        StudyRow(r["first_author"], int(r["year"]), int(r["ref_no"]), r["design"],
                 r["design_label"],
                 {"indication": (r["indication"],), "population": (r["population"],),
                  "results": tuple(r["results"].split("\n")),
                  "authors_conclusions": (r["authors_conclusions"],)
                  if r["authors_conclusions"] else ()})
        for r in records)


def seed_spec(**overrides: Any) -> ReportSpec:
    """The seed report's content drawn as a PDF, so the PDF path can be checked against the text path."""
    golden = json.loads((SEED_DIR / "expected-report.json").read_text(encoding="utf-8"))
    meta = golden["report"]
    question = meta["research_questions"][0]
    table = TableSpec("Table 2: Summary of Included Studies", COLUMN_SETS[0], seed_rows(),
                      grouped=True, author_format="paren", ref_placement="after_year",
                      ruled=True, abbreviations=tuple(golden["abbreviations"].items()))
    spec = ReportSpec(
        report_id=golden["report_id"],
        title="Off-Label Use of Intravenous Immunoglobulin: Clinical Effectiveness",
        publication_date=date(2017, 11, 20),
        research_questions=tuple(meta["research_questions"]),
        topic="the " + question.split(" of the ", 1)[1].rstrip("?"),
        search_start=date.fromisoformat(meta["search_start"]),
        search_end=date.fromisoformat(meta["search_end"]),
        databases=DATABASES,
        criteria=tuple(seed_criterion(k, v) for k, v in golden["selection_criteria"].items()),
        tables=(table,),
        languages=tuple(meta["languages"]),
    )
    return dataclasses.replace(spec, **overrides)


def long_table_rows(n_studies: int, first_seed: int) -> tuple[StudyRow, ...]:
    """n_studies rows gathered from successive seeded specs, numbered 1..n as one long table prints them."""
    rows: list[StudyRow] = []
    seed = first_seed
    while len(rows) < n_studies:
        rows += [row for table in random_spec(seed).tables for row in table.rows]
        seed += 1
    return tuple(dataclasses.replace(row, ref_no=i) for i, row in enumerate(rows[:n_studies], start=1))

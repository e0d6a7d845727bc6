"""Seeded reference lists: a citation for every study row, design group headings, and an appendix.

`with_citations(spec, seed)` draws from its own random stream, so the rest of a spec is exactly
what it was without citations (existing seeds and the committed samples are untouched). Entries
follow the shapes CADTH's Vancouver/NLM lists print: journal articles (month, issue-only,
e-pages, Cochrane numbers, et al), reports cited with "[Internet]", a publisher and a URL,
group authors, titles ending in "?", DOIs, and most entries with a "PubMed: PM…" line.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from tests.forge.spec import Citation, ReportSpec, StudyRow

JOURNALS = (
    "J Clin Res", "BMJ", "Lancet", "N Engl J Med", "JAMA Intern Med", "PLoS One",
    "BMC Health Serv Res", "Am J Obstet Gynecol", "Health Technol Assess", "Ann Intern Med",
    "Int J Technol Assess Health Care", "Clin Ther", "Eur J Pain", "CMAJ",
    "Cochrane Database Syst Rev",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CO_AUTHORS = (
    "Martin", "Chen", "Okafor", "Singh", "Novak", "Tremblay", "Garcia", "Kim", "Rossi", "Nguyen",
    "Brown", "Lambert", "Costa", "Ito", "Schmidt", "van Rooij", "O'Brien", "Da Silva",
)
CONDITIONS = (
    "heart failure", "type 2 diabetes", "plaque psoriasis", "postoperative pain", "depression",
    "chronic kidney disease", "recurrent miscarriage", "knee osteoarthritis", "severe asthma",
    "acute ischemic stroke", "opioid use disorder", "venous leg ulcers",
)
TREATMENTS = (
    "intravenous iron", "cognitive behavioural therapy", "negative pressure wound therapy",
    "low-dose aspirin", "telemonitoring", "home-based rehabilitation", "hyaluronic acid",
    "continuous glucose monitoring", "nerve block", "intravenous immunoglobulin",
)
TITLE_FORMS = (
    "{T} for {c}: a {d}",
    "Efficacy and safety of {t} in adults with {c}",
    "Long-term outcomes of {t} compared with usual care in patients with {c}: results from a "
    "multicentre study with five years of follow-up",
    "Is {t} effective for {c}?",
    "{T} vs. placebo in {c}",
    "Cost-effectiveness of {t} for {c} in Canada",
    "Clinical practice guideline for the management of {c}",
)
DESIGN_WORDS = ("randomized controlled trial", "systematic review and meta-analysis",
                "prospective cohort study", "retrospective analysis")
# Reports cited with a publisher and a URL; URLs and DOIs avoid f, v and y, the letters the
# forge's spacing artifact pulls apart, since no reader can close a gap inside a link.
PUBLISHERS = (
    ("Ottawa (ON): CADTH", "https://www.cadth.ca/"),
    ("London (UK): National Institute for Health and Care Excellence", "https://www.nice.org.uk/guidance/"),
    ("Toronto (ON): Health Quality Ontario", "https://www.hqontario.ca/"),
    ("Edinburgh (UK): Scottish Intercollegiate Guidelines Network", "https://www.sign.ac.uk/"),
)
URL_WORDS = ("summaries", "clinical-reports", "htis", "reports", "guidance", "en", "ng", "rc0",
             "health-assessment", "docs", "recommendations", "ta", "sign")
GROUP_AUTHORS = ("Canadian Agency for Drugs and Technologies in Health",
                 "Health Quality Ontario", "Canadian Task Force on Preventive Health Care")
REPORT_DESIGNS = frozenset({"health_technology_assessment", "guideline", "economic_evaluation"})
APPENDIX_GROUPS = ("Previous CADTH Reports", "Systematic Reviews and Meta-Analyses",
                   "Non-Randomized Studies", "Review Articles", "Guidelines and Recommendations")
APPENDIX_SURNAMES = ("Abbott", "Bianchi", "Carvalho", "Dubois", "Eklund", "Ferreira", "Gomez",
                     "Hansen", "Iqbal", "Jensen", "Kaur", "Lopez", "Mendes", "Nielsen")


@dataclass(frozen=True)
class Citations:
    """How reference lists are drawn: rates of PMIDs, DOIs, report-style entries, et al, group headings, an appendix."""

    pmid_rate: float = 0.8
    doi_rate: float = 0.35
    report_rate: float = 0.6  # of rows whose design is usually published as a report
    et_al_rate: float = 0.2
    grouped_rate: float = 0.6
    appendix_rate: float = 0.5


def pick(rng: random.Random, options: tuple[str, ...]) -> str:
    """One choice from the citation stream."""
    return options[rng.randrange(len(options))]


def person(rng: random.Random, surname: str) -> str:
    """`Surname AB` with one or two initials."""
    letters = "ABCDEGHJKLMNPRST"
    return f"{surname} {''.join(rng.choice(letters) for _ in range(rng.randint(1, 2)))}"


def draw_authors(rng: random.Random, first: str, options: Citations) -> tuple[tuple[str, ...], bool]:
    """The printed authors (first one given) and whether ", et al" follows them."""
    others = rng.sample(CO_AUTHORS, rng.randint(0, 5))
    et_al = rng.random() < options.et_al_rate
    return (person(rng, first), *(person(rng, name) for name in others[: 2 if et_al else 5])), et_al


def draw_title(rng: random.Random) -> str:
    """A title from the forms above, some ending in `?`, some with `vs.` inside."""
    treatment = pick(rng, TREATMENTS)
    words = {"t": treatment, "T": treatment[0].upper() + treatment[1:], "c": pick(rng, CONDITIONS),
             "d": pick(rng, DESIGN_WORDS)}
    return pick(rng, TITLE_FORMS).format(**words)


def draw_pmid(rng: random.Random, used: set[str]) -> str:
    """An eight-digit PMID not used yet in this report."""
    while True:
        pmid = str(rng.randint(20_000_000, 34_999_999))
        if pmid not in used:
            used.add(pmid)
            return pmid


def draw_doi(rng: random.Random, year: int) -> str:
    """A DOI in one of the shapes publishers use."""
    shapes = (
        f"10.1016/j.jclinepi.{year}.{rng.randint(1, 12):02d}.{rng.randint(1, 999):03d}",
        f"10.1136/bmj.i{rng.randint(1000, 9999)}",
        f"10.1056/NEJMoa{rng.randint(1_000_000, 1_999_999)}",
        f"10.1371/journal.pone.0{rng.randint(100_000, 299_999)}",
        f"10.1002/14651858.CD0{rng.randint(10_000, 13_000)}.pub{rng.randint(2, 4)}",
    )
    return shapes[rng.randrange(len(shapes))]


def nlm_pages(first: int, last: int) -> str:
    """A page range as NLM prints it, the last page without the digits it shares with the first: `1891-903`."""
    start, end = str(first), str(last)
    if len(start) != len(end):
        return f"{start}-{end}"
    shared = next((i for i, (a, b) in enumerate(zip(start, end)) if a != b), len(end) - 1)
    return f"{start}-{end[shared:]}"


def journal_article(rng: random.Random, authors: tuple[str, ...], et_al: bool, year: int) -> Citation:
    """A journal article with the volume, issue and pages shapes of its journal."""
    journal = pick(rng, JOURNALS)
    month = pick(rng, ("", "", MONTHS[rng.randrange(12)], f"{MONTHS[rng.randrange(12)]} {rng.randint(1, 28)}"))
    first_page = rng.randint(1, 2400)
    if journal == "Cochrane Database Syst Rev":
        volume, issue, pages = None, str(rng.randint(1, 12)), f"CD0{rng.randint(10_000, 13_000)}"
    elif journal == "PLoS One":
        volume, issue, pages = str(year - 2005), str(rng.randint(1, 12)), f"e0{rng.randint(100_000, 299_999)}"
    else:
        volume = str(rng.randint(3, 400))
        issue = str(rng.randint(1, 24)) if rng.random() < 0.8 else None
        pages = nlm_pages(first_page, first_page + rng.randint(4, 15))
    return Citation(authors, draw_title(rng), year, journal, volume, issue, pages, month, et_al)


def report_citation(rng: random.Random, authors: tuple[str, ...], et_al: bool, year: int) -> Citation:
    """A report cited with "[Internet]", its publisher, when it was cited, and where it is."""
    publisher, site = PUBLISHERS[rng.randrange(len(PUBLISHERS))]
    path = "/".join(pick(rng, URL_WORDS) for _ in range(rng.randint(1, 3)))
    cited = f"{year + 1} {pick(rng, MONTHS)} {rng.randint(1, 28)}"
    return Citation(authors, draw_title(rng), year, publisher=publisher, cited=cited, et_al=et_al,
                    url=f"{site}{path}-{rng.randint(100, 9999)}")


def draw_citation(rng: random.Random, first: str, year: int, design: str, options: Citations,
                  used: set[str]) -> Citation:
    """One entry's citation: a report for HTA-like designs now and then, else a journal article."""
    authors, et_al = draw_authors(rng, first, options)
    if design in REPORT_DESIGNS and rng.random() < options.report_rate:
        return report_citation(rng, authors, et_al, year)
    citation = journal_article(rng, authors, et_al, year)
    doi = draw_doi(rng, year) if rng.random() < options.doi_rate else None
    pmid = draw_pmid(rng, used) if rng.random() < options.pmid_rate else None
    return dataclasses.replace(citation, doi=doi, pmid=pmid)


def appendix(rng: random.Random, spec: ReportSpec, options: Citations, used: set[str]) -> tuple[tuple[str, Citation], ...]:
    """Two to eight further references under one to three of the appendix's group headings."""
    groups = sorted(rng.sample(APPENDIX_GROUPS, rng.randint(1, 3)), key=APPENDIX_GROUPS.index)
    years = range(spec.search_start.year, spec.search_end.year + 1)
    entries = []
    for group in sorted((pick(rng, tuple(groups)) for _ in range(rng.randint(2, 8))), key=groups.index):
        year = rng.choice(years)
        if group == "Previous CADTH Reports":
            title = draw_title(rng)
            entries.append((group, Citation((pick(rng, GROUP_AUTHORS),), title, year,
                                            publisher="Ottawa (ON): CADTH", cited=f"{year + 1} Jan 5",
                                            url=f"https://www.cadth.ca/{pick(rng, URL_WORDS)}-{rng.randint(100, 999)}")))
        else:
            entries.append((group, draw_citation(rng, pick(rng, APPENDIX_SURNAMES), year, "other", options, used)))
    return tuple(entries)


def with_citations(spec: ReportSpec, seed: int, options: Citations = Citations()) -> ReportSpec:
    """The spec with a citation on every study row, maybe design group headings, maybe an appendix."""
    rng = random.Random(f"citations:{seed}")
    used: set[str] = set()

    def cited(row: StudyRow) -> StudyRow:
        return dataclasses.replace(row, citation=draw_citation(rng, row.surname, row.year, row.design, options, used))

    tables = tuple(dataclasses.replace(table, rows=tuple(map(cited, table.rows))) for table in spec.tables)
    grouped = rng.random() < options.grouped_rate
    additional = appendix(rng, spec, options, used) if rng.random() < options.appendix_rate else ()
    return dataclasses.replace(spec, tables=tables, reference_groups=grouped, additional_references=additional)

"""How well a cell's text fits each column, from generic wording cues: the text-block alignment's scores.

Conclusions say what authors concluded, results carry numbers and comparisons, populations name
who was studied, indications are short noun phrases: cues that hold across reports, never a
study's own words. A block starting in lower case is the tail of a cut cell, so its wording
counts for less.
"""

from __future__ import annotations

import re

from extract.fields import design_for_label
from extract.text.clean import is_bullet_glyph


def column_fit(text: str, field: str) -> float:
    """Score how well a cell's text fits a column from generic wording cues (positive = fits)."""
    flat = " ".join(text.split())
    if not flat or _NEUTRAL.match(flat):
        return 0.0
    scorer = _SCORERS.get(field) or (_fit_evidence_grade if _GRADE_HEADER.search(field) and field.startswith("extra:") else None)
    score = scorer(flat, text) if scorer is not None else 0.0
    if is_bullet_glyph(flat[:1]):
        score -= _LIST_ITEM_PENALTY.get(field, 0.0)
    return score * _FRAGMENT_WEIGHT if flat[:1].islower() else score


_NEUTRAL = re.compile(
    r"^\W*(not\s+(specified|reported|stated|available|applicable|described|provided|mentioned)"
    r"(\s+in\s+the\s+\w+)?|nr|n/?a|none(\s+reported)?|unclear|unknown)\W*$",
    re.IGNORECASE,
)
_CONCLUSION_CUE = re.compile(
    r"\b(authors?|investigators|reviewers|researchers)\b[^.]{0,40}?\b(conclu\w*|suggest\w*|indicat\w*|stat(ed|es)"
    r"|recommend\w*|not(ed|es)|believe\w*|propos\w*|advis\w*|call\w* for|did not|could not|cannot)"
    r"|\bconclu(ded|sion|sions|de)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(may|might|could|should|recommend\w*|warrant\w*|further (research|studies|trials)|more (research|evidence)"
    r"|promising|beneficial|insufficient|uncertain|evidence|option|alternative|useful|appropriate)\b",
    re.IGNORECASE,
)
_STATISTIC = re.compile(r"%|\b(CI|OR|RR|HR|MD|SMD|NNT|IQR|SD|aOR|AUC)\b|\bp\s*[<=>\u2264\u2265]", re.UNICODE)
_NUMBER = re.compile(r"\d")
_FINDING = re.compile(
    r"\b(significant\w*|difference\w*|differ\w*|rates?|vs|versus|compared|than|higher|lower|greater|fewer"
    r"|increas\w*|decreas\w*|reduc\w*|improv\w*|observed|associated|risk|odds|mean|median|no effect)\b",
    re.IGNORECASE,
)
_POPULATION_START = re.compile(
    r"^\W*(\d[\d,]*\s+)?((out|in)?patients?|women|men|adults?|children|infants?|neonates?|newborns?|adolescents?"
    r"|participants?|people|persons?|individuals?|subjects?|pregnant|mothers?|girls?|boys?|elderly|older"
    r"|residents?|veterans?|healthy|volunteers?|users?|couples?|cases?|n\s*=)\b",
    re.IGNORECASE,
)
_POPULATION_WORD = re.compile(r"\b(aged?|years?|yrs|with|who|diagnosed|undergoing|receiving|n\s*=)\b", re.I)
_VERB = re.compile(
    r"\b(was|were|is|are|had|has|have|did|does|do|showed?|found|reported|observed|concluded|suggested"
    r"|indicated|increased|decreased|improved|reduced|appeared|became|provided|presented|recommended)\b",
    re.IGNORECASE,
)
_DESIGN_WORD = re.compile(
    r"\b(randomi[sz]ed|trials?|rcts?|cohort|case[- ]control|cross[- ]sectional|observational|retrospective"
    r"|prospective|systematic|meta[- ]analys[ie]s|review|case series|pilot|open[- ]label|single[- ]arm"
    r"|crossover|chart|registry|economic|cost[- ]\w+|guidelines?)\b",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"\d+(\.\d+)?\s*(mg|g|mcg|\u00b5g|ml|iu|units?)\b|\b(dose|doses|dosing|daily|weekly|monthly|infusions?|plus"
    r"|combined|therapy|treatment|administered|regimen)\b|\+",
    re.IGNORECASE,
)
_COMPARATOR_START = re.compile(
    r"^\W*(placebo|usual care|standard (of )?(care|treatment|therapy)|no (treatment|intervention)|controls?"
    r"|sham|vs\.?|versus|compared)",
    re.IGNORECASE,
)
_OUTCOME_WORD = re.compile(
    r"\b(mortality|survival|incidence|rates?|quality of life|adverse|safety|efficacy|response|remission|relapse"
    r"|hospitali[sz]ations?|length of stay|pain|function|events?|outcomes?|costs?|scores?)\b",
    re.IGNORECASE,
)


_LIST_ITEM_PENALTY = {
    "indication": 2.0,
    "study_design": 2.0,
    "comparator": 1.5,
    "intervention": 1.0,
    "authors_conclusions": 1.0,
    "population": 0.5,
}  # bulleted lists fill results and outcomes cells, rarely short-phrase ones
_FRAGMENT_WEIGHT = 0.5  # a block starting in lower case is the tail of a cut cell: its wording says less


def _word_count(flat: str) -> int:
    """Count whitespace-separated words."""
    return len(flat.split())


def _bullet_lines(raw: str) -> int:
    """Count lines after the first that start a new bullet (a glyph, or a space left where one was)."""
    return sum(1 for line in raw.split("\n")[1:] if line[:1].isspace() or is_bullet_glyph(line[:1]))


def _fit_conclusions(flat: str, raw: str) -> float:
    """Conclusions say what the authors concluded, suggested or recommended."""
    score = 3.5 if _CONCLUSION_CUE.search(flat) else (1.0 if _HEDGE.search(flat) else 0.0)
    if _STATISTIC.search(flat):
        score -= 1.0
    if not _VERB.search(flat) and _word_count(flat) <= 8:
        score -= 2.0
    return score


def _fit_results(flat: str, raw: str) -> float:
    """Results carry numbers, comparisons, significance and often bullet lists."""
    score = min(0.8 * len(_FINDING.findall(flat)), 2.4)
    score += 1.0 if _NUMBER.search(flat) else 0.0
    score += 1.0 if _STATISTIC.search(flat) else 0.0
    score += 0.5 if _bullet_lines(raw) else 0.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.5
    if not _VERB.search(flat) and not _NUMBER.search(flat) and _word_count(flat) <= 6:
        score -= 2.0
    return min(score, 3.5)


def _fit_population(flat: str, raw: str) -> float:
    """Populations name who was studied: patients, women, children, aged ..., with ..."""
    score = 2.5 if _POPULATION_START.search(flat) else 0.0
    score += 0.5 if _POPULATION_WORD.search(flat) else 0.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.5
    if re.search(r"\b(significant\w*|vs|versus|difference)\b", flat, re.IGNORECASE):
        score -= 1.0
    if _STATISTIC.search(flat):
        score -= 0.5
    if re.search(r"\b(should|must|recommended)\b", flat, re.IGNORECASE):
        score -= 2.0  # says what to do: a recommendation, not who was studied
    return score


def _fit_indication(flat: str, raw: str) -> float:
    """Indications are short noun phrases: no sentence verb, no final period, few numbers."""
    words = _word_count(flat)
    has_verb = bool(_VERB.search(flat))
    score = 2.0 if words <= 8 and not has_verb and not flat.endswith(".") else (1.0 if words <= 12 and not has_verb else 0.0)
    if has_verb:
        score -= 2.0
    if _NUMBER.search(flat):
        score -= 1.0
    if _POPULATION_START.search(flat):
        score -= 1.5
    if _CONCLUSION_CUE.search(flat):
        score -= 3.0
    return score


def _fit_study_design(flat: str, raw: str) -> float:
    """Study designs are design names: a known label, or a short phrase of design words."""
    if design_for_label(flat) is not None:
        return 3.5
    if _DESIGN_WORD.search(flat) and _word_count(flat) <= 10:
        return 2.0
    return -1.0


# One treatment set against another in a short phrase with no figures (`Telemonitoring vs usual
# care`; `vs` as the spacing artifact may leave it, `v s`): a finding says more, with numbers.
MAX_AGAINST_WORDS = 10
_AGAINST = re.compile(r"\b(v\s?s\.?|versus|compared (with|to))\s", re.IGNORECASE)


def _fit_intervention(flat: str, raw: str) -> float:
    """Interventions name treatments, doses and schedules, often set against their comparator."""
    score = min(0.7 * len(_DOSE.findall(flat)), 2.0)
    if _AGAINST.search(flat) and _word_count(flat) <= MAX_AGAINST_WORDS and not _NUMBER.search(flat):
        score += 2.5
    if _VERB.search(flat):
        score -= 1.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.0
    if _POPULATION_START.search(flat) or _COMPARATOR_START.search(flat):
        score -= 1.0
    return score


def _fit_comparator(flat: str, raw: str) -> float:
    """Comparators are placebo, usual care, no treatment or another named treatment."""
    score = 2.5 if _COMPARATOR_START.search(flat) else 0.0
    score += 0.5 if _word_count(flat) <= 8 else 0.0
    if _VERB.search(flat):
        score -= 1.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.0
    return score


def _fit_outcomes(flat: str, raw: str) -> float:
    """Outcome cells list measures (mortality, adverse events, quality of life) without verbs."""
    score = min(0.6 * len(_OUTCOME_WORD.findall(flat)), 2.0)
    score += 0.5 if re.search(r"[,;]", flat) or _bullet_lines(raw) else 0.0
    if _VERB.search(flat):
        score -= 1.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.0
    return score


_RECOMMENDATION_CUE = re.compile(
    r"\b(should|recommend\w*|suggest\w*|consider\w*|offer\w*|advis\w*|must|first[- ]line|reassess\w*|avoid\w*)\b",
    re.IGNORECASE,
)
_GRADE = re.compile(
    r"\b(level\s+[IVX\d]+[a-c]?|grade\s+[A-D1-4]|(strong|weak|conditional|consensus[- ]based|expert)\s+recommendation"
    r"|(high|moderate|low|very low)[- ](quality|certainty)|good practice|expert opinion)\b",
    re.IGNORECASE,
)
_GRADE_HEADER = re.compile(r"\b(strength|quality|grade|level|certainty)\b", re.IGNORECASE)


def _fit_recommendations(flat: str, raw: str) -> float:
    """A guideline's recommendations say what should (not) be done; a strength grade is no recommendation."""
    score = 2.5 if _RECOMMENDATION_CUE.search(flat) else 0.0
    score += 0.5 if _bullet_lines(raw) else 0.0
    if _GRADE.search(flat) and _word_count(flat) <= 8:
        score -= 3.0
    return score


def _fit_evidence_grade(flat: str, raw: str) -> float:
    """A strength or quality of evidence is a short grade: a level, a letter grade, strong or weak."""
    if _GRADE.search(flat) and _word_count(flat) <= 8:
        return 3.0
    return -1.0 if _word_count(flat) > 8 or _RECOMMENDATION_CUE.search(flat) else 0.0


_SCORERS = {
    "recommendations": _fit_recommendations,
    "authors_conclusions": _fit_conclusions,
    "results": _fit_results,
    "population": _fit_population,
    "indication": _fit_indication,
    "study_design": _fit_study_design,
    "intervention": _fit_intervention,
    "comparator": _fit_comparator,
    "outcomes": _fit_outcomes,
}

"""Apply stewards' decisions to one report's tables: correct, re-validate, waive, reject.

Corrections replace extracted values before validation, so a corrected value is checked like any
other; accepts and rejects act on validation's result. Every decision that no longer finds its
target is reported as a `stale_decision` failure instead of being applied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from extract.model import Extraction
from extract.review.decisions import (
    Decision,
    apply_corrections,
    apply_verdicts,
    decisions_for,
    stale_failures,
)

Validator = Callable[[Mapping[str, pd.DataFrame], Extraction], dict[str, pd.DataFrame]]


def decide_report(
    tables: Mapping[str, pd.DataFrame],
    extraction: Extraction,
    decisions: Sequence[Decision],
    validate: Validator,
    validated: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """One report's validated tables with its decisions applied.

    `validated` is validation's result without decisions, when already at hand (a cached run):
    it is reused unless a correction changes a value and so calls for validating again.
    """
    mine = decisions_for(decisions, [extraction.document.report_id])
    corrections = [d for d in mine if d.action == "correct"]
    studies, corrected = apply_corrections(tables["studies"], corrections)
    if corrections or validated is None:
        validated = validate({**tables, "studies": studies}, extraction)
    published = with_audit(validated["studies"], studies)
    held = with_audit(validated["quarantine_studies"], studies)
    everything = pd.concat([published, held], ignore_index=True)
    verdicts = apply_verdicts(everything, validated["validation_failures"], mine)
    studies_out, quarantine_out = settle_quarantine(published, held, verdicts.failures, verdicts.rejected_keys)
    failures = with_stale(verdicts.failures, [*corrected, *verdicts.outcomes])
    return {**validated, "studies": studies_out, "quarantine_studies": quarantine_out, "validation_failures": failures}


def decide_unreadable(
    tables: Mapping[str, pd.DataFrame], report_id: str, decisions: Sequence[Decision]
) -> dict[str, pd.DataFrame]:
    """An unreadable report's failure rows with its decisions applied (a steward may waive one)."""
    mine = [d for d in decisions_for(decisions, [report_id]) if d.action == "accept"]
    nothing = pd.DataFrame({"report_id": pd.Series(dtype="string"), "study_key": pd.Series(dtype="string")})
    verdicts = apply_verdicts(nothing, tables["validation_failures"], mine)
    return {**tables, "validation_failures": with_stale(verdicts.failures, verdicts.outcomes)}


def with_stale(failures: pd.DataFrame, outcomes: Sequence[tuple[Decision, str]]) -> pd.DataFrame:
    """The failures plus one `stale_decision` row per decision that found nothing to apply to."""
    stale = pd.DataFrame(stale_failures(outcomes))
    return pd.concat([failures, stale], ignore_index=True) if len(stale) else failures


def with_audit(validated: pd.DataFrame, corrected: pd.DataFrame) -> pd.DataFrame:
    """Carry the corrections' audit trail onto validated rows (validation may drop extra columns)."""
    trail = dict(zip(corrected["study_key"], corrected["review_audit"])) if len(corrected) else {}
    out = validated.copy()
    out["review_audit"] = pd.Series([trail.get(k) for k in out["study_key"]], index=out.index, dtype="string")
    return out


def settle_quarantine(
    published: pd.DataFrame,
    held: pd.DataFrame,
    failures: pd.DataFrame,
    rejected_keys: frozenset[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Release held rows whose errors were all waived; hold rejected rows; say why each is held."""
    status = failures["status"] if "status" in failures else pd.Series("open", index=failures.index)
    by_key = failures[failures["study_key"].notna()]
    open_errors = by_key[(by_key["severity"] == "error") & (status[by_key.index] == "open")]
    waived = set(by_key.loc[status[by_key.index] == "waived", "study_key"])
    reasons: dict[str, list[str]] = {}
    for key, check in zip(open_errors["study_key"], open_errors["check"]):
        reasons.setdefault(str(key), []).append(str(check))
    release = held["study_key"].isin(waived) & ~held["study_key"].isin(list(reasons))
    rows = pd.concat([published, held[release]], ignore_index=True)
    still_held = held[~release]
    rejected = rows["study_key"].isin(sorted(rejected_keys))
    quarantine = pd.concat([still_held, rows[rejected]], ignore_index=True)
    quarantine["quarantine_reason"] = pd.Series(
        [quarantine_reason(k, reasons, rejected_keys) for k in quarantine["study_key"]],
        index=quarantine.index, dtype="string",
    )
    return rows[~rejected].reset_index(drop=True), quarantine.reset_index(drop=True)


def quarantine_reason(key: object, reasons: Mapping[str, list[str]], rejected_keys: frozenset[str]) -> str:
    """Why a row is held: `rejected` by a steward, or its open error checks."""
    parts = (["rejected"] if key in rejected_keys else []) + reasons.get(str(key), [])
    return ", ".join(dict.fromkeys(parts)) or "error"

"""Stewards' decisions applied to one report's tables, in one pass: correct, validate, waive and reject, settle.

Corrections replace extracted values before validation, so a corrected value is checked like any
other (one that cannot stand in its column is not applied: `invalid_correction`, and the
extracted value stays); accepts and rejects act on validation's result; rows are then released from or held in
quarantine. A decision a later `revoke` names is not applied at all (`decisions.in_force`), as if
never made, though both stay in the file. A decision that no longer finds its target, and a
revoke that names no decision, becomes a `stale_decision` failure instead of being applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Iterable, Sequence

import pandas as pd

from extract.casts import cell_int
from extract.datasets import tables_as_objects
from extract.model import Extraction, Failure
from extract.tables_spec import failure_record
from extract.review.decisions import Decision, cell_text_or_empty, in_force


Validator = Callable[[Mapping[str, pd.DataFrame], Extraction], dict[str, pd.DataFrame]]


def decide_report(
    tables: Mapping[str, pd.DataFrame],
    extraction: Extraction,
    decisions: Sequence[Decision],
    validate: Validator,
    validated: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """One report's tables as published, given the decisions about that report (`decisions_for`).

    `validated` is validation's result without decisions, when already at hand (a cached run):
    it is reused unless a correction changes a value and so calls for validating again. The
    tables come back with object columns, the form `combine` joins and types once for every report.
    """
    decisions, unmatched = without_revoked(decisions)
    corrections = [d for d in decisions if d.action == "correct"]
    studies, corrected, refused = apply_corrections(tables["studies"], corrections)
    if corrections or validated is None:
        validated = validate({**tables, "studies": studies}, extraction)
    published = with_audit(validated["studies"], studies)
    held = with_audit(validated["quarantine_studies"], studies)
    everything = pd.concat([published, held], ignore_index=True)
    found = with_failures(validated["validation_failures"], refused)
    verdicts = apply_verdicts(everything, found, decisions)
    studies_out, quarantine_out = settle_quarantine(published, held, verdicts.failures, verdicts.rejected_keys)
    failures = with_stale(verdicts.failures, [*corrected, *verdicts.outcomes, *unmatched])
    decided = {**validated, "studies": studies_out, "quarantine_studies": quarantine_out, "validation_failures": failures}
    return tables_as_objects(decided)


def decide_unreadable(
    tables: Mapping[str, pd.DataFrame], report_id: str, decisions: Sequence[Decision]
) -> dict[str, pd.DataFrame]:
    """An unreadable report's failure rows with the decisions about it applied (a steward may waive one)."""
    kept, unmatched = without_revoked(decisions)
    accepts = [d for d in kept if d.action == "accept" and d.report_id == report_id]
    nothing = pd.DataFrame({"report_id": pd.Series(dtype="string"), "study_key": pd.Series(dtype="string")})
    verdicts = apply_verdicts(nothing, tables["validation_failures"], accepts)
    outcomes = [*verdicts.outcomes, *unmatched]
    return tables_as_objects({**tables, "validation_failures": with_stale(verdicts.failures, outcomes)})


def without_revoked(decisions: Sequence[Decision]) -> tuple[list[Decision], list[tuple[Decision, str]]]:
    """The decisions that act (none a later revoke names), and each revoke that named nothing, as stale.

    A file without revokes is taken as it is, so the common run does no extra work.
    """
    if not any(decision.action == "revoke" for decision in decisions):
        return list(decisions), []
    settled = in_force(decisions)
    return list(settled.decisions), [(revoke, "stale") for revoke in settled.unmatched]


# Columns a correction may not touch: they are keys or provenance, not extracted values; a row's
# reference text and study_id follow from its reference (correct the ref_no, pmid or doi instead).
PROTECTED_COLUMNS = frozenset({"report_id", "study_key", "source_page", "table_label", "reference_text", "study_id"})


@dataclass(frozen=True)
class AppliedDecisions:
    """A run's tables after decisions, with what each decision did."""

    studies: pd.DataFrame
    failures: pd.DataFrame
    rejected_keys: frozenset[str]
    outcomes: tuple[tuple[Decision, str], ...]


def audit_entry(decision: Decision, original: object) -> dict[str, str]:
    """What a correction changed, for the row's audit trail."""
    return {
        "column": decision.column,
        "action": decision.action,
        "original": cell_text_or_empty(original),
        "value": decision.value,
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at,
        "comment": decision.comment,
    }


def apply_corrections(
    studies: pd.DataFrame, decisions: Sequence[Decision]
) -> tuple[pd.DataFrame, tuple[tuple[Decision, str], ...], tuple[Failure, ...]]:
    """Replace extracted values with corrected ones before validation, keeping the originals.

    Returns the corrected studies (with a `review_audit` JSON column), each correction's outcome
    (`applied`, `stale`: its study or column no longer exists, or `invalid`: its value cannot
    stand in its column, see `review.corrections`), and an `invalid_correction` failure on the
    cell of each invalid correction that no later correction of the same cell replaces. An
    invalid value is never written: the extracted value stays, and the run goes on.
    """
    from extract.review.corrections import corrected_value, correction_problem  # pandera: only when there is a correction

    out = studies.copy()
    trails: dict[int, list[dict[str, str]]] = {}
    outcomes: list[tuple[Decision, str]] = []
    refused: list[Failure] = []
    corrections = [d for d in decisions if d.action == "correct"]
    for position, decision in enumerate(corrections):
        rows = out.index[(out["report_id"] == decision.report_id) & (out["study_key"] == decision.study_key)]
        if len(rows) == 0 or decision.column not in out.columns or decision.column in PROTECTED_COLUMNS:
            outcomes.append((decision, "stale"))
            continue
        row = rows[0]
        problem = correction_problem(decision.column, decision.value)
        if problem is not None:
            outcomes.append((decision, "invalid"))
            if not any(same_cell(decision, later) for later in corrections[position + 1:]):
                refused.append(invalid_correction(decision, out.loc[row], problem))
            continue
        trails.setdefault(row, []).append(audit_entry(decision, out.at[row, decision.column]))
        out.at[row, decision.column] = corrected_value(decision.column, decision.value)
        outcomes.append((decision, "applied"))
    out["review_audit"] = [json.dumps(trails[i], ensure_ascii=False) if i in trails else None for i in out.index]
    out["review_audit"] = out["review_audit"].astype("string")
    return out, tuple(outcomes), tuple(refused)


def same_cell(decision: Decision, other: Decision) -> bool:
    """Whether two corrections speak of one cell, so the later replaces the earlier."""
    return (decision.report_id, decision.study_key, decision.column) == (other.report_id, other.study_key, other.column)


def invalid_correction(decision: Decision, row: pd.Series, problem: str) -> Failure:
    """The failure that says a correction was not applied and why, on the cell it meant to correct."""
    original = cell_text_or_empty(row.get(decision.column)) or "(empty)"
    message = (
        f"The correction of {decision.column} ({decision.label}) was not applied: {problem}. "
        f"The extracted value {original!r} stays; correct it again with a value that fits, or remove the decision."
    )
    return Failure(
        check="invalid_correction", message=message, report_id=decision.report_id, table="studies",
        severity="warning", study_key=decision.study_key, ref_no=cell_int(row.get("ref_no")),
        column=decision.column, failure_case=decision.value, page_no=cell_int(row.get("source_page")),
    )


def with_failures(failures: pd.DataFrame, more: Sequence[Failure]) -> pd.DataFrame:
    """Validation's failures plus more found while deciding, as rows of the same table."""
    if not more:
        return failures
    return pd.concat([failures, pd.DataFrame([failure_record(f) for f in more])], ignore_index=True)


def apply_verdicts(
    studies: pd.DataFrame, failures: pd.DataFrame, decisions: Sequence[Decision]
) -> AppliedDecisions:
    """After validation: waive accepted failures and reject rows, reporting stale decisions.

    A failure gets `status` open, waived (an accept decision matches it) or rejected (its row
    was rejected). A study-level decision with no matching study is stale; an accept that
    matches no failure is stale too, since what it accepted is no longer reported.
    """
    failures = failures.copy()
    status = pd.Series("open", index=failures.index, dtype="string")
    decided = pd.Series(pd.NA, index=failures.index, dtype="string")
    outcomes: list[tuple[Decision, str]] = []
    keys = set(zip(studies["report_id"], studies["study_key"]))
    rejected: set[str] = set()
    for decision in decisions:
        if decision.action == "correct":
            continue
        if decision.action == "reject":
            if (decision.report_id, decision.study_key) in keys:
                rejected.add(decision.study_key)
                outcomes.append((decision, "applied"))
            else:
                outcomes.append((decision, "stale"))
            continue
        hits = [i for i, row in failures.iterrows() if decision.matches_failure(row)]
        for i in hits:
            status[i] = "waived"
            decided[i] = decision.label
        outcomes.append((decision, "applied" if hits else "stale"))
    if rejected:
        status[failures["study_key"].isin(sorted(rejected)).fillna(False).to_numpy()] = "rejected"
    failures["status"] = status
    failures["decision"] = decided
    return AppliedDecisions(studies, failures, frozenset(rejected), tuple(outcomes))


def stale_failures(outcomes: Iterable[tuple[Decision, str]]) -> list[dict[str, object]]:
    """Validation-failure rows for decisions whose target no longer exists (never applied)."""
    return [{**failure_record(stale_failure(decision)), "status": "open"} for decision, outcome in outcomes if outcome == "stale"]


def stale_failure(decision: Decision) -> Failure:
    """The warning that a decision matched nothing in this run."""
    target = f"{decision.study_key or decision.report_id}{' / ' + decision.column if decision.column else ''}"
    check = f" on check {decision.check}" if decision.check else ""
    if decision.action == "revoke":
        message = (
            f"The revoke ({decision.label}) for {target}{check} names no decision made at {decision.value} on "
            "the same keys that is still in force; it undid nothing. Review it or remove it from the decisions file."
        )
    else:
        message = (
            f"The {decision.action} decision ({decision.label}) for {target}{check} no longer matches anything in "
            "this run; it was not applied. Review it or remove it from the decisions file."
        )
    return Failure(
        check="stale_decision", message=message, report_id=decision.report_id, table="decisions", severity="warning",
        study_key=decision.study_key or None, column=decision.column or None, failure_case=decision.value or None,
    )


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

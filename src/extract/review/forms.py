"""What the page's forms ask for, checked before anything is written: one decision, a bulk decision, an undo.

Every refusal is a Refused with the status and a sentence the steward can act on. A decision
carries the steward's name, since the file is the audit trail; a bulk decision acts only on the
very set of failures the steward saw (their number and fingerprint must still hold); an undo names
a decision still in force. After a save the page returns to where the steward was: the filters
and page it came from (`back`, re-read as filters, so it can only lead back to the page) and
the card to look at next (`anchor`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from extract.review.apply import PROTECTED_COLUMNS
from extract.review.corrections import correction_problem
from extract.review.decisions import FORM_ACTIONS, Decision, DecisionError, new_decision
from extract.review.desk import FILTER_CHARS, FailureRecord, Filters
from extract.review.guard import Refused

ANCHOR = re.compile(r"f-[0-9a-f]{12}(?:-\d{1,4})?")
BULK_ACTIONS = ("accept", "reject", "revoke")


def require_name(form: Mapping[str, str]) -> str:
    """The steward's name: every saved decision says who made it."""
    name = form.get("decided_by", "").strip()
    if not name:
        raise Refused(400, "Not saved: give your name (it is remembered in this browser), so the decision says who made it.")
    return name


def decision_from_form(form: Mapping[str, str]) -> Decision:
    """The decision a failure's form asks for, or Refused(400) saying why it cannot be saved."""
    action = form.get("action", "")
    if action not in FORM_ACTIONS:
        raise Refused(400, f"Not saved: action {action[:20]!r} is not one of {', '.join(FORM_ACTIONS)}.")
    try:
        decision = new_decision(
            report_id=form.get("report_id", ""), study_key=form.get("study_key", ""),
            column=form.get("column", ""), check=form.get("check", ""),
            action=action,  # type: ignore[arg-type]
            value=form.get("value", ""), comment=form.get("comment", ""),
            decided_by=form.get("decided_by", "").strip(),
        )
    except DecisionError as error:
        raise Refused(400, f"Not saved: {error}.") from None
    if decision.action == "correct":
        if decision.column in PROTECTED_COLUMNS:
            raise Refused(400, f"Not saved: {decision.column} is a key, not an extracted value; it cannot be corrected.")
        problem = correction_problem(decision.column, decision.value)
        if problem:
            raise Refused(400, f"Not saved: {problem}.")
    if decision.action == "reject" and not decision.study_key:
        raise Refused(400, "Not saved: reject takes a study row out, and this failure is about the report, not a row; accept it or correct the row it names.")
    require_name(form)
    return decision


def filters_from_back(back: str) -> Filters:
    """The filters a form came from; whatever else `back` holds is dropped (it can only lead back to the page)."""
    params = {name: value for name, value in parse_qsl(back.lstrip("?")) if name in FILTER_CHARS}
    try:
        return Filters.from_params(params)
    except Refused:
        return Filters()


def return_url(form: Mapping[str, str], saved: str) -> str:
    """Where the page goes after a save: the same filters and page, a word on what was saved, the next card."""
    if form.get("back") == "decisions":
        return "/decisions?" + urlencode({"saved": saved})
    filters = filters_from_back(form.get("back", ""))
    query = urlencode([*filters.pairs(page=filters.page), ("saved", saved)])
    anchor = form.get("anchor", "")
    return f"/?{query}" + (f"#{anchor}" if ANCHOR.fullmatch(anchor) else "")


@dataclass(frozen=True)
class BulkRequest:
    """A bulk decision as asked: the filters that chose the failures, what the steward saw, and what to do."""

    filters: Filters
    action: str
    comment: str
    decided_by: str
    expected: int
    digest: str
    confirmed: bool


def bulk_request(form: Mapping[str, str]) -> BulkRequest:
    """The bulk form's fields, or Refused(400) saying which is wrong."""
    action = form.get("action", "")
    if action not in BULK_ACTIONS:
        raise Refused(400, f"Not saved: a bulk action is one of {', '.join(BULK_ACTIONS)}, not {action[:20]!r}.")
    expected = form.get("expected", "")
    if not expected.isdigit():
        raise Refused(400, "Not saved: the form does not say how many failures it was shown; reload the page.")
    filters = Filters.from_params({name: form.get(name, "") for name in ("report", "check", "severity", "status", "q")})
    return BulkRequest(filters, action, form.get("comment", ""), require_name(form), int(expected), form.get("digest", ""), form.get("confirm") == "yes")


def bulk_decisions(request: BulkRequest, records: Sequence[FailureRecord], targets: Sequence[Decision] = ()) -> tuple[Decision, ...]:
    """One decision per failure (accept or reject), or one revoke per decision in force (`targets`), all stamped alike.

    Failures the file's keys cannot tell apart (same report, row, column and check) share one decision.
    """
    made: dict[tuple[str, ...], Decision] = {}
    try:
        if request.action == "revoke":
            for target in targets:
                made.setdefault((*target.keys, target.decided_at), new_decision(
                    report_id=target.report_id, study_key=target.study_key, column=target.column, check=target.check,
                    action="revoke", value=target.decided_at, comment=request.comment, decided_by=request.decided_by))
            return tuple(made.values())
        for record in records:
            keys = (record.report_id, record.study_key, record.column, record.check)
            made.setdefault(keys, new_decision(
                report_id=record.report_id, study_key=record.study_key, column=record.column, check=record.check,
                action=request.action, comment=request.comment, decided_by=request.decided_by))  # type: ignore[arg-type]
    except DecisionError as error:
        raise Refused(400, f"Not saved: {error}.") from None
    return tuple(made.values())


def revoke_from_form(form: Mapping[str, str], acting: Sequence[Decision]) -> Decision:
    """The revoke an Undo button asks for, naming a decision still in force, or Refused saying why not."""
    name = require_name(form)
    keys = tuple(form.get(field, "") for field in ("report_id", "study_key", "column", "check"))
    decided_at = form.get("decided_at", "")
    if not any(d.keys == keys and d.decided_at == decided_at for d in acting):
        raise Refused(409, "Not undone: that decision is not in force any more (already revoked, or the file changed); reload the page.")
    report_id, study_key, column, check = keys
    try:
        return new_decision(report_id=report_id, study_key=study_key, column=column, check=check, action="revoke",
                            value=decided_at, comment=form.get("comment", ""), decided_by=name)
    except DecisionError as error:
        raise Refused(400, f"Not undone: {error}.") from None

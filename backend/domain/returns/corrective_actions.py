"""Corrective and preventive actions (纠正预防措施, Art. 25.3): the state table, who may make
each move, and what a proposal must say.

    PROPOSED --APPROVE (CS manager)--> MANAGER_APPROVED --APPROVE (CS director)-->
    DIRECTOR_APPROVED --MARK_IMPLEMENTED (owner or supervisor)--> IMPLEMENTED
    --VERIFY (supervisor, with a note on the effect)--> VERIFIED

Either approver may SEND_BACK (with a reason) instead: the action goes to SENT_BACK, where
the supervisor revises it and RESUBMITs it (back to PROPOSED, both approvals again).
ADMIN may make every move, as everywhere else in this system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from backend.domain import validation
from backend.domain.auth.roles import Role
from backend.domain.errors import DomainError, ErrorCode

MAX_LINKS = 50  # reasons, products and example tickets, each
NUMBER_PREFIX = "CA"


class CorrectiveStatus(StrEnum):
    PROPOSED = "PROPOSED"  # waits for the CS manager
    SENT_BACK = "SENT_BACK"  # an approver sent it back: the supervisor revises it
    MANAGER_APPROVED = "MANAGER_APPROVED"  # waits for the CS director
    DIRECTOR_APPROVED = "DIRECTOR_APPROVED"  # to be carried out by its owner
    IMPLEMENTED = "IMPLEMENTED"  # waits for the supervisor's verification
    VERIFIED = "VERIFIED"  # done: the effect is recorded


class CorrectiveMove(StrEnum):
    PROPOSE = "PROPOSE"  # the first history row (no status before it)
    APPROVE = "APPROVE"
    SEND_BACK = "SEND_BACK"
    RESUBMIT = "RESUBMIT"  # the supervisor's revision, back to PROPOSED
    MARK_IMPLEMENTED = "MARK_IMPLEMENTED"
    VERIFY = "VERIFY"


S, M = CorrectiveStatus, CorrectiveMove

# (status, move) -> (next status, the roles that may make it). OWNER below: the action's
# owner may mark it implemented whatever their role.
TABLE: dict[tuple[CorrectiveStatus, CorrectiveMove], tuple[CorrectiveStatus, frozenset[Role]]] = {
    (S.PROPOSED, M.APPROVE): (S.MANAGER_APPROVED, frozenset({Role.CS_MANAGER})),
    (S.PROPOSED, M.SEND_BACK): (S.SENT_BACK, frozenset({Role.CS_MANAGER})),
    (S.MANAGER_APPROVED, M.APPROVE): (S.DIRECTOR_APPROVED, frozenset({Role.CS_DIRECTOR})),
    (S.MANAGER_APPROVED, M.SEND_BACK): (S.SENT_BACK, frozenset({Role.CS_DIRECTOR})),
    (S.SENT_BACK, M.RESUBMIT): (S.PROPOSED, frozenset({Role.SUPERVISOR})),
    (S.DIRECTOR_APPROVED, M.MARK_IMPLEMENTED): (S.IMPLEMENTED, frozenset({Role.SUPERVISOR})),
    (S.IMPLEMENTED, M.VERIFY): (S.VERIFIED, frozenset({Role.SUPERVISOR})),
}
OWNER_MAY = frozenset({M.MARK_IMPLEMENTED})
# Who may propose a new action (no status yet).
PROPOSERS = frozenset({Role.SUPERVISOR, Role.ADMIN})


def allowed_moves(status: CorrectiveStatus) -> list[CorrectiveMove]:
    return [move for (at, move) in TABLE if at is status]


def may_make(status: CorrectiveStatus, move: CorrectiveMove, role: Role, is_owner: bool) -> bool:
    found = TABLE.get((status, move))
    if found is None:
        return False
    _, roles = found
    return role is Role.ADMIN or role in roles or (is_owner and move in OWNER_MAY)


def my_moves(status: CorrectiveStatus, role: Role, is_owner: bool) -> list[CorrectiveMove]:
    """The moves the caller may make now (the screen's buttons)."""
    return [move for move in allowed_moves(status) if may_make(status, move, role, is_owner)]


def next_status(
    status: CorrectiveStatus, move: CorrectiveMove, role: Role, is_owner: bool
) -> CorrectiveStatus:
    """Where `move` takes the action; a move the table lacks is INVALID_TRANSITION, a move
    by someone it does not name is NOT_ALLOWED."""
    found = TABLE.get((status, move))
    if found is None:
        allowed = ", ".join(allowed_moves(status)) or "none"
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"{move} is not a move from {status}; allowed: {allowed}.",
            "status",
        )
    if not may_make(status, move, role, is_owner):
        raise DomainError(
            ErrorCode.NOT_ALLOWED,
            f"{move} from {status} is not for {role}"
            + (" (or the owner)." if move in OWNER_MAY else "."),
            "status",
        )
    return found[0]


@dataclass(frozen=True, slots=True)
class Proposal:
    root_cause: str
    action: str
    due_date: date
    reason_codes: tuple[str, ...]
    skus: tuple[str, ...]
    ticket_numbers: tuple[str, ...]


def _codes(
    values: Sequence[str], field: str, max_length: int = validation.SHORT_TEXT
) -> tuple[str, ...]:
    if len(values) > MAX_LINKS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_LINKS} {field}.", field)
    cleaned = [
        validation.code(value, f"{field}.{n}", max_length=max_length)
        for n, value in enumerate(values)
    ]
    return tuple(dict.fromkeys(cleaned))


def check_proposal(
    *,
    root_cause: str,
    action: str,
    due_date: date,
    today: date,
    reason_codes: Sequence[str],
    skus: Sequence[str],
    ticket_numbers: Sequence[str],
) -> Proposal:
    """A proposal (or a revision) as it may be stored: texts required and within limits, a
    due date not in the past, at least one reason or product."""
    cause = validation.text(root_cause, "rootCause", max_length=validation.LONG_TEXT, required=True)
    what = validation.text(action, "action", max_length=validation.LONG_TEXT, required=True)
    if due_date < today:
        raise DomainError(ErrorCode.INVALID, "The due date is not in the past.", "dueDate")
    reasons = _codes(reason_codes, "reasonCodes")
    products = _codes(skus, "skus")
    if not reasons and not products:
        raise DomainError(
            ErrorCode.REQUIRED, "Link the action to at least one reason or product.", "reasonCodes"
        )
    tickets = _codes(ticket_numbers, "exampleTickets", max_length=32)
    return Proposal(cause, what, due_date, reasons, products, tickets)


def check_text(value: str, field: str, *, required: bool) -> str:
    """A note on a move: a send-back's reason and a verification's effect note are
    required; every note is at most 2,000 characters."""
    return validation.text(value, field, max_length=validation.LONG_TEXT, required=required)


@dataclass(frozen=True, slots=True)
class Periods:
    """Two periods of equal length: before the proposal, and from the implementation on."""

    before_from: datetime
    before_to: datetime
    after_from: datetime
    after_to: datetime


def effect_periods(
    proposed_at: datetime, implemented_at: datetime, verified_at: datetime
) -> Periods:
    """After: implementation to verification. Before: as long, ending at the proposal."""
    length = max(verified_at - implemented_at, timedelta(seconds=1))
    return Periods(proposed_at - length, proposed_at, implemented_at, implemented_at + length)

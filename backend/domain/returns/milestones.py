"""A ticket's milestones: the moments cycle-time analytics measure, kept on the ticket as
it moves so that no query has to scan the history for them.

- decided_at: the first APPROVE or DECLINE;
- arrived_at: the first move into RECEIVED (a refused or undeliverable parcel opens there);
- qc_inspected_at: the first INSPECT_QC;
- first_refund_at: the first refund paid;
- closed_at: the latest move into CLOSED, while the ticket is closed (a reopened ticket has
  none until it closes again).

The same definitions, taken from the history, backfill older tickets (migration 0009).

Each cycle-time stage's duration is kept too (`stage_seconds`), from its first moment to
its second, once both exist (migration 0010 backfills them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from backend.domain.returns.kinds import Action, TicketStatus

_DECIDING = frozenset({Action.APPROVE.value, Action.DECLINE.value})


class HasMilestones(Protocol):
    created_at: datetime
    decided_at: datetime | None
    arrived_at: datetime | None
    qc_inspected_at: datetime | None
    first_refund_at: datetime | None
    closed_at: datetime | None


def on_step(
    ticket: HasMilestones,
    action: str,
    before: TicketStatus | None,
    after: TicketStatus | None,
    at: datetime,
) -> dict[str, datetime | None]:
    """The milestone columns a history row (`action`, from `before` to `after`, None for
    a step that changes no status) sets on the ticket, at the row's time `at`."""
    changes: dict[str, datetime | None] = {}
    if action in _DECIDING and ticket.decided_at is None:
        changes["decided_at"] = at
    if after is TicketStatus.RECEIVED and ticket.arrived_at is None:
        changes["arrived_at"] = at
    if action == Action.INSPECT_QC.value and ticket.qc_inspected_at is None:
        changes["qc_inspected_at"] = at
    if after is TicketStatus.CLOSED:
        changes["closed_at"] = at
    elif after is not None and before is TicketStatus.CLOSED:
        changes["closed_at"] = None
    return changes


def on_refund(ticket: HasMilestones, at: datetime) -> dict[str, datetime | None]:
    """The milestone a refund paid at `at` sets: the first refund's time."""
    return {} if ticket.first_refund_at is not None else {"first_refund_at": at}


# The duration columns: (first moment, second moment) of each cycle-time stage.
STAGE_SPANS: dict[str, tuple[str, str]] = {
    "seconds_to_decision": ("created_at", "decided_at"),
    "seconds_arrival_to_qc": ("arrived_at", "qc_inspected_at"),
    "seconds_qc_to_refund": ("qc_inspected_at", "first_refund_at"),
    "seconds_whole": ("created_at", "closed_at"),
}


def stage_seconds(
    ticket: HasMilestones, changes: dict[str, datetime | None]
) -> dict[str, float | None]:
    """The stage durations once `changes` (milestone columns) apply to the ticket: seconds
    from a stage's first moment to its second, None while either is missing."""

    def moment(name: str) -> datetime | None:
        found: datetime | None = changes[name] if name in changes else getattr(ticket, name)
        return found

    spans: dict[str, float | None] = {}
    for column, (first, second) in STAGE_SPANS.items():
        start, end = moment(first), moment(second)
        spans[column] = None if start is None or end is None else (end - start).total_seconds()
    return spans

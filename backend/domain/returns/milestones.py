"""A ticket's milestones: the moments cycle-time analytics measure, kept on the ticket as
it moves so that no query has to scan the history for them.

- decided_at: the first APPROVE or DECLINE;
- arrived_at: the first move into RECEIVED (a refused or undeliverable parcel opens there);
- qc_inspected_at: the first INSPECT_QC;
- first_refund_at: the first refund paid;
- closed_at: the latest move into CLOSED, while the ticket is closed (a reopened ticket has
  none until it closes again).

The same definitions, taken from the history, backfill older tickets (migration 0009).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from backend.domain.returns.kinds import Action, TicketStatus

_DECIDING = frozenset({Action.APPROVE.value, Action.DECLINE.value})


class HasMilestones(Protocol):
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

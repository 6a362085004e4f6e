"""Corrective and preventive actions (Art. 25.3): propose, revise, and the other moves as
rows of one table (STEPS); each a keyed transaction with a version-checked change and a
history row. The rules (state table, who may make which move, what a proposal says) are in
domain/returns/corrective_actions.py.

On verification the effect is measured with the return analytics: for every linked reason
and product, the headline figures over the period from implementation to verification and
over a period as long just before the proposal. They are stored with the action, so the
record does not change when later data arrives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import corrective_actions as rules
from backend.domain.returns.corrective_actions import CorrectiveMove, CorrectiveStatus
from backend.domain.validation import code
from backend.persistence.models import CorrectiveAction, Product, ReturnReason
from backend.persistence.queries.analytics import ResolvedFilter
from backend.persistence.repositories import corrective_actions as repo
from backend.pubsub.base import PubSub
from backend.services import analytics
from backend.services.idempotency import Answer, run_once
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ProposalFields:
    root_cause: str
    action: str
    owner: str  # a staff user's name
    due_date: date
    reason_codes: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    example_tickets: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProposeCorrectiveAction:
    idempotency_key: str
    proposal: ProposalFields


@dataclass(frozen=True, slots=True)
class ReviseCorrectiveAction:
    """The supervisor's revision of a sent-back action, resubmitted for both approvals."""

    idempotency_key: str
    number: str
    proposal: ProposalFields
    note: str = ""


@dataclass(frozen=True, slots=True)
class MoveCorrectiveAction:
    """Approve, send back (note = the reason, required), mark implemented, or verify
    (note = the effect, required)."""

    idempotency_key: str
    number: str
    note: str = ""


def _request(cmd: Any) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in _flat(asdict(cmd)).items()
    }


def _flat(found: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in found.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def _answer(action: CorrectiveAction) -> dict[str, Any]:
    return {"correctiveActionId": action.id, "number": action.number}


def _concurrent() -> DomainError:
    return DomainError(
        ErrorCode.CONCURRENT_CHANGE,
        "Someone changed this corrective action at the same moment; reload it and try again.",
        "number",
    )


@dataclass(frozen=True, slots=True)
class _Resolved:
    proposal: rules.Proposal
    owner_id: int
    reason_ids: list[int]
    product_ids: list[int]
    ticket_ids: list[int]


async def _resolve(given: ProposalFields) -> _Resolved:
    """The domain's checks, then every code looked up; an unknown one is refused by name."""
    proposal = rules.check_proposal(
        root_cause=given.root_cause,
        action=given.action,
        due_date=given.due_date,
        today=datetime.now(UTC).date(),
        reason_codes=given.reason_codes,
        skus=given.skus,
        ticket_numbers=given.example_tickets,
    )
    owner = await repo.staff_user(code(given.owner, "owner"))
    if owner is None:
        raise DomainError(ErrorCode.UNKNOWN_USER, f"No active staff user {given.owner}.", "owner")
    reasons = await repo.reason_ids(proposal.reason_codes)
    for n, wanted in enumerate(proposal.reason_codes):
        if wanted not in reasons:
            raise DomainError(
                ErrorCode.NOT_FOUND, f"No return reason {wanted}.", f"reasonCodes.{n}"
            )
    products = await repo.product_ids(proposal.skus)
    for n, wanted in enumerate(proposal.skus):
        if wanted not in products:
            raise DomainError(ErrorCode.UNKNOWN_PRODUCT, f"No product {wanted}.", f"skus.{n}")
    tickets = await repo.ticket_ids(proposal.ticket_numbers)
    for n, wanted in enumerate(proposal.ticket_numbers):
        if wanted not in tickets:
            raise DomainError(
                ErrorCode.UNKNOWN_TICKET, f"No ticket {wanted}.", f"exampleTickets.{n}"
            )
    return _Resolved(
        proposal,
        owner.id,
        [reasons[c] for c in proposal.reason_codes],
        [products[c] for c in proposal.skus],
        [tickets[c] for c in proposal.ticket_numbers],
    )


def _fields(resolved: _Resolved) -> dict[str, Any]:
    p = resolved.proposal
    return {
        "root_cause": p.root_cause,
        "action": p.action,
        "owner_id": resolved.owner_id,
        "due_date": p.due_date,
    }


def _summary(resolved: _Resolved) -> dict[str, Any]:
    """What a proposal or revision said, for its history row."""
    p = resolved.proposal
    return {
        "rootCause": p.root_cause,
        "action": p.action,
        "ownerId": resolved.owner_id,
        "dueDate": p.due_date.isoformat(),
        "reasonCodes": list(p.reason_codes),
        "skus": list(p.skus),
        "exampleTickets": list(p.ticket_numbers),
    }


async def propose(pubsub: PubSub, actor: Principal, cmd: ProposeCorrectiveAction) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        if actor.role not in rules.PROPOSERS:
            raise DomainError(
                ErrorCode.NOT_ALLOWED, "The after-sales supervisor proposes actions.", "status"
            )
        resolved = await _resolve(cmd.proposal)
        now = datetime.now(UTC)
        action = await CorrectiveAction.create(
            number=await repo.next_number(rules.NUMBER_PREFIX, now.year),
            status=CorrectiveStatus.PROPOSED,
            proposed_by_id=actor.user_id,
            proposed_at=now,
            updated_at=now,
            **_fields(resolved),
        )
        await repo.set_links(
            action.id, resolved.reason_ids, resolved.product_ids, resolved.ticket_ids
        )
        await repo.add_event(
            action.id,
            actor.user_id,
            CorrectiveMove.PROPOSE,
            None,
            CorrectiveStatus.PROPOSED,
            detail=_summary(resolved),
        )
        return _answer(action)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "proposeCorrectiveAction", _request(cmd), work
    )


async def _found(number: str) -> CorrectiveAction:
    wanted = code(number, "number", max_length=32)
    action = await repo.by_number(wanted)
    if action is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"No corrective action {wanted}.", "number")
    return action


async def _move(
    actor: Principal,
    row: CorrectiveAction,
    move: CorrectiveMove,
    note: str = "",
    detail: dict[str, Any] | None = None,
    /,
    **changes: Any,
) -> None:
    """The table's move, by someone it names, in one version-checked update; history row."""
    before = row.status
    after = rules.next_status(before, move, actor.role, row.owner_id == actor.user_id)
    if not await repo.change(row, status=after, **changes):
        raise _concurrent()
    await repo.add_event(row.id, actor.user_id, move, before, after, note, detail)


async def revise(pubsub: PubSub, actor: Principal, cmd: ReviseCorrectiveAction) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        action = await _found(cmd.number)
        # the move first: a wrong state or role is named before the fields are judged
        rules.next_status(
            action.status, CorrectiveMove.RESUBMIT, actor.role, action.owner_id == actor.user_id
        )
        resolved = await _resolve(cmd.proposal)
        note = rules.check_text(cmd.note, "note", required=False)
        await _move(
            actor, action, CorrectiveMove.RESUBMIT, note, _summary(resolved), **_fields(resolved)
        )
        await repo.set_links(
            action.id, resolved.reason_ids, resolved.product_ids, resolved.ticket_ids
        )
        return _answer(action)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "reviseCorrectiveAction", _request(cmd), work
    )


# What a move stores besides its status: (the history row's detail, the row's other fields).
Changes = Callable[[CorrectiveAction, str], Awaitable[tuple[dict[str, Any] | None, dict[str, Any]]]]


async def _implemented(action: CorrectiveAction, note: str) -> tuple[None, dict[str, Any]]:
    return None, {"implemented_at": datetime.now(UTC)}


async def _verified(action: CorrectiveAction, note: str) -> tuple[dict[str, Any], dict[str, Any]]:
    now = datetime.now(UTC)
    assert action.implemented_at is not None  # IMPLEMENTED sets it
    effect = await measure(action, now)
    return {"effect": effect}, {"verified_at": now, "effect_note": note, "effect": effect}


@dataclass(frozen=True, slots=True)
class _Step:
    """What sets a MoveCorrectiveAction move apart from the others."""

    operation: str  # the idempotency record's name (the GraphQL mutation)
    note_field: str = "note"
    note_required: bool = False
    move_first: bool = False  # a wrong state or role is named before the note is judged
    changes: Changes | None = None


STEPS: dict[CorrectiveMove, _Step] = {
    CorrectiveMove.APPROVE: _Step("approveCorrectiveAction"),
    CorrectiveMove.SEND_BACK: _Step("sendBackCorrectiveAction", "reason", note_required=True),
    CorrectiveMove.MARK_IMPLEMENTED: _Step("markCorrectiveActionImplemented", changes=_implemented),
    CorrectiveMove.VERIFY: _Step(
        "verifyCorrectiveAction",
        "effectNote",
        note_required=True,
        move_first=True,
        changes=_verified,
    ),
}


async def make_move(
    pubsub: PubSub, actor: Principal, move: CorrectiveMove, cmd: MoveCorrectiveAction
) -> Answer:
    """Approve, send back, mark implemented or verify, as STEPS says."""
    step = STEPS[move]

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        action = await _found(cmd.number)
        if step.move_first:
            rules.next_status(action.status, move, actor.role, action.owner_id == actor.user_id)
        note = rules.check_text(cmd.note, step.note_field, required=step.note_required)
        detail, changes = (None, {}) if step.changes is None else await step.changes(action, note)
        await _move(actor, action, move, note, detail, **changes)
        return _answer(action)

    return await run_once(pubsub, actor, cmd.idempotency_key, step.operation, _request(cmd), work)


async def measure(action: CorrectiveAction, verified_at: datetime) -> dict[str, Any]:
    """The linked reasons' and products' figures before the proposal and after the
    implementation, over periods of equal length."""
    assert action.implemented_at is not None
    periods = rules.effect_periods(action.proposed_at, action.implemented_at, verified_at)
    reason_ids, product_ids = await repo.linked_ids(action.id)
    reasons = await ReturnReason.filter(id__in=reason_ids).order_by("code").values("id", "code")
    products = await Product.filter(id__in=product_ids).order_by("sku").values("id", "sku")
    subjects: list[tuple[str, str, ResolvedFilter, ResolvedFilter]] = []
    for row in reasons:
        subjects.append(
            (
                "REASON",
                str(row["code"]),
                ResolvedFilter(periods.before_from, periods.before_to, reason_id=row["id"]),
                ResolvedFilter(periods.after_from, periods.after_to, reason_id=row["id"]),
            )
        )
    for row in products:
        subjects.append(
            (
                "PRODUCT",
                str(row["sku"]),
                ResolvedFilter(periods.before_from, periods.before_to, product_id=row["id"]),
                ResolvedFilter(periods.after_from, periods.after_to, product_id=row["id"]),
            )
        )
    rows = []
    for dimension, key, before, after in subjects:
        rows.append(
            {
                "dimension": dimension,
                "key": key,
                "before": (await analytics.figures(before)).as_json(),
                "after": (await analytics.figures(after)).as_json(),
            }
        )
    return {
        "beforeFrom": periods.before_from.isoformat(),
        "beforeTo": periods.before_to.isoformat(),
        "afterFrom": periods.after_from.isoformat(),
        "afterTo": periods.after_to.isoformat(),
        "rows": rows,
    }

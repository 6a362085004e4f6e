"""The ticket state machines: one table per flow (source, kind, remote), in plain data.

A move the table does not allow is refused with INVALID_TRANSITION, naming the current
state and the moves allowed from it. Three moves hold in every flow: HOLD from any open
state and RESUME back to it; CANCEL before the goods arrive; REOPEN (a manager's) of a
closed, declined or cancelled ticket, back to the state it left.

Besides its moves, a state may offer steps taken in it that do not move the ticket by
themselves: a FOLLOW_UP ticket offers the follow-up call (the call that ends the follow-up
makes the flow's CLOSE). `allowed_actions` is what a ticket offers, steps first: the
ticket's `allowedActions`, and, kept for the caller's role, its `myActions`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.kinds import Action as A
from backend.domain.returns.kinds import ReturnKind, ReturnSource
from backend.domain.returns.kinds import TicketStatus as S

Table = Mapping[S, Mapping[A, S]]

_FROM_APPLICATION_TO_QC: dict[S, dict[A, S]] = {
    S.REQUESTED: {A.APPROVE: S.APPROVED, A.DECLINE: S.DECLINED},
    S.APPROVED: {A.RECEIVE: S.RECEIVED},
    S.RECEIVED: {A.UNPACK: S.UNPACKED},
    S.UNPACKED: {A.INSPECT_INITIAL: S.INITIAL_INSPECTED},
    S.INITIAL_INSPECTED: {A.INSPECT_QC: S.QC_INSPECTED},
}

CUSTOMER_RETURN: dict[S, dict[A, S]] = {
    **_FROM_APPLICATION_TO_QC,
    S.QC_INSPECTED: {A.ACCEPT: S.REFUND_PENDING, A.REJECT: S.REJECTED},
    S.REFUND_PENDING: {A.REFUND: S.REFUNDED},
    S.REFUNDED: {A.START_FOLLOW_UP: S.FOLLOW_UP},
    S.REJECTED: {A.RETURN_TO_CUSTOMER: S.RETURNED_TO_CUSTOMER},
    S.RETURNED_TO_CUSTOMER: {A.START_FOLLOW_UP: S.FOLLOW_UP},
    S.FOLLOW_UP: {A.CLOSE: S.CLOSED},
}

# The replacement ships on its own shipment while the original is inspected; the service
# lets follow-up start only once that shipment has left (DESIGN: "once both are done").
EXCHANGE: dict[S, dict[A, S]] = {
    **_FROM_APPLICATION_TO_QC,
    S.QC_INSPECTED: {A.ACCEPT: S.PUT_AWAY, A.REJECT: S.REJECTED},
    S.PUT_AWAY: {A.START_FOLLOW_UP: S.FOLLOW_UP},
    S.REJECTED: {A.RETURN_TO_CUSTOMER: S.RETURNED_TO_CUSTOMER},
    S.RETURNED_TO_CUSTOMER: {A.START_FOLLOW_UP: S.FOLLOW_UP},
    S.FOLLOW_UP: {A.CLOSE: S.CLOSED},
}

UNDELIVERABLE_LOCAL: dict[S, dict[A, S]] = {
    S.RECEIVED: {A.RESHIP: S.RESHIPPED},  # the same goods, a new waybill (Art. 16.1)
    S.RESHIPPED: {A.CLOSE: S.CLOSED},
}

UNDELIVERABLE_REMOTE: dict[S, dict[A, S]] = {
    S.REPORTED: {A.RESHIP: S.RESHIPPED},  # from stock first (Art. 16.2)
    S.RESHIPPED: {A.RECEIVE: S.RECEIVED},  # the stranded goods come back
    S.RECEIVED: {A.PUT_AWAY: S.PUT_AWAY},
    S.PUT_AWAY: {A.SWAP_WAYBILL: S.WAYBILL_SWAPPED},  # finance voids the old waybill
    S.WAYBILL_SWAPPED: {A.CLOSE: S.CLOSED},
}

REFUSED: dict[S, dict[A, S]] = {
    S.RECEIVED: {A.UNPACK: S.UNPACKED},  # registered with the courier's hand-over (Art. 17)
    S.UNPACKED: {A.INSPECT_INITIAL: S.INITIAL_INSPECTED},
    S.INITIAL_INSPECTED: {A.INSPECT_QC: S.QC_INSPECTED},
    S.QC_INSPECTED: {A.PUT_AWAY: S.REFUND_PENDING},
    S.REFUND_PENDING: {A.REFUND: S.REFUNDED},
    S.REFUNDED: {A.CLOSE: S.CLOSED},
}

NO_APPLICATION: dict[S, dict[A, S]] = {
    S.EXCEPTION: {A.LINK: S.CLOSED, A.RETURN_TO_CUSTOMER: S.RETURNED_TO_CUSTOMER},
    S.RETURNED_TO_CUSTOMER: {A.CLOSE: S.CLOSED},
}

# Steps taken in a state, not moves of a flow (see the module docstring), offered first.
IN_STATE: Mapping[S, tuple[A, ...]] = MappingProxyType({S.FOLLOW_UP: (A.FOLLOW_UP_CALL,)})

ENDED = frozenset({S.CLOSED, S.DECLINED, S.CANCELLED})
BEFORE_ARRIVAL = frozenset({S.REQUESTED, S.APPROVED})


@dataclass(frozen=True, slots=True)
class Flow:
    source: ReturnSource
    kind: ReturnKind
    remote: bool = False

    @property
    def table(self) -> Table:
        return _TABLES[
            (
                self.source,
                self.kind if self.source is ReturnSource.CUSTOMER_RETURN else None,
                self.remote,
            )
        ]

    @property
    def first_status(self) -> S:
        return next(iter(self.table))


def _frozen(table: dict[S, dict[A, S]]) -> Table:
    return MappingProxyType({s: MappingProxyType(moves) for s, moves in table.items()})


_TABLES: dict[tuple[ReturnSource, ReturnKind | None, bool], Table] = {
    (ReturnSource.CUSTOMER_RETURN, ReturnKind.RETURN, False): _frozen(CUSTOMER_RETURN),
    (ReturnSource.CUSTOMER_RETURN, ReturnKind.EXCHANGE, False): _frozen(EXCHANGE),
    (ReturnSource.UNDELIVERABLE, None, False): _frozen(UNDELIVERABLE_LOCAL),
    (ReturnSource.UNDELIVERABLE, None, True): _frozen(UNDELIVERABLE_REMOTE),
    (ReturnSource.REFUSED, None, False): _frozen(REFUSED),
    (ReturnSource.EXCEPTION, None, False): _frozen(NO_APPLICATION),
}


def flow_for(source: ReturnSource, kind: ReturnKind, remote: bool = False) -> Flow:
    if remote and source is not ReturnSource.UNDELIVERABLE:
        raise DomainError(
            ErrorCode.INVALID, "Only an undeliverable parcel can be remote.", "remote"
        )
    if kind is ReturnKind.EXCHANGE and source is not ReturnSource.CUSTOMER_RETURN:
        raise DomainError(
            ErrorCode.INVALID, "An exchange starts with the customer's application.", "kind"
        )
    return Flow(source, kind, remote)


def allowed_moves(flow: Flow, status: S) -> list[A]:
    moves = list(flow.table.get(status, {}))
    if status is S.ON_HOLD:
        return [A.RESUME]
    if status in ENDED:
        return [A.REOPEN]
    moves.append(A.HOLD)
    if status in BEFORE_ARRIVAL:
        moves.append(A.CANCEL)
    return moves


def steps_in(status: S) -> tuple[A, ...]:
    """The steps a ticket in `status` offers besides its moves."""
    return IN_STATE.get(status, ())


def with_steps(status: S, moves: Iterable[A]) -> list[A]:
    """`status`'s steps first, then `moves` (a step already among them is not repeated)."""
    steps = steps_in(status)
    return [*steps, *(move for move in moves if move not in steps)]


def allowed_actions(flow: Flow, status: S) -> list[A]:
    """Everything a ticket in `status` offers: its steps, then the moves its flow allows."""
    return with_steps(status, allowed_moves(flow, status))


def next_status(flow: Flow, status: S, action: A, *, held_from: S | None = None) -> S:
    """Where `action` takes a ticket in `status`; `held_from` is the status before a HOLD
    (for RESUME) or before it ended (for REOPEN)."""
    if action not in allowed_moves(flow, status):
        raise invalid_transition(flow, status, action)
    if action is A.HOLD:
        return S.ON_HOLD
    if action is A.CANCEL:
        return S.CANCELLED
    if action in (A.RESUME, A.REOPEN):
        if held_from is None or held_from in ENDED or held_from is S.ON_HOLD:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"Cannot tell which state to return to from {status}.",
                "status",
            )
        return held_from
    return flow.table[status][action]


def invalid_transition(flow: Flow, status: S, action: A) -> DomainError:
    allowed = ", ".join(allowed_moves(flow, status)) or "none"
    return DomainError(
        ErrorCode.INVALID_TRANSITION,
        f"{action} is not allowed while the ticket is {status}; allowed: {allowed}.",
        "status",
    )

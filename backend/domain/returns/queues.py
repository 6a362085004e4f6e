"""Whose turn it is: the role that takes a ticket's next step, per flow and status.

`myQueue` lists, oldest first, the tickets whose next step belongs to the caller's role.
A ticket on hold waits for its responsible person, not for a role.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend.domain.auth.roles import Role
from backend.domain.returns.kinds import ReturnKind, ReturnSource
from backend.domain.returns.kinds import TicketStatus as S
from backend.domain.returns.workflow import Flow, flow_for

CS, WH, QC, LOG, FIN = (
    Role.CUSTOMER_SERVICE,
    Role.WAREHOUSE,
    Role.QC,
    Role.LOGISTICS,
    Role.FINANCE,
)

_COMMON: dict[S, frozenset[Role]] = {
    S.REQUESTED: frozenset({CS}),
    S.APPROVED: frozenset({LOG}),  # the parcel is on its way: logistics tracks the waybill
    S.EXCEPTION: frozenset({CS}),
    S.UNPACKED: frozenset({WH}),
    S.INITIAL_INSPECTED: frozenset({QC}),
    S.QC_INSPECTED: frozenset({CS}),
    S.REJECTED: frozenset({LOG}),
    S.REFUND_PENDING: frozenset({FIN}),
    S.FOLLOW_UP: frozenset({CS}),
    S.RETURNED_TO_CUSTOMER: frozenset({CS}),
    S.RECEIVED: frozenset({WH}),
}

_BY_FLOW: dict[tuple[ReturnSource, bool], dict[S, frozenset[Role]]] = {
    (ReturnSource.UNDELIVERABLE, False): {
        S.RECEIVED: frozenset({LOG}),  # reship the same goods
        S.RESHIPPED: frozenset({LOG}),  # close once the courier has it
    },
    (ReturnSource.UNDELIVERABLE, True): {
        S.REPORTED: frozenset({LOG}),
        S.RESHIPPED: frozenset({LOG}),  # waiting for the stranded goods
        S.RECEIVED: frozenset({WH}),
        S.PUT_AWAY: frozenset({FIN}),  # swap the waybill
        S.WAYBILL_SWAPPED: frozenset({FIN}),
    },
    (ReturnSource.REFUSED, False): {
        S.QC_INSPECTED: frozenset({WH}),  # put away by grade
        S.REFUNDED: frozenset({CS}),
    },
}


def queue_roles(flow: Flow, status: S) -> frozenset[Role]:
    specific = _BY_FLOW.get((flow.source, flow.remote), {})
    if status in specific:
        return specific[status]
    if status is S.PUT_AWAY and flow.kind is ReturnKind.EXCHANGE:
        return frozenset({WH, LOG})  # the replacement still has to ship
    return _COMMON.get(status, frozenset())


def _flows() -> Iterator[Flow]:
    for source in ReturnSource:
        kinds = list(ReturnKind) if source is ReturnSource.CUSTOMER_RETURN else [ReturnKind.RETURN]
        for kind in kinds:
            yield flow_for(source, kind)
            if source is ReturnSource.UNDELIVERABLE:
                yield flow_for(source, kind, remote=True)


def waiting_for(role: Role) -> list[tuple[Flow, S]]:
    """Every (flow, status) whose next step is `role`'s; the admin sees every queue."""
    found = []
    for flow in _flows():
        for status in flow.table:
            roles = queue_roles(flow, status)
            if roles and (role is Role.ADMIN or role in roles):
                found.append((flow, status))
    return found

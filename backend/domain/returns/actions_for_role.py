"""Which of a ticket's next actions the caller may take: the ticket's allowed actions
(`workflow.allowed_actions`: the steps its state offers, such as the follow-up call while it
is FOLLOW_UP, then its flow's allowed moves), kept when the caller's role may run the
operation that makes the action. The handheld shows exactly these as buttons; the API still
checks every call on its own."""

from __future__ import annotations

from collections.abc import Iterable

from backend.domain.auth.permissions import may
from backend.domain.auth.roles import Role
from backend.domain.returns.inspection import INSPECTORS
from backend.domain.returns.kinds import Action, InspectionStage, TicketStatus
from backend.domain.returns.workflow import with_steps

# The GraphQL root field that makes each move. START_FOLLOW_UP happens by itself once the
# last shipment is out or the refund is paid, so nobody gets it as a button.
OPERATION: dict[Action, str | None] = {
    Action.APPROVE: "approveReturn",
    Action.DECLINE: "declineReturn",
    Action.RECEIVE: "registerParcel",
    Action.UNPACK: "unpackReturn",
    Action.INSPECT_INITIAL: "recordInspection",
    Action.INSPECT_QC: "recordInspection",
    Action.ACCEPT: "decideReturn",
    Action.REJECT: "decideReturn",
    Action.PUT_AWAY: "putAwayReturn",
    Action.REFUND: "issueRefund",
    Action.RESHIP: "reship",
    Action.SWAP_WAYBILL: "swapWaybill",
    Action.RETURN_TO_CUSTOMER: "returnToCustomer",
    Action.START_FOLLOW_UP: None,
    Action.LINK: "linkExceptionParcel",
    Action.CLOSE: "closeTicket",
    Action.HOLD: "holdTicket",
    Action.RESUME: "resumeTicket",
    Action.CANCEL: "cancelTicket",
    Action.REOPEN: "reopenTicket",
    Action.FOLLOW_UP_CALL: "recordFollowUp",
}

_STAGE = {Action.INSPECT_INITIAL: InspectionStage.INITIAL, Action.INSPECT_QC: InspectionStage.QC}


def may_take(role: Role | None, action: Action) -> bool:
    operation = OPERATION[action]
    if operation is None or not may(role, operation):
        return False
    stage = _STAGE.get(action)
    return stage is None or (role is not None and role in INSPECTORS[stage])


def actions_for(
    role: Role | None, actions: Iterable[Action], status: TicketStatus | None = None
) -> list[Action]:
    """The `actions` `role` may take, in order. `actions` are a ticket's allowed actions
    (`workflow.allowed_actions`); given bare moves, pass `status` to add its steps."""
    steps = with_steps(status, actions) if status is not None else list(actions)
    return [action for action in steps if may_take(role, action)]

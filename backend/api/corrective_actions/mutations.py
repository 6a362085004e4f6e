"""Corrective-action moves: input -> command -> service -> payload with the action as it
now is, or userErrors."""

from __future__ import annotations

from datetime import date

import strawberry

from backend.api.context import Info
from backend.api.corrective_actions.types import CorrectiveAction, build_actions
from backend.api.errors import UseCase, UserError, answer_or_errors
from backend.api.permissions import gated
from backend.domain.returns.corrective_actions import CorrectiveMove
from backend.persistence import models
from backend.services import corrective_actions as service


@strawberry.type
class CorrectiveActionPayload:
    corrective_action: CorrectiveAction | None
    replayed: bool
    user_errors: list[UserError]


@strawberry.input(description="What an action says; the same for a proposal and a revision.")
class CorrectiveActionFields:
    root_cause: str
    action: str
    owner: str = strawberry.field(description="The user name of whoever carries it out.")
    due_date: date = strawberry.field(description="Not in the past.")
    reason_codes: list[str] = strawberry.field(default_factory=list)
    skus: list[str] = strawberry.field(default_factory=list)
    example_tickets: list[str] = strawberry.field(
        default_factory=list, description="Return tickets' numbers."
    )

    def to_service(self) -> service.ProposalFields:
        return service.ProposalFields(
            root_cause=self.root_cause,
            action=self.action,
            owner=self.owner,
            due_date=self.due_date,
            reason_codes=list(self.reason_codes),
            skus=list(self.skus),
            example_tickets=list(self.example_tickets),
        )


@strawberry.input
class ProposeCorrectiveActionInput:
    idempotency_key: str
    fields: CorrectiveActionFields


@strawberry.input
class ReviseCorrectiveActionInput:
    idempotency_key: str
    number: str
    fields: CorrectiveActionFields
    note: str = ""


@strawberry.input
class ApproveCorrectiveActionInput:
    idempotency_key: str
    number: str
    note: str = ""


@strawberry.input
class SendBackCorrectiveActionInput:
    idempotency_key: str
    number: str
    reason: str


@strawberry.input
class MarkCorrectiveActionImplementedInput:
    idempotency_key: str
    number: str
    note: str = ""


@strawberry.input
class VerifyCorrectiveActionInput:
    idempotency_key: str
    number: str
    effect_note: str


async def _run(info: Info, call: UseCase) -> CorrectiveActionPayload:
    answer, errors = await answer_or_errors(info, call)
    if answer is None:
        return CorrectiveActionPayload(corrective_action=None, replayed=False, user_errors=errors)
    principal = info.context.principal
    assert principal is not None
    row = await models.CorrectiveAction.get(id=answer.response["correctiveActionId"])
    [built] = await build_actions(principal, [row])
    return CorrectiveActionPayload(
        corrective_action=built, replayed=answer.replayed, user_errors=[]
    )


async def _move(
    info: Info, move: CorrectiveMove, key: str, number: str, note: str
) -> CorrectiveActionPayload:
    """One of the table's moves (service.STEPS); `note` is the input's note, reason or
    effect note."""
    cmd = service.MoveCorrectiveAction(key, number, note)
    return await _run(info, lambda bus, who: service.make_move(bus, who, move, cmd))


@strawberry.type
class CorrectiveActionMutation:
    @strawberry.mutation(
        description="Propose a corrective action (after-sales supervisor): root cause, the"
        " action, owner, due date, linked reasons or products, example tickets."
    )
    @gated
    async def propose_corrective_action(
        self, info: Info, input: ProposeCorrectiveActionInput
    ) -> CorrectiveActionPayload:
        cmd = service.ProposeCorrectiveAction(input.idempotency_key, input.fields.to_service())
        return await _run(info, lambda bus, who: service.propose(bus, who, cmd))

    @strawberry.mutation(
        description="Revise a sent-back action and resubmit it for both approvals (supervisor)."
    )
    @gated
    async def revise_corrective_action(
        self, info: Info, input: ReviseCorrectiveActionInput
    ) -> CorrectiveActionPayload:
        cmd = service.ReviseCorrectiveAction(
            input.idempotency_key, input.number, input.fields.to_service(), input.note
        )
        return await _run(info, lambda bus, who: service.revise(bus, who, cmd))

    @strawberry.mutation(description="Approve: the CS manager first, then the CS director.")
    @gated
    async def approve_corrective_action(
        self, info: Info, input: ApproveCorrectiveActionInput
    ) -> CorrectiveActionPayload:
        return await _move(
            info, CorrectiveMove.APPROVE, input.idempotency_key, input.number, input.note
        )

    @strawberry.mutation(
        description="Send the action back to the supervisor, with a reason (the approver whose"
        " turn it is)."
    )
    @gated
    async def send_back_corrective_action(
        self, info: Info, input: SendBackCorrectiveActionInput
    ) -> CorrectiveActionPayload:
        return await _move(
            info, CorrectiveMove.SEND_BACK, input.idempotency_key, input.number, input.reason
        )

    @strawberry.mutation(
        description="Mark an approved action carried out (its owner or a supervisor)."
    )
    @gated
    async def mark_corrective_action_implemented(
        self, info: Info, input: MarkCorrectiveActionImplementedInput
    ) -> CorrectiveActionPayload:
        return await _move(
            info, CorrectiveMove.MARK_IMPLEMENTED, input.idempotency_key, input.number, input.note
        )

    @strawberry.mutation(
        description="Verify an implemented action with a note on its effect (supervisor); the"
        " before and after figures of its reasons and products are stored with it."
    )
    @gated
    async def verify_corrective_action(
        self, info: Info, input: VerifyCorrectiveActionInput
    ) -> CorrectiveActionPayload:
        return await _move(
            info, CorrectiveMove.VERIFY, input.idempotency_key, input.number, input.effect_note
        )

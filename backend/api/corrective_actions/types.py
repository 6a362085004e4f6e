"""Corrective actions as the API shows them. A page's links, history and people are loaded
in one statement per kind (`build_actions`), so a page costs the same at any size."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import strawberry

from backend.api.auth.types import UserRef
from backend.api.returns.lists import ReturnReason
from backend.domain.auth.roles import Principal
from backend.domain.returns import corrective_actions as rules
from backend.persistence import models

CorrectiveStatus = strawberry.enum(rules.CorrectiveStatus, name="CorrectiveActionStatus")
CorrectiveMove = strawberry.enum(rules.CorrectiveMove, name="CorrectiveActionMove")


@strawberry.type
class LinkedProduct:
    sku: str
    name_zh: str
    name_en: str


@strawberry.type
class CorrectiveActionEvent:
    at: datetime
    actor: UserRef
    move: CorrectiveMove  # type: ignore[valid-type]
    from_status: CorrectiveStatus | None  # type: ignore[valid-type]
    to_status: CorrectiveStatus  # type: ignore[valid-type]
    note: str = strawberry.field(description="A send-back's reason, a verification's note.")


@strawberry.type(description="Headline return figures of one reason or product in a period.")
class EffectFigures:
    tickets: int
    units: int
    shipped_units: int
    return_rate: float | None
    qc_units: int
    customer_units: int
    customer_damage_share: float | None

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> EffectFigures:
        return cls(
            tickets=found["tickets"],
            units=found["units"],
            shipped_units=found["shippedUnits"],
            return_rate=found["returnRate"],
            qc_units=found["qcUnits"],
            customer_units=found["customerUnits"],
            customer_damage_share=found["customerDamageShare"],
        )


@strawberry.type
class EffectRow:
    dimension: str = strawberry.field(description="REASON or PRODUCT.")
    key: str = strawberry.field(description="The reason's code or the product's SKU.")
    before: EffectFigures
    after: EffectFigures


@strawberry.type(
    description="The figures the verification was judged on, stored with it: each linked"
    " reason and product, before the proposal and after the implementation, over periods"
    " of equal length."
)
class CorrectiveActionEffect:
    before_from: datetime
    before_to: datetime
    after_from: datetime
    after_to: datetime
    rows: list[EffectRow]

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> CorrectiveActionEffect:
        return cls(
            before_from=datetime.fromisoformat(found["beforeFrom"]),
            before_to=datetime.fromisoformat(found["beforeTo"]),
            after_from=datetime.fromisoformat(found["afterFrom"]),
            after_to=datetime.fromisoformat(found["afterTo"]),
            rows=[
                EffectRow(
                    dimension=row["dimension"],
                    key=row["key"],
                    before=EffectFigures.from_json(row["before"]),
                    after=EffectFigures.from_json(row["after"]),
                )
                for row in found["rows"]
            ],
        )


@strawberry.type(description="A corrective and preventive action (纠正预防措施, Art. 25.3).")
class CorrectiveAction:
    number: str
    status: CorrectiveStatus  # type: ignore[valid-type]
    root_cause: str
    action: str
    owner: UserRef
    due_date: date
    proposed_by: UserRef
    proposed_at: datetime
    implemented_at: datetime | None
    verified_at: datetime | None
    reasons: list[ReturnReason]
    products: list[LinkedProduct]
    example_tickets: list[str] = strawberry.field(description="Example tickets' numbers.")
    my_actions: list[CorrectiveMove] = strawberry.field(  # type: ignore[valid-type]
        description="The moves the caller may make now (the screen's buttons)."
    )
    history: list[CorrectiveActionEvent]
    effect_note: str
    effect: CorrectiveActionEffect | None
    pk: strawberry.Private[int]


async def build_actions(
    principal: Principal, rows: list[models.CorrectiveAction]
) -> list[CorrectiveAction]:
    ids = [row.id for row in rows]
    if not ids:
        return []
    reasons: dict[int, list[ReturnReason]] = defaultdict(list)
    for link in (
        await models.CorrectiveActionReason.filter(corrective_action_id__in=ids)
        .select_related("reason")
        .order_by("id")
    ):
        reasons[link.corrective_action_id].append(ReturnReason.from_model(link.reason))
    products: dict[int, list[LinkedProduct]] = defaultdict(list)
    for row in (
        await models.CorrectiveActionProduct.filter(corrective_action_id__in=ids)
        .order_by("id")
        .values("corrective_action_id", "product__sku", "product__name_zh", "product__name_en")
    ):
        products[row["corrective_action_id"]].append(
            LinkedProduct(
                sku=row["product__sku"],
                name_zh=row["product__name_zh"],
                name_en=row["product__name_en"],
            )
        )
    tickets: dict[int, list[str]] = defaultdict(list)
    for row in (
        await models.CorrectiveActionTicket.filter(corrective_action_id__in=ids)
        .order_by("id")
        .values("corrective_action_id", "ticket__number")
    ):
        tickets[row["corrective_action_id"]].append(row["ticket__number"])
    events = await models.CorrectiveActionEvent.filter(corrective_action_id__in=ids).order_by("id")
    user_ids = {e.actor_id for e in events} | {r.owner_id for r in rows}
    user_ids |= {r.proposed_by_id for r in rows}
    users = {u.id: UserRef.from_model(u) for u in await models.User.filter(id__in=list(user_ids))}
    history: dict[int, list[CorrectiveActionEvent]] = defaultdict(list)
    for e in events:
        history[e.corrective_action_id].append(
            CorrectiveActionEvent(
                at=e.at,
                actor=users[e.actor_id],
                move=e.move,
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note,
            )
        )
    return [
        CorrectiveAction(
            number=r.number,
            status=r.status,
            root_cause=r.root_cause,
            action=r.action,
            owner=users[r.owner_id],
            due_date=r.due_date,
            proposed_by=users[r.proposed_by_id],
            proposed_at=r.proposed_at,
            implemented_at=r.implemented_at,
            verified_at=r.verified_at,
            reasons=reasons[r.id],
            products=products[r.id],
            example_tickets=tickets[r.id],
            my_actions=rules.my_moves(r.status, principal.role, r.owner_id == principal.user_id),
            history=history[r.id],
            effect_note=r.effect_note,
            effect=CorrectiveActionEffect.from_json(r.effect) if r.effect else None,
            pk=r.id,
        )
        for r in rows
    ]

"""Corrective actions: numbers, version-checked changes, link tables and history rows.
Every change to an action row is conditional on its version, so two approvers acting at
once never both win."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from backend.domain.auth.roles import Role
from backend.domain.returns.corrective_actions import CorrectiveMove, CorrectiveStatus
from backend.persistence.models import (
    CorrectiveAction,
    CorrectiveActionEvent,
    CorrectiveActionProduct,
    CorrectiveActionReason,
    CorrectiveActionTicket,
    Product,
    ReturnReason,
    ReturnTicket,
    User,
)
from backend.persistence.repositories import counters
from backend.persistence.repositories.versioning import change as change


async def next_number(prefix: str, year: int) -> str:
    """CA-2026-0001: one counter per prefix and year."""
    return f"{prefix}-{year}-{await counters.advance(f'{prefix}-{year}'):04d}"


async def by_number(number: str) -> CorrectiveAction | None:
    return await CorrectiveAction.get_or_none(number=number)


async def add_event(
    action_id: int,
    actor_id: int,
    move: CorrectiveMove,
    from_status: CorrectiveStatus | None,
    to_status: CorrectiveStatus,
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> CorrectiveActionEvent:
    return await CorrectiveActionEvent.create(
        corrective_action_id=action_id,
        at=datetime.now(UTC),
        actor_id=actor_id,
        move=move,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=detail or {},
    )


async def reason_ids(codes: Sequence[str]) -> dict[str, int]:
    """Active reasons by code (unknown or retired codes are missing from the answer)."""
    if not codes:
        return {}
    rows = await ReturnReason.filter(code__in=list(codes), active=True).values("id", "code")
    return {str(row["code"]): int(row["id"]) for row in rows}


async def product_ids(skus: Sequence[str]) -> dict[str, int]:
    if not skus:
        return {}
    rows = await Product.filter(sku__in=list(skus)).values("id", "sku")
    return {str(row["sku"]): int(row["id"]) for row in rows}


async def ticket_ids(numbers: Sequence[str]) -> dict[str, int]:
    if not numbers:
        return {}
    rows = await ReturnTicket.filter(number__in=list(numbers)).values("id", "number")
    return {str(row["number"]): int(row["id"]) for row in rows}


async def staff_user(username: str) -> User | None:
    """An active staff account (partners' system users own no actions)."""
    return await User.get_or_none(username=username, active=True, role__not=Role.PARTNER)


async def set_links(
    action_id: int, reasons: Sequence[int], products: Sequence[int], tickets: Sequence[int]
) -> None:
    """Replace the action's links with these (a revision may change them)."""
    await CorrectiveActionReason.filter(corrective_action_id=action_id).delete()
    await CorrectiveActionProduct.filter(corrective_action_id=action_id).delete()
    await CorrectiveActionTicket.filter(corrective_action_id=action_id).delete()
    for reason_id in reasons:
        await CorrectiveActionReason.create(corrective_action_id=action_id, reason_id=reason_id)
    for product_id in products:
        await CorrectiveActionProduct.create(corrective_action_id=action_id, product_id=product_id)
    for ticket_id in tickets:
        await CorrectiveActionTicket.create(corrective_action_id=action_id, ticket_id=ticket_id)


async def linked_ids(action_id: int) -> tuple[list[int], list[int]]:
    """The linked reasons' and products' ids."""
    reasons = await CorrectiveActionReason.filter(corrective_action_id=action_id).values(
        "reason_id"
    )
    products = await CorrectiveActionProduct.filter(corrective_action_id=action_id).values(
        "product_id"
    )
    return [int(r["reason_id"]) for r in reasons], [int(p["product_id"]) for p in products]

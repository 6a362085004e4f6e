"""setReorderPolicy: one keyed transaction that saves a product's reorder point, safety
stock and cover days in a warehouse and checks it against the available stock at once, so
a point set above what is available is below (and alerts) immediately."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory import reorder
from backend.persistence.repositories import replenishment as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.replenishment import watch
from backend.services.stock import lookups
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class SetReorderPolicy:
    idempotency_key: str
    sku: str
    warehouse_code: str
    reorder_point: int
    safety_stock: int
    cover_days: int = reorder.DEFAULT_COVER_DAYS


async def warehouse(code: str, field: str = "warehouseCode") -> tuple[int, str]:
    """The id and code of an active warehouse, or a userError naming the unknown code."""
    cleaned = validation.code(code, field)
    found = await repo.warehouse_id(cleaned)
    if found is None:
        raise DomainError(ErrorCode.UNKNOWN_WAREHOUSE, f"No active warehouse {cleaned}.", field)
    return found, cleaned


async def set_reorder_policy(pubsub: PubSub, actor: Principal, cmd: SetReorderPolicy) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        levels = reorder.check_levels(cmd.reorder_point, cmd.safety_stock, cmd.cover_days)
        product = await lookups.product(cmd.sku)
        warehouse_id, warehouse_code = await warehouse(cmd.warehouse_code)
        policy_id = await repo.save_policy(
            product.id, warehouse_id, levels, actor.user_id, datetime.now(UTC)
        )
        names = {(product.id, warehouse_id): (product.sku, warehouse_code)}
        for topic, message in await watch.crossings(names):
            uow.emit(topic, message)
        return {"policyId": policy_id}

    return await run_once(pubsub, actor, cmd.idempotency_key, "setReorderPolicy", asdict(cmd), work)

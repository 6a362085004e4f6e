"""A just-in-time supplier's stated availability: set by its partner account (or an
administrator), read by staff and by that partner."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.auth.scope import scope_of
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory import supply as rules
from backend.persistence.models import Supplier
from backend.persistence.repositories import supply as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class SetSupplierAvailability:
    idempotency_key: str
    supplier_code: str
    items: list[rules.AvailabilityItem] = field(default_factory=list)


async def visible_supplier(actor: Principal, code: str) -> Supplier:
    """A supplier the caller may see: staff see all, a partner the suppliers it is the
    partner account of."""
    cleaned = validation.code(code, "supplierCode")
    supplier = await repo.supplier_by_code(cleaned)
    if supplier is None or not scope_of(actor).sees(supplier.partner_id):
        raise DomainError(ErrorCode.NOT_FOUND, f"No supplier {cleaned}.", "supplierCode")
    return supplier


async def set_availability(
    pubsub: PubSub, actor: Principal, cmd: SetSupplierAvailability
) -> Answer:
    """What the supplier can ship now, per product: each product must be this supplier's;
    the figures replace the earlier ones."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        supplier = await visible_supplier(actor, cmd.supplier_code)
        items = rules.check_items(cmd.items)
        products = await repo.products_by_sku([item.sku for item in items])
        now = datetime.now(UTC)
        for n, item in enumerate(items):
            product = products.get(item.sku)
            if product is None or product.supplier_id != supplier.id:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{item.sku} is not a product of supplier {supplier.code}.",
                    f"items.{n}.sku",
                )
            await repo.set_available(supplier.id, product.id, item.available, actor.user_id, now)
        return {"supplierId": supplier.id}

    request = asdict(cmd)
    return await run_once(
        pubsub, actor, cmd.idempotency_key, "setSupplierAvailability", request, work
    )

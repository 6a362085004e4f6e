"""Two orders racing for the last units a supplier stated: exactly one is covered, and the
availability never goes below zero (one conditional UPDATE in persistence/repositories/
supply.take_available)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from backend.domain.auth.roles import Principal, Role
from backend.domain.stock.kinds import SupplyMode
from backend.persistence import models as m
from backend.pubsub.memory import MemoryPubSub
from backend.services import orders


async def test_only_one_of_two_racing_orders_is_covered(actors, catalogue):
    supplier = await m.Supplier.create(code="SUP-JIT", name="Hangzhou Weaving")
    product = await m.Product.create(
        sku="JIT-1",
        name_zh="JIT-1",
        name_en="JIT-1",
        category_id=catalogue.products[0].category_id,
        unit_price=Decimal("120.00"),
        supply_mode=SupplyMode.JUST_IN_TIME,
        supplier=supplier,
    )
    user = actors[Role.ADMIN].user
    await m.SupplierAvailability.create(
        supplier=supplier, product=product, available=3, updated_by=user, updated_at=user.created_at
    )
    admin = Principal(user.id, user.username, user.role, None, None)
    bus = MemoryPubSub()

    def order(n: int) -> orders.CreateOrder:
        return orders.CreateOrder(
            idempotency_key=f"race-{n}",
            number=f"SO-RACE-{n}",
            customer_name="陈晓",
            customer_phone="13800000001",
            customer_address="上海市",
            lines=[orders.OrderLineInput("JIT-1", 2, "120.00")],
        )

    await asyncio.gather(*(orders.create_order(bus, admin, order(n)) for n in (1, 2)))
    covered = sorted(r.covered for r in await m.PurchaseRequest.all())
    assert covered == [False, True]
    assert (await m.SupplierAvailability.get(product_id=product.id)).available == 1

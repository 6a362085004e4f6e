"""A purchase request's events go out after its transaction commits, never for a refused
request (services/inventory/events.py on the `purchase_requests` topic)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from backend.domain.auth.roles import Principal, Role
from backend.domain.errors import DomainError
from backend.domain.stock.kinds import SupplyMode
from backend.persistence import models as m
from backend.services import orders
from backend.services.inventory import events
from backend.services.inventory import purchase_requests as requests


class Recorder:
    """A pub/sub that remembers what was published."""

    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []

    async def publish(self, topic: str, message: dict[str, Any]) -> None:
        self.published.append((topic, message))

    def on(self, topic: str) -> list[dict[str, Any]]:
        return [message for found, message in self.published if found == topic]


def _order(number: str, key: str, *skus: str) -> orders.CreateOrder:
    return orders.CreateOrder(
        idempotency_key=key,
        number=number,
        customer_name="陈晓",
        customer_phone="13800000001",
        customer_address="上海市",
        lines=[orders.OrderLineInput(sku, 2, "120.00") for sku in skus],
    )


async def test_opened_and_shipped_events_follow_the_commit(actors, catalogue):
    supplier = await m.Supplier.create(code="SUP-JIT", name="Hangzhou Weaving")
    for sku, source in (("JIT-1", supplier), ("JIT-NONE", None)):
        await m.Product.create(
            sku=sku,
            name_zh=sku,
            name_en=sku,
            category_id=catalogue.products[0].category_id,
            unit_price=Decimal("120.00"),
            supply_mode=SupplyMode.JUST_IN_TIME,
            supplier=source,
        )
    user = actors[Role.CUSTOMER_SERVICE].user
    cs = Principal(user.id, user.username, user.role, None, None)
    bus = Recorder()
    await orders.create_order(bus, cs, _order("SO-E1", "e-1", "JIT-1"))  # type: ignore[arg-type]
    [opened] = bus.on(events.TOPIC)
    request = await m.PurchaseRequest.get(number=opened["number"])
    assert opened["event"] == "OPENED"
    assert (opened["status"], opened["quantity"], opened["covered"]) == ("OPEN", 2, False)
    assert opened["orderId"] == request.order_id

    # JIT-1's request is made, then JIT-NONE (no supplier) refuses the whole order
    refused_order = _order("SO-E2", "e-2", "JIT-1", "JIT-NONE")
    with pytest.raises(DomainError) as refused:
        await orders.create_order(bus, cs, refused_order)  # type: ignore[arg-type]
    assert "JIT-NONE" in refused.value.message
    assert len(bus.on(events.TOPIC)) == 1  # nothing published for the rolled-back request
    assert await m.PurchaseRequest.all().count() == 1
    assert not await m.SalesOrder.exists(number="SO-E2")

    logistics = actors[Role.LOGISTICS].user
    clerk = Principal(logistics.id, logistics.username, logistics.role, None, None)
    await requests.mark_shipped(
        bus,  # type: ignore[arg-type]
        clerk,
        requests.MarkPurchaseRequestShipped("e-3", request.number, "SF", "SF-E-1"),
    )
    assert [e["event"] for e in bus.on(events.TOPIC)] == ["OPENED", "SHIPPED"]
    assert bus.on(events.TOPIC)[-1]["status"] == "SHIPPED"

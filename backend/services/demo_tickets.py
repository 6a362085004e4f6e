"""Demo return tickets for `make run`, opened and moved through the real services, so
every role's queue has something in it: an application for CS, an exchange waiting for
its first inspection, a return waiting for QC, a refused parcel to unpack, and a parcel
that arrived without an application."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.auth.roles import Principal
from backend.domain.returns.inspection import UnitResult
from backend.domain.returns.kinds import InspectionStage, ReturnKind
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import OrderLine, Product, SalesOrder, StockBalance, User
from backend.persistence.repositories import tickets as tickets_repo
from backend.pubsub.base import PubSub
from backend.services import orders
from backend.services.returns import applications, arrivals, inspections
from backend.services.returns.casefile import visible_ticket


async def _actor(username: str) -> Principal:
    user = await User.get(username=username)
    return Principal(user.id, user.username, user.role, user.partner_id, None)


async def _skus(order_number: str) -> list[str]:
    order = await SalesOrder.get(number=order_number)
    lines = await OrderLine.filter(order_id=order.id).select_related("product").order_by("id")
    return [line.product.sku for line in lines]


async def _out_for_delivery(pubsub: PubSub, partner: Principal, logistics: Principal) -> str:
    """An order shipped yesterday that the customer will refuse at the door: its waybill."""
    sku = (await _skus("SO-2026-00007"))[0]
    product = await Product.get(sku=sku)
    shelf = (
        await StockBalance.filter(product_id=product.id, location__zone_kind=ZoneKind.SELLABLE)
        .order_by("-on_hand")
        .first()
        .select_related("location")
    )
    assert shelf is not None
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await orders.create_order(
        pubsub,
        partner,
        orders.CreateOrder(
            idempotency_key="demo-order-9",
            number="SO-2026-00009",
            customer_name="Emma Li",
            customer_phone="13800000004",
            customer_address="杭州市西湖区文三路 20 号",
            lines=[orders.OrderLineInput(sku, 1, str(product.unit_price))],
            placed_at=yesterday - timedelta(hours=3),
        ),
    )
    await orders.record_shipment(
        pubsub,
        logistics,
        orders.RecordShipment(
            idempotency_key="demo-ship-9",
            order_number="SO-2026-00009",
            waybill="SF000090009",
            courier="顺丰速运 SF Express",
            lines=[orders.ShipmentLineInput(sku, shelf.location.code, 1)],
            shipped_at=yesterday,
        ),
    )
    return "SF000090009"


async def open_demo_tickets(pubsub: PubSub) -> int:
    partner = await _actor("partner")
    cs = await _actor("customer-service")
    warehouse = await _actor("warehouse")
    logistics = await _actor("logistics")

    async def apply(key: str, order: str, kind: ReturnKind, reason: str, **wish: str) -> str:
        sku = (await _skus(order))[0]
        answer = await applications.request_return(
            pubsub,
            partner,
            applications.RequestReturn(
                idempotency_key=key,
                order_number=order,
                kind=kind,
                reason_code=reason,
                details="演示 demo",
                lines=[applications.ApplicationLine(sku, 1, **wish)],
            ),
        )
        ticket = await tickets_repo.ticket_by_id(answer.response["ticketId"])
        assert ticket is not None
        return ticket.number

    async def arrive(key: str, number: str) -> None:
        await applications.approve_return(
            pubsub, cs, applications.ApproveReturn(f"{key}-approve", number)
        )
        await arrivals.register_parcel(
            pubsub, warehouse, arrivals.RegisterParcel(f"{key}-arrive", number)
        )
        await arrivals.unpack_return(
            pubsub, warehouse, arrivals.UnpackReturn(f"{key}-unpack", number)
        )

    await apply("demo-ticket-1", "SO-2026-00001", ReturnKind.RETURN, "WRONG_SIZE")

    original = await Product.get(sku=(await _skus("SO-2026-00003"))[0])
    other = (
        await Product.filter(model=original.model, size=original.size)
        .exclude(id=original.id)
        .first()
    )
    colour = other.colour if other else original.colour
    exchange = await apply(
        "demo-ticket-2",
        "SO-2026-00003",
        ReturnKind.EXCHANGE,
        "NOT_AS_DESCRIBED",
        wanted_colour=colour,
    )
    await arrive("demo-ticket-2", exchange)

    inspected = await apply("demo-ticket-3", "SO-2026-00005", ReturnKind.RETURN, "QUALITY_DEFECT")
    await arrive("demo-ticket-3", inspected)
    ticket = await visible_ticket(warehouse, inspected)
    line = (await tickets_repo.lines(ticket.id))[0]
    await inspections.record_inspection(
        pubsub,
        warehouse,
        inspections.RecordInspection(
            "demo-ticket-3-initial",
            inspected,
            InspectionStage.INITIAL,
            [UnitResult(line_id=line.id, quantity=1, passed=False, defect_text="开线 open seam")],
        ),
    )

    refused = await _out_for_delivery(pubsub, partner, logistics)
    await arrivals.record_refused_parcel(
        pubsub,
        logistics,
        arrivals.RecordRefusedParcel(
            "demo-ticket-4",
            refused,
            courier_person="快递员 吴师傅",
            staff_person="物流 陈刚",
        ),
    )
    await arrivals.register_parcel(
        pubsub, warehouse, arrivals.RegisterParcel("demo-ticket-5", "YT9988776655", "圆通 YTO")
    )
    return 5

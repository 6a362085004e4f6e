"""Just-in-time supply: suppliers' availability (conditional atomic updates, so two orders
never both take the last units) and purchase requests (numbers from one counter,
version-checked changes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.domain.inventory import supply as rules
from backend.domain.inventory.kinds import DemandSource, PurchaseRequestStatus
from backend.persistence import transaction
from backend.persistence.models import Product, PurchaseRequest, Supplier
from backend.persistence.repositories import counters
from backend.persistence.repositories.versioning import change as change


async def supplier_by_code(code: str) -> Supplier | None:
    return await Supplier.get_or_none(code=code)


async def products_by_sku(skus: list[str]) -> dict[str, Product]:
    return {p.sku: p for p in await Product.filter(sku__in=skus)}


async def set_available(
    supplier_id: int, product_id: int, available: int, actor_id: int, at: datetime
) -> None:
    await transaction.execute(
        "INSERT INTO supplier_availability (supplier_id, product_id, available, updated_by_id,"
        " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (supplier_id, product_id)"
        " DO UPDATE SET available = excluded.available,"
        " updated_by_id = excluded.updated_by_id, updated_at = excluded.updated_at",
        [supplier_id, product_id, available, actor_id, at],
    )


async def take_available(supplier_id: int, product_id: int, quantity: int) -> bool:
    """Take `quantity` off the stated availability if it holds all of it (one statement)."""
    rows = await transaction.fetch(
        "UPDATE supplier_availability SET available = available - ?, updated_at = ?"
        " WHERE supplier_id = ? AND product_id = ? AND available >= ? RETURNING id",
        [quantity, datetime.now(UTC), supplier_id, product_id, quantity],
    )
    return bool(rows)


async def give_back(supplier_id: int, product_id: int, quantity: int) -> None:
    await transaction.execute(
        "UPDATE supplier_availability SET available = available + ?, updated_at = ?"
        " WHERE supplier_id = ? AND product_id = ?",
        [quantity, datetime.now(UTC), supplier_id, product_id],
    )


async def next_number(year: int) -> str:
    return rules.number(year, await counters.advance(f"{rules.NUMBER_PREFIX}-{year}"))


async def create(
    *,
    source: DemandSource,
    supplier_id: int,
    product_id: int,
    quantity: int,
    covered: bool,
    order_id: int,
    order_line_id: int,
    ticket_id: int | None,
    actor_id: int,
) -> PurchaseRequest:
    now = datetime.now(UTC)
    return await PurchaseRequest.create(
        number=await next_number(now.year),
        status=PurchaseRequestStatus.OPEN,
        source=source,
        supplier_id=supplier_id,
        product_id=product_id,
        quantity=quantity,
        covered=covered,
        order_id=order_id,
        order_line_id=order_line_id,
        ticket_id=ticket_id,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )


async def by_number(number: str) -> PurchaseRequest | None:
    return await PurchaseRequest.get_or_none(number=number)


async def open_numbers(**where: Any) -> dict[int, str]:
    """Open requests' numbers by product, of an order (`order_id=`) or ticket (`ticket_id=`)."""
    rows = await PurchaseRequest.filter(status=PurchaseRequestStatus.OPEN, **where).values(
        "product_id", "number"
    )
    return {int(row["product_id"]): str(row["number"]) for row in rows}


async def open_of_ticket(ticket_id: int) -> list[PurchaseRequest]:
    return await PurchaseRequest.filter(
        ticket_id=ticket_id, status=PurchaseRequestStatus.OPEN
    ).order_by("id")


async def waybill_taken(waybill: str) -> bool:
    return await PurchaseRequest.exists(waybill=waybill)

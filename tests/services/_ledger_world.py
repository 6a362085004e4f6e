"""A small stock world for service-level tests: one warehouse, a sellable, a pending and a
defective bin, two products and one warehouse user, plus a snapshot of everything the
ledger stores. Shared by the stateful and the concurrency tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.domain.auth.roles import Principal, Role
from backend.domain.stock.kinds import WarehouseKind, ZoneKind
from backend.persistence import models as m

SKUS = ("SKU-1", "SKU-2")
SELLABLE, PENDING, DEFECTIVE = "W1-SEL-1", "W1-PEN-1", "W1-DEF-1"
BINS = {SELLABLE: ZoneKind.SELLABLE, PENDING: ZoneKind.PENDING, DEFECTIVE: ZoneKind.DEFECTIVE}


async def seed_world(username: str = "warehouse") -> Principal:
    """Create the places, products and user; return the user as a signed-in principal."""
    warehouse = await m.Warehouse.create(code="W1", name="Main", kind=WarehouseKind.OWN)
    for code, kind in BINS.items():
        zone = await m.Zone.create(warehouse=warehouse, code=kind.value[:3], kind=kind)
        await m.Location.create(code=code, zone=zone, warehouse=warehouse, zone_kind=kind)
    category = await m.Category.create(code="APPAREL", name_zh="服装", name_en="Apparel")
    for n, sku in enumerate(SKUS, 1):
        product = await m.Product.create(
            sku=sku,
            name_zh=f"商品{n}",
            name_en=f"Product {n}",
            model=f"M{n}",
            style="Tee",
            colour="黑色",
            size="M",
            category=category,
            unit_price=Decimal("99.00"),
        )
        await m.Barcode.create(code=f"690000000000{n}", product=product)
    user = await m.User.create(
        username=username,
        display_name=username.title(),
        role=Role.WAREHOUSE,
        password_hash="not-used-by-services",
    )
    return principal_of(user)


def principal_of(user: m.User) -> Principal:
    return Principal(user.id, user.username, user.role, user.partner_id, None)


@dataclass(frozen=True)
class Snapshot:
    """Everything a stock command may write, keyed by SKU and bin code."""

    balances: dict[tuple[str, str], tuple[int, int]]  # (on_hand, reserved)
    reservations: dict[tuple[str, str, str], int]
    movements: list[tuple[str, str | None, str | None, int]]  # sku, from, to, quantity
    idempotency_records: int


async def snapshot() -> Snapshot:
    skus = dict(await m.Product.all().values_list("id", "sku"))
    codes = dict(await m.Location.all().values_list("id", "code"))
    balances = {
        (skus[p], codes[loc]): (on_hand, reserved)
        for p, loc, on_hand, reserved in await m.StockBalance.all().values_list(
            "product_id", "location_id", "on_hand", "reserved"
        )
    }
    reservations = {
        (skus[p], codes[loc], ref): qty
        for p, loc, ref, qty in await m.Reservation.all().values_list(
            "product_id", "location_id", "reference", "quantity"
        )
    }
    movements = [
        (skus[p], codes.get(src), codes.get(dst), qty)
        for p, src, dst, qty in await m.StockMovement.all()
        .order_by("id")
        .values_list("product_id", "from_location_id", "to_location_id", "quantity")
    ]
    records = await m.IdempotencyRecord.all().count()
    return Snapshot(balances, reservations, movements, records)

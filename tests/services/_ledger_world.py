"""A small stock world for service-level tests: one warehouse, a sellable, a pending and a
defective bin, two products and one warehouse user, plus a snapshot of everything the
ledger stores. Shared by the stateful and the concurrency tests."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from backend.domain.auth.roles import Principal, Role
from backend.domain.stock.kinds import WarehouseKind, ZoneKind
from backend.persistence import models as m
from backend.persistence.db import tortoise_config
from backend.persistence.transaction import execute
from tests.conftest import _PG_TABLES, _is_pg

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


def movement_id(response: dict[str, Any]) -> int | None:
    """The id of the movement a booking answered with (None when nothing was booked)."""
    movement = response["movement"]
    return None if movement is None else int(movement["id"])


class Database:
    """A clean, seeded database per Hypothesis example, on the test's own event loop.

    SQLite: a copy of a seeded file per example. PostgreSQL: the world is seeded once and the
    tables the ledger writes are truncated between examples (TRUNCATE skips the append-only
    triggers, as the conftest reset does).
    """

    LEDGER_TABLES = "idempotency_record, stock_movement, reservation, stock_balance"

    def __init__(self, loop: asyncio.AbstractEventLoop, template: str, workdir: Path) -> None:
        self.loop = loop
        self.template = template
        self.seeded = workdir / "seeded.db"
        self.live = workdir / "live.db"
        if _is_pg():
            self.run(self._open(template))
            self.run(execute(f"TRUNCATE {_PG_TABLES} RESTART IDENTITY CASCADE"))
            self.actor = self.run(seed_world())
        else:
            shutil.copyfile(template, self.seeded)
            self.run(self._open(f"sqlite://{self.seeded}"))
            self.actor = self.run(seed_world())
            self.close()

    def run(self, coro: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(coro)

    @staticmethod
    async def _open(url: str) -> None:
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)

    def start_example(self) -> Principal:
        if _is_pg():
            self.run(execute(f"TRUNCATE {self.LEDGER_TABLES} CASCADE"))
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.live}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.seeded, self.live)
            self.run(self._open(f"sqlite://{self.live}"))
        return self.actor

    def end_example(self) -> None:
        if not _is_pg():
            self.close()

    def close(self) -> None:
        self.run(Tortoise.close_connections())

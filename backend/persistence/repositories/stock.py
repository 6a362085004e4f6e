"""Balances and movements. Every balance change is one conditional atomic statement, so
concurrent requests can neither lose an update nor drive stock negative, on SQLite or
PostgreSQL, without relying on row locks (SQLite has none).

The lookups and inserts on the booking path are plain SQL returning small records: the
ORM's query building cost more than the statements themselves (see bench notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F

from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence import transaction
from backend.persistence.models import Reservation


@dataclass(frozen=True, slots=True)
class ProductRef:
    id: int
    sku: str


@dataclass(frozen=True, slots=True)
class LocationRef:
    id: int
    code: str
    warehouse_id: int
    warehouse_code: str
    zone_kind: ZoneKind


@dataclass(frozen=True, slots=True)
class MovementRecord:
    id: int
    kind: MovementKind
    product_id: int
    from_location_id: int | None
    to_location_id: int | None
    quantity: int
    actor_id: int
    reference_type: str
    reference: str
    reason: str
    corrects_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LevelRecord:
    product_id: int
    location_id: int
    on_hand: int
    reserved: int
    updated_at: datetime


def moment(value: Any) -> datetime:
    """A timestamp column as an aware datetime (SQLite returns text, PostgreSQL datetimes)."""
    found = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(found, datetime)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


async def product_by_sku(sku: str) -> ProductRef | None:
    rows = await transaction.fetch(
        "SELECT id, sku FROM product WHERE sku = ? AND active = ?", [sku, True]
    )
    return ProductRef(rows[0]["id"], rows[0]["sku"]) if rows else None


async def product_by_id(product_id: int) -> ProductRef | None:
    rows = await transaction.fetch("SELECT id, sku FROM product WHERE id = ?", [product_id])
    return ProductRef(rows[0]["id"], rows[0]["sku"]) if rows else None


_LOCATION = (
    "SELECT l.id, l.code, l.warehouse_id, l.zone_kind, w.code AS warehouse_code"
    " FROM location l JOIN warehouse w ON w.id = l.warehouse_id"
)


def location_of_row(row: dict[str, object]) -> LocationRef:
    return LocationRef(
        id=int(str(row["id"])),
        code=str(row["code"]),
        warehouse_id=int(str(row["warehouse_id"])),
        warehouse_code=str(row["warehouse_code"]),
        zone_kind=ZoneKind(str(row["zone_kind"])),
    )


async def location_by_code(code: str) -> LocationRef | None:
    rows = await transaction.fetch(f"{_LOCATION} WHERE l.code = ? AND l.active = ?", [code, True])
    return location_of_row(rows[0]) if rows else None


async def location_by_id(location_id: int) -> LocationRef | None:
    rows = await transaction.fetch(f"{_LOCATION} WHERE l.id = ?", [location_id])
    return location_of_row(rows[0]) if rows else None


_RETURNING_LEVEL = " RETURNING product_id, location_id, on_hand, reserved, updated_at"


def _level_of(row: dict[str, Any]) -> LevelRecord:
    return LevelRecord(
        row["product_id"],
        row["location_id"],
        row["on_hand"],
        row["reserved"],
        moment(row["updated_at"]),
    )


def _level(rows: list[dict[str, Any]]) -> LevelRecord | None:
    return _level_of(rows[0]) if rows else None


async def _change(sql: str, values: list[Any]) -> LevelRecord | None:
    """One conditional UPDATE of a balance; the balance after it, or None if refused."""
    return _level(await transaction.fetch(sql + _RETURNING_LEVEL, values))


async def add_on_hand(product_id: int, location: LocationRef, quantity: int) -> LevelRecord:
    """Put stock into a bin; creates the balance row on first use (an upsert, race-free)."""
    level = await _change(
        "INSERT INTO stock_balance (product_id, location_id, warehouse_id, on_hand, reserved,"
        " updated_at) VALUES (?, ?, ?, ?, 0, ?)"
        " ON CONFLICT (product_id, location_id)"
        " DO UPDATE SET on_hand = stock_balance.on_hand + excluded.on_hand,"
        " updated_at = excluded.updated_at",
        [product_id, location.id, location.warehouse_id, quantity, datetime.now(UTC)],
    )
    assert level is not None  # an upsert always returns its row
    return level


async def take_available(product_id: int, location_id: int, quantity: int) -> LevelRecord | None:
    """Take unreserved stock out of a bin; None (and nothing changed) if too little."""
    return await _change(
        "UPDATE stock_balance SET on_hand = on_hand - ?, updated_at = ?"
        " WHERE product_id = ? AND location_id = ? AND on_hand - reserved >= ?",
        [quantity, datetime.now(UTC), product_id, location_id, quantity],
    )


async def take_reserved(product_id: int, location_id: int, quantity: int) -> LevelRecord | None:
    """Take stock that a reservation holds: on hand and reserved fall together."""
    return await _change(
        "UPDATE stock_balance SET on_hand = on_hand - ?, reserved = reserved - ?, updated_at = ?"
        " WHERE product_id = ? AND location_id = ? AND reserved >= ?",
        [quantity, quantity, datetime.now(UTC), product_id, location_id, quantity],
    )


async def set_on_hand_if(
    product_id: int, location: LocationRef, expected: int | None, counted: int
) -> LevelRecord | None:
    """Book a count: only if the balance still holds what the count was compared with
    (`expected` None: only if the bin still has no balance row for the product)."""
    if expected is None:
        return await _change(
            "INSERT INTO stock_balance (product_id, location_id, warehouse_id, on_hand, reserved,"
            " updated_at) VALUES (?, ?, ?, ?, 0, ?)"
            " ON CONFLICT (product_id, location_id) DO NOTHING",
            [product_id, location.id, location.warehouse_id, counted, datetime.now(UTC)],
        )
    return await _change(
        "UPDATE stock_balance SET on_hand = ?, updated_at = ?"
        " WHERE product_id = ? AND location_id = ? AND on_hand = ?",
        [counted, datetime.now(UTC), product_id, location.id, expected],
    )


async def hold(product_id: int, location_id: int, quantity: int) -> LevelRecord | None:
    """Reserve available stock; None if fewer are available."""
    return await _change(
        "UPDATE stock_balance SET reserved = reserved + ?, updated_at = ?"
        " WHERE product_id = ? AND location_id = ? AND on_hand - reserved >= ?",
        [quantity, datetime.now(UTC), product_id, location_id, quantity],
    )


async def unhold(product_id: int, location_id: int, quantity: int) -> LevelRecord | None:
    return await _change(
        "UPDATE stock_balance SET reserved = reserved - ?, updated_at = ?"
        " WHERE product_id = ? AND location_id = ? AND reserved >= ?",
        [quantity, datetime.now(UTC), product_id, location_id, quantity],
    )


async def record_movement(
    *,
    kind: MovementKind,
    product_id: int,
    from_location_id: int | None,
    to_location_id: int | None,
    quantity: int,
    actor_id: int,
    reference_type: str = "",
    reference: str = "",
    reason: str = "",
    corrects_id: int | None = None,
) -> MovementRecord:
    now = datetime.now(UTC)
    rows = await transaction.fetch(
        "INSERT INTO stock_movement (kind, product_id, from_location_id, to_location_id,"
        " quantity, actor_id, reference_type, reference, reason, corrects_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            kind.value,
            product_id,
            from_location_id,
            to_location_id,
            quantity,
            actor_id,
            reference_type,
            reference,
            reason,
            corrects_id,
            now,
        ],
    )
    return MovementRecord(
        id=rows[0]["id"],
        kind=kind,
        product_id=product_id,
        from_location_id=from_location_id,
        to_location_id=to_location_id,
        quantity=quantity,
        actor_id=actor_id,
        reference_type=reference_type,
        reference=reference,
        reason=reason,
        corrects_id=corrects_id,
        created_at=now,
    )


async def movement(movement_id: int) -> MovementRecord | None:
    rows = await transaction.fetch(
        "SELECT id, kind, product_id, from_location_id, to_location_id, quantity, actor_id,"
        " reference_type, reference, reason, corrects_id, created_at"
        " FROM stock_movement WHERE id = ?",
        [movement_id],
    )
    if not rows:
        return None
    row = rows[0]
    return MovementRecord(
        id=row["id"],
        kind=MovementKind(row["kind"]),
        product_id=row["product_id"],
        from_location_id=row["from_location_id"],
        to_location_id=row["to_location_id"],
        quantity=row["quantity"],
        actor_id=row["actor_id"],
        reference_type=row["reference_type"],
        reference=row["reference"],
        reason=row["reason"],
        corrects_id=row["corrects_id"],
        created_at=moment(row["created_at"]),
    )


async def levels(product_id: int, location_ids: list[int]) -> list[LevelRecord]:
    """The balances of one product in some bins, in the order of `location_ids`."""
    if not location_ids:
        return []
    marks = ", ".join("?" for _ in location_ids)
    rows = await transaction.fetch(
        "SELECT product_id, location_id, on_hand, reserved, updated_at FROM stock_balance"
        f" WHERE product_id = ? AND location_id IN ({marks})",
        [product_id, *location_ids],
    )
    found = {row["location_id"]: _level_of(row) for row in rows}
    return [found[i] for i in location_ids if i in found]


async def is_corrected(movement_id: int) -> bool:
    rows = await transaction.fetch(
        "SELECT 1 AS found FROM stock_movement WHERE corrects_id = ?", [movement_id]
    )
    return bool(rows)


async def reservation_for(product_id: int, location_id: int, reference: str) -> Reservation | None:
    return await Reservation.get_or_none(
        product_id=product_id, location_id=location_id, reference=reference
    )


async def add_to_reservation(
    product_id: int, location_id: int, reference: str, quantity: int, actor_id: int
) -> Reservation:
    """One reservation per product, bin and document; reserving again adds to it."""
    now = datetime.now(UTC)
    await transaction.execute(
        "INSERT INTO reservation (product_id, location_id, reference, quantity, created_by_id,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (product_id, location_id, reference)"
        " DO UPDATE SET quantity = reservation.quantity + excluded.quantity,"
        " updated_at = excluded.updated_at",
        [product_id, location_id, reference, quantity, actor_id, now, now],
    )
    return await Reservation.get(
        product_id=product_id, location_id=location_id, reference=reference
    )


async def take_from_reservation(reservation_id: int, quantity: int) -> bool:
    changed = await Reservation.filter(id=reservation_id, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity, updated_at=datetime.now(UTC)
    )
    return changed == 1

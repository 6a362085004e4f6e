"""What a stock use case answers: JSON-able, so the same answer can be stored under its
idempotency key and replayed as it was first given (Stripe semantics)."""

from __future__ import annotations

from typing import Any

from backend.persistence.models import Reservation
from backend.persistence.repositories.stock import LevelRecord, MovementRecord


def movement_json(m: MovementRecord) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind.value,
        "productId": m.product_id,
        "fromLocationId": m.from_location_id,
        "toLocationId": m.to_location_id,
        "quantity": m.quantity,
        "actorId": m.actor_id,
        "referenceType": m.reference_type,
        "reference": m.reference,
        "reason": m.reason,
        "correctsId": m.corrects_id,
        "createdAt": m.created_at.isoformat(),
    }


def level_json(level: LevelRecord) -> dict[str, Any]:
    return {
        "productId": level.product_id,
        "locationId": level.location_id,
        "onHand": level.on_hand,
        "reserved": level.reserved,
        "updatedAt": level.updated_at.isoformat(),
    }


def booked(movement: MovementRecord | None, levels: list[LevelRecord]) -> dict[str, Any]:
    """A booking's answer: the movement and the balances it left."""
    return {
        "movement": None if movement is None else movement_json(movement),
        "levels": [level_json(level) for level in levels],
    }


def held(
    reservation: Reservation, product_id: int, location_id: int, level: LevelRecord
) -> dict[str, Any]:
    return {
        "reservation": {
            "id": reservation.id,
            "productId": product_id,
            "locationId": location_id,
            "reference": reservation.reference,
            "quantity": reservation.quantity,
            "createdAt": reservation.created_at.isoformat(),
        },
        "levels": [level_json(level)],
    }

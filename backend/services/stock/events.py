"""Stock events, published after commit on the `stock` topic."""

from __future__ import annotations

from backend.persistence.repositories.stock import LocationRef, ProductRef
from backend.pubsub.base import Message

TOPIC = "stock"


def stock_changed(
    product: ProductRef, location: LocationRef, *, kind: str, delta: int, movement_id: int | None
) -> Message:
    return {
        "productId": product.id,
        "sku": product.sku,
        "locationId": location.id,
        "locationCode": location.code,
        "warehouseId": location.warehouse_id,
        "warehouseCode": location.warehouse_code,
        "kind": kind,
        "delta": delta,
        "movementId": movement_id,
    }

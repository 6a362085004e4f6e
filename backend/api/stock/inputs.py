from __future__ import annotations

import strawberry


@strawberry.input
class ReceiveStockInput:
    idempotency_key: str
    sku: str
    location_code: str
    quantity: int
    reference: str = ""
    note: str = ""


@strawberry.input
class TransferStockInput:
    idempotency_key: str
    sku: str
    from_location_code: str
    to_location_code: str
    quantity: int
    note: str = ""


@strawberry.input
class ShipStockInput:
    idempotency_key: str
    sku: str
    location_code: str
    quantity: int
    reference: str = ""
    from_reservation: bool = strawberry.field(
        default=False, description="Ship what `reference` has reserved in this bin."
    )
    note: str = ""


@strawberry.input
class AdjustStockInput:
    """A physical count: the ledger books the difference to what it held."""

    idempotency_key: str
    sku: str
    location_code: str
    counted_quantity: int
    reason: str


@strawberry.input
class CorrectMovementInput:
    idempotency_key: str
    movement_id: strawberry.ID
    reason: str


@strawberry.input
class ReserveStockInput:
    idempotency_key: str
    sku: str
    location_code: str
    quantity: int
    reference: str


@strawberry.input
class ReleaseStockInput:
    idempotency_key: str
    sku: str
    location_code: str
    quantity: int
    reference: str

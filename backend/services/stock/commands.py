"""What a caller asks of the stock ledger (imperative names, cosmicpython style)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Command:
    idempotency_key: str

    def as_request(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ReceiveStock(Command):
    sku: str
    location_code: str
    quantity: int
    reference: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class TransferStock(Command):
    sku: str
    from_location_code: str
    to_location_code: str
    quantity: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class ShipStock(Command):
    sku: str
    location_code: str
    quantity: int
    reference: str = ""
    from_reservation: bool = False  # ship what `reference` reserved in this bin
    note: str = ""


@dataclass(frozen=True, slots=True)
class AdjustStock(Command):
    sku: str
    location_code: str
    counted_quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class CorrectMovement(Command):
    movement_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class ReserveStock(Command):
    sku: str
    location_code: str
    quantity: int
    reference: str


@dataclass(frozen=True, slots=True)
class ReleaseStock(Command):
    sku: str
    location_code: str
    quantity: int
    reference: str

"""Stock levels, ledger movements and reservations as the API shows them.

Rows come from the database (models) or from a stored use-case answer (JSON); either way
they become a small Row and are built into API objects by a Hydrator, which loads the
selected relations for a whole page in a few batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import strawberry

from backend.api.auth.types import UserRef
from backend.api.catalogue.types import Location, Product
from backend.api.context import Info
from backend.api.enums import MovementKind
from backend.api.errors import UserError
from backend.api.hydrate import Hydrator
from backend.domain.stock.kinds import MovementKind as MovementKindEnum
from backend.persistence import models
from backend.persistence.queries.rows import BalanceRow


@dataclass(frozen=True, slots=True)
class LevelRow:
    product_id: int
    location_id: int
    on_hand: int
    reserved: int
    updated_at: datetime

    @classmethod
    def from_model(cls, m: models.StockBalance | BalanceRow) -> LevelRow:
        return cls(m.product_id, m.location_id, m.on_hand, m.reserved, m.updated_at)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LevelRow:
        updated = datetime.fromisoformat(d["updatedAt"])
        return cls(d["productId"], d["locationId"], d["onHand"], d["reserved"], updated)


@strawberry.type
class StockLevel:
    """The balance of one product in one bin. available = onHand - reserved."""

    on_hand: int
    reserved: int
    available: int
    updated_at: datetime
    product: Product
    location: Location


async def build_levels(h: Hydrator, rows: Sequence[LevelRow]) -> list[StockLevel]:
    products = await h.products(r.product_id for r in rows) if h.wants("product") else {}
    bins = await h.locations(r.location_id for r in rows) if h.wants("location") else {}
    return [
        StockLevel(
            on_hand=r.on_hand,
            reserved=r.reserved,
            available=r.on_hand - r.reserved,
            updated_at=r.updated_at,
            product=cast(Product, products.get(r.product_id)),
            location=cast(Location, bins.get(r.location_id)),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class MovementRow:
    id: int
    kind: MovementKindEnum
    quantity: int
    reference_type: str
    reference: str
    reason: str
    created_at: datetime
    product_id: int
    from_id: int | None
    to_id: int | None
    actor_id: int
    corrects_id: int | None

    @classmethod
    def from_model(cls, m: models.StockMovement) -> MovementRow:
        return cls(
            m.id,
            m.kind,
            m.quantity,
            m.reference_type,
            m.reference,
            m.reason,
            m.created_at,
            m.product_id,
            m.from_location_id,
            m.to_location_id,
            m.actor_id,
            m.corrects_id,
        )

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MovementRow:
        return cls(
            d["id"],
            MovementKindEnum(d["kind"]),
            d["quantity"],
            d["referenceType"],
            d["reference"],
            d["reason"],
            datetime.fromisoformat(d["createdAt"]),
            d["productId"],
            d["fromLocationId"],
            d["toLocationId"],
            d["actorId"],
            d["correctsId"],
        )


@strawberry.type
class StockMovement:
    """One immutable line of the stock ledger."""

    id: strawberry.ID
    kind: MovementKind  # type: ignore[valid-type]
    quantity: int
    reference_type: str
    reference: str
    reason: str
    created_at: datetime
    product: Product
    from_location: Location | None
    to_location: Location | None
    actor: UserRef
    corrects_id: strawberry.Private[int | None]

    @strawberry.field(description="The movement this one corrects, for a CORRECTION.")
    async def corrects(self, info: Info) -> StockMovement | None:
        if self.corrects_id is None:
            return None
        found = await info.context.loaders.movement.load(self.corrects_id)
        if found is None:
            return None
        return (await build_movements(Hydrator(info), [MovementRow.from_model(found)]))[0]


async def build_movements(h: Hydrator, rows: Sequence[MovementRow]) -> list[StockMovement]:
    products = await h.products(r.product_id for r in rows) if h.wants("product") else {}
    bins = {}
    if h.wants("fromLocation", "toLocation"):
        bins = await h.locations(b for r in rows for b in (r.from_id, r.to_id))
    actors = await h.users(r.actor_id for r in rows) if h.wants("actor") else {}
    return [
        StockMovement(
            id=strawberry.ID(str(r.id)),
            kind=r.kind,
            quantity=r.quantity,
            reference_type=r.reference_type,
            reference=r.reference,
            reason=r.reason,
            created_at=r.created_at,
            product=cast(Product, products.get(r.product_id)),
            from_location=None if r.from_id is None else bins.get(r.from_id),
            to_location=None if r.to_id is None else bins.get(r.to_id),
            actor=cast(UserRef, actors.get(r.actor_id)),
            corrects_id=r.corrects_id,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class ReservationRow:
    id: int
    reference: str
    quantity: int
    created_at: datetime
    product_id: int
    location_id: int

    @classmethod
    def from_model(cls, m: models.Reservation) -> ReservationRow:
        return cls(m.id, m.reference, m.quantity, m.created_at, m.product_id, m.location_id)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReservationRow:
        created = datetime.fromisoformat(d["createdAt"])
        return cls(d["id"], d["reference"], d["quantity"], created, d["productId"], d["locationId"])


@strawberry.type
class Reservation:
    id: strawberry.ID
    reference: str
    quantity: int
    created_at: datetime
    product: Product
    location: Location


async def build_reservations(h: Hydrator, rows: Sequence[ReservationRow]) -> list[Reservation]:
    products = await h.products(r.product_id for r in rows) if h.wants("product") else {}
    bins = await h.locations(r.location_id for r in rows) if h.wants("location") else {}
    return [
        Reservation(
            id=strawberry.ID(str(r.id)),
            reference=r.reference,
            quantity=r.quantity,
            created_at=r.created_at,
            product=cast(Product, products.get(r.product_id)),
            location=cast(Location, bins.get(r.location_id)),
        )
        for r in rows
    ]


@strawberry.type
class StockMovementPayload:
    movement: StockMovement | None
    levels: list[StockLevel] = strawberry.field(
        description="The balances of the bins the movement touched, after it."
    )
    replayed: bool = strawberry.field(
        description="True when this answers a repeated idempotency key: nothing was booked."
    )
    user_errors: list[UserError]


@strawberry.type
class ReservationPayload:
    reservation: Reservation | None
    levels: list[StockLevel]
    replayed: bool
    user_errors: list[UserError]


@strawberry.type
class LedgerMismatch:
    sku: str
    location_code: str
    ledger_on_hand: int
    balance_on_hand: int
    reservations_open: int
    balance_reserved: int


@strawberry.type
class LedgerCheck:
    ok: bool
    balances_checked: int
    mismatches: list[LedgerMismatch]

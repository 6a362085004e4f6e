"""Stock levels, ledger movements and reservations as the API shows them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.api.catalogue.types import Location, Product, load_location, load_product
from backend.api.context import Info
from backend.api.enums import MovementKind
from backend.api.errors import UserError
from backend.persistence import models


@strawberry.type
class UserRef:
    username: str
    display_name: str


@strawberry.type
class StockLevel:
    """The balance of one product in one bin. available = onHand - reserved."""

    on_hand: int
    reserved: int
    available: int
    updated_at: datetime
    product_id: strawberry.Private[int]
    location_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.StockBalance) -> StockLevel:
        return cls(
            on_hand=m.on_hand,
            reserved=m.reserved,
            available=m.on_hand - m.reserved,
            updated_at=m.updated_at,
            product_id=m.product_id,
            location_id=m.location_id,
        )

    @strawberry.field
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)

    @strawberry.field
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.location_id)


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
    product_id: strawberry.Private[int]
    from_id: strawberry.Private[int | None]
    to_id: strawberry.Private[int | None]
    actor_id: strawberry.Private[int]
    corrects_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.StockMovement) -> StockMovement:
        return cls(
            id=strawberry.ID(str(m.id)),
            kind=m.kind,
            quantity=m.quantity,
            reference_type=m.reference_type,
            reference=m.reference,
            reason=m.reason,
            created_at=m.created_at,
            product_id=m.product_id,
            from_id=m.from_location_id,
            to_id=m.to_location_id,
            actor_id=m.actor_id,
            corrects_id=m.corrects_id,
        )

    @strawberry.field
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)

    @strawberry.field
    async def from_location(self, info: Info) -> Location | None:
        return None if self.from_id is None else await load_location(info, self.from_id)

    @strawberry.field
    async def to_location(self, info: Info) -> Location | None:
        return None if self.to_id is None else await load_location(info, self.to_id)

    @strawberry.field
    async def actor(self, info: Info) -> UserRef:
        user = await info.context.loaders.user.load(self.actor_id)
        assert user is not None
        return UserRef(username=user.username, display_name=user.display_name)

    @strawberry.field(description="The movement this one corrects, for a CORRECTION.")
    async def corrects(self, info: Info) -> StockMovement | None:
        if self.corrects_id is None:
            return None
        found = await info.context.loaders.movement.load(self.corrects_id)
        return None if found is None else StockMovement.from_model(found)


@strawberry.type
class Reservation:
    id: strawberry.ID
    reference: str
    quantity: int
    created_at: datetime
    product_id: strawberry.Private[int]
    location_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Reservation) -> Reservation:
        return cls(
            id=strawberry.ID(str(m.id)),
            reference=m.reference,
            quantity=m.quantity,
            created_at=m.created_at,
            product_id=m.product_id,
            location_id=m.location_id,
        )

    @strawberry.field
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)

    @strawberry.field
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.location_id)


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

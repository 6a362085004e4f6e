"""Just-in-time supply mutations: input -> command -> service -> payload, or userErrors."""

from __future__ import annotations

import strawberry

from backend.api.context import Info
from backend.api.errors import UseCase, UserError, answer_or_errors
from backend.api.inventory.supply_types import (
    PurchaseRequest,
    SupplierAvailability,
    build_availability,
    build_purchase_requests,
)
from backend.api.permissions import gated
from backend.domain.inventory.supply import AvailabilityItem
from backend.persistence import models
from backend.persistence.queries import supply as q
from backend.services.inventory import availability, purchase_requests


@strawberry.input
class SupplierAvailabilityItemInput:
    sku: str
    available: int = strawberry.field(description="Units the supplier can ship now (>= 0).")


@strawberry.input
class SetSupplierAvailabilityInput:
    idempotency_key: str
    supplier_code: str
    items: list[SupplierAvailabilityItemInput]


@strawberry.input
class MarkPurchaseRequestShippedInput:
    idempotency_key: str
    number: str
    courier: str
    waybill: str


@strawberry.input
class CancelPurchaseRequestInput:
    idempotency_key: str
    number: str
    reason: str


@strawberry.type
class SupplierAvailabilityPayload:
    supplier_availability: SupplierAvailability | None
    replayed: bool
    user_errors: list[UserError]


@strawberry.type
class PurchaseRequestPayload:
    purchase_request: PurchaseRequest | None
    replayed: bool
    user_errors: list[UserError]


async def _request(info: Info, call: UseCase) -> PurchaseRequestPayload:
    answer, errors = await answer_or_errors(info, call)
    if answer is None:
        return PurchaseRequestPayload(purchase_request=None, replayed=False, user_errors=errors)
    row = await models.PurchaseRequest.get(id=answer.response["purchaseRequestId"])
    [built] = await build_purchase_requests(info, [row])
    return PurchaseRequestPayload(purchase_request=built, replayed=answer.replayed, user_errors=[])


@strawberry.type
class InventoryMutation:
    @strawberry.mutation(
        description="A just-in-time supplier states what it can ship now (its partner"
        " account, or an administrator); the figures replace the earlier ones."
    )
    @gated
    async def set_supplier_availability(
        self, info: Info, input: SetSupplierAvailabilityInput
    ) -> SupplierAvailabilityPayload:
        cmd = availability.SetSupplierAvailability(
            idempotency_key=input.idempotency_key,
            supplier_code=input.supplier_code,
            items=[AvailabilityItem(item.sku, item.available) for item in input.items],
        )
        answer, errors = await answer_or_errors(
            info, lambda bus, who: availability.set_availability(bus, who, cmd)
        )
        if answer is None:
            return SupplierAvailabilityPayload(
                supplier_availability=None, replayed=False, user_errors=errors
            )
        supplier = await models.Supplier.get(id=answer.response["supplierId"])
        built = await build_availability(info, supplier, await q.availability(supplier.id))
        return SupplierAvailabilityPayload(
            supplier_availability=built, replayed=answer.replayed, user_errors=[]
        )

    @strawberry.mutation(
        description="The supplier shipped a purchase request (its partner account, logistics"
        " or an administrator): OPEN -> SHIPPED with courier and waybill; no stock moves."
        " An exchange's replacement is then shipped."
    )
    @gated
    async def mark_purchase_request_shipped(
        self, info: Info, input: MarkPurchaseRequestShippedInput
    ) -> PurchaseRequestPayload:
        cmd = purchase_requests.MarkPurchaseRequestShipped(
            input.idempotency_key, input.number, input.courier, input.waybill
        )
        return await _request(info, lambda bus, who: purchase_requests.mark_shipped(bus, who, cmd))

    @strawberry.mutation(
        description="Cancel an open purchase request with a reason (customer service or an"
        " administrator); a covered one gives its units back to the supplier's availability."
    )
    @gated
    async def cancel_purchase_request(
        self, info: Info, input: CancelPurchaseRequestInput
    ) -> PurchaseRequestPayload:
        cmd = purchase_requests.CancelPurchaseRequest(
            input.idempotency_key, input.number, input.reason
        )
        return await _request(
            info, lambda bus, who: purchase_requests.cancel_request(bus, who, cmd)
        )

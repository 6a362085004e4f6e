"""setReorderPolicy and classifyProducts: input -> command -> service -> payload, or
userErrors."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.api.context import Info
from backend.api.errors import answer_or_errors
from backend.api.hydrate import Hydrator
from backend.api.permissions import gated
from backend.api.replenishment.types import (
    ClassifyProductsPayload,
    SetReorderPolicyPayload,
    build_policies,
    build_runs,
)
from backend.domain.inventory import abc, reorder
from backend.persistence import models
from backend.services.replenishment import abc as classification
from backend.services.replenishment import policies


@strawberry.input
class SetReorderPolicyInput:
    idempotency_key: str
    sku: str
    warehouse_code: str
    reorder_point: int = strawberry.field(
        description="Available stock at or below this is low (an alert fires on crossing)."
    )
    safety_stock: int = strawberry.field(description="0 to the reorder point.")
    cover_days: int = strawberry.field(
        default=reorder.DEFAULT_COVER_DAYS,
        description="1 to 365: days of recent demand a suggested reorder covers.",
    )


@strawberry.input
class ClassifyProductsInput:
    idempotency_key: str
    period_from: datetime = strawberry.field(description="Inclusive.")
    period_to: datetime = strawberry.field(description="Exclusive.")
    cutoff_a: float = strawberry.field(
        default=abc.DEFAULT_CUTOFF_A,
        description="Percent of the total consumption value the A products make up.",
    )
    cutoff_b: float = strawberry.field(
        default=abc.DEFAULT_CUTOFF_B,
        description="Percent the B products add after A's (the rest is C).",
    )


@strawberry.type
class ReplenishmentMutation:
    @strawberry.mutation(
        description="Set a product's reorder point, safety stock and cover days in a"
        " warehouse; checked against available stock at once (a point at or above it is low"
        " now, and alerts)."
    )
    @gated
    async def set_reorder_policy(
        self, info: Info, input: SetReorderPolicyInput
    ) -> SetReorderPolicyPayload:
        cmd = policies.SetReorderPolicy(
            idempotency_key=input.idempotency_key,
            sku=input.sku,
            warehouse_code=input.warehouse_code,
            reorder_point=input.reorder_point,
            safety_stock=input.safety_stock,
            cover_days=input.cover_days,
        )
        answer, errors = await answer_or_errors(
            info, lambda bus, who: policies.set_reorder_policy(bus, who, cmd)
        )
        if answer is None:
            return SetReorderPolicyPayload(policy=None, replayed=False, user_errors=errors)
        row = await models.ReorderPolicy.get(id=answer.response["policyId"])
        [built] = await build_policies(Hydrator(info), [row])
        return SetReorderPolicyPayload(policy=built, replayed=answer.replayed, user_errors=[])

    @strawberry.mutation(
        description="Classify every active product A, B or C by consumption value over a"
        " period; stores each product's class and the run."
    )
    @gated
    async def classify_products(
        self, info: Info, input: ClassifyProductsInput
    ) -> ClassifyProductsPayload:
        cmd = classification.ClassifyProducts(
            idempotency_key=input.idempotency_key,
            period_from=input.period_from,
            period_to=input.period_to,
            cutoff_a=input.cutoff_a,
            cutoff_b=input.cutoff_b,
        )
        answer, errors = await answer_or_errors(
            info, lambda bus, who: classification.classify_products(bus, who, cmd)
        )
        if answer is None:
            return ClassifyProductsPayload(run=None, replayed=False, user_errors=errors)
        row = await models.AbcRun.get(id=answer.response["abcRunId"])
        [built] = await build_runs(Hydrator(info), [row])
        return ClassifyProductsPayload(run=built, replayed=answer.replayed, user_errors=[])

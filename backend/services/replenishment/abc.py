"""classifyProducts: one keyed transaction that ranks every active product by consumption
value over a period (SQL in persistence/queries/replenishment.py, rule in
domain/inventory/abc.py), stores each product's class, value and time, and records the run
with its cut-offs and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from backend.domain.auth.roles import Principal
from backend.domain.inventory import abc
from backend.domain.inventory.kinds import AbcClass
from backend.persistence.queries import replenishment as q
from backend.persistence.repositories import replenishment as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ClassifyProducts:
    idempotency_key: str
    period_from: datetime
    period_to: datetime
    cutoff_a: float = abc.DEFAULT_CUTOFF_A
    cutoff_b: float = abc.DEFAULT_CUTOFF_B

    def as_request(self) -> dict[str, Any]:
        return {
            "periodFrom": self.period_from.isoformat(),
            "periodTo": self.period_to.isoformat(),
            "cutoffA": self.cutoff_a,
            "cutoffB": self.cutoff_b,
        }


async def classify_products(pubsub: PubSub, actor: Principal, cmd: ClassifyProducts) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        cutoffs = abc.check_cutoffs(cmd.cutoff_a, cmd.cutoff_b)
        period = abc.check_period(cmd.period_from, cmd.period_to)
        classified = abc.classify(await q.consumption(*period), cutoffs)
        now = datetime.now(UTC)
        await repo.store_classes(classified, now)
        counts = abc.class_counts(classified)
        run = await repo.record_run(
            period=period,
            cutoffs=cutoffs,
            total_value=sum((item.value for item in classified), Decimal(0)),
            counts=(counts[AbcClass.A], counts[AbcClass.B], counts[AbcClass.C]),
            actor_id=actor.user_id,
            at=now,
        )
        return {"abcRunId": run.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "classifyProducts", cmd.as_request(), work
    )

"""Idempotency keys are forgotten once past their retention, and not before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.idempotency import RETENTION
from backend.persistence.models import IdempotencyRecord
from backend.services.housekeeping import prune_old_keys


async def test_only_keys_older_than_the_retention_are_pruned(actors):
    from backend.domain.auth.roles import Role

    user = actors[Role.WAREHOUSE].user
    for key, age in [
        ("fresh", timedelta(days=1)),
        ("edge", RETENTION - timedelta(hours=1)),
        ("stale", RETENTION + timedelta(hours=1)),
    ]:
        record = await IdempotencyRecord.create(
            user=user, key=key, operation="receiveStock", fingerprint="x" * 64, response={}
        )
        await IdempotencyRecord.filter(id=record.id).update(created_at=datetime.now(UTC) - age)
    assert await prune_old_keys() == 1
    assert sorted(await IdempotencyRecord.all().values_list("key", flat=True)) == ["edge", "fresh"]

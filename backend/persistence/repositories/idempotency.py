from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from backend.persistence.errors import KeyAlreadyClaimed
from backend.persistence.models import IdempotencyRecord


async def find(user_id: int, key: str) -> IdempotencyRecord | None:
    return await IdempotencyRecord.get_or_none(user_id=user_id, key=key)


async def save(
    user_id: int, key: str, operation: str, fingerprint: str, response: dict[str, Any]
) -> None:
    try:
        await IdempotencyRecord.create(
            user_id=user_id,
            key=key,
            operation=operation,
            fingerprint=fingerprint,
            response=response,
        )
    except IntegrityError as exc:
        raise KeyAlreadyClaimed(key) from exc


async def prune(older_than: datetime) -> int:
    return await IdempotencyRecord.filter(created_at__lt=older_than).delete()

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from backend.persistence import transaction
from backend.persistence.errors import KeyAlreadyClaimed
from backend.persistence.models import IdempotencyRecord


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    fingerprint: str
    response: dict[str, Any]


async def find(user_id: int, key: str) -> StoredAnswer | None:
    rows = await transaction.fetch(
        "SELECT fingerprint, response FROM idempotency_record WHERE user_id = ? AND key = ?",
        [user_id, key],
    )
    if not rows:
        return None
    response = rows[0]["response"]
    return StoredAnswer(
        rows[0]["fingerprint"], json.loads(response) if isinstance(response, str) else response
    )


async def save(
    user_id: int, key: str, operation: str, fingerprint: str, response: dict[str, Any]
) -> None:
    try:
        await transaction.execute(
            "INSERT INTO idempotency_record (user_id, key, operation, fingerprint, response,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [user_id, key, operation, fingerprint, json.dumps(response), datetime.now(UTC)],
        )
    except IntegrityError as exc:
        raise KeyAlreadyClaimed(key) from exc


async def prune(older_than: datetime) -> int:
    return await IdempotencyRecord.filter(created_at__lt=older_than).delete()

"""Idempotency keys (Stripe semantics).

The same key with the same input replays the first answer and books nothing; the same key
with another input is refused. A key is consumed only by a request that succeeded: a refused
request changed nothing, so trying it again cannot book twice. Keys are kept RETENTION long,
longer than a handheld stays offline over a weekend.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from backend.domain.errors import DomainError, ErrorCode

RETENTION = timedelta(days=7)


def fingerprint(operation: str, request: dict[str, Any]) -> str:
    """A stable hash of what was asked, independent of key order and of the key itself."""
    body = {k: v for k, v in request.items() if k != "idempotency_key"}
    canonical = json.dumps([operation, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_same_request(stored_fingerprint: str, new_fingerprint: str) -> None:
    if stored_fingerprint != new_fingerprint:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used for a different request.",
            "idempotencyKey",
        )

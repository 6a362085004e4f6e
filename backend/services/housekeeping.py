"""Periodic chores of a running server: forgetting idempotency keys past their retention."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from backend.domain.idempotency import RETENTION
from backend.persistence.repositories.idempotency import prune

log = logging.getLogger(__name__)

EVERY_SECONDS = 6 * 3600


async def prune_old_keys() -> int:
    return await prune(datetime.now(UTC) - RETENTION)


async def run_forever() -> None:
    while True:
        try:
            pruned = await prune_old_keys()
            if pruned:
                log.info("pruned %d idempotency keys older than %s", pruned, RETENTION)
        except Exception:  # noqa: BLE001 - a failed chore must not stop the server
            log.exception("pruning idempotency keys failed")
        await asyncio.sleep(EVERY_SECONDS)

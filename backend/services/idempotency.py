"""Run a keyed use case at most once (Stripe semantics, see domain.idempotency)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from backend.domain import idempotency
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.validation import idempotency_key
from backend.persistence.errors import KeyAlreadyClaimed
from backend.persistence.repositories import idempotency as records
from backend.pubsub.base import PubSub
from backend.services.unit_of_work import UnitOfWork

Work = Callable[[UnitOfWork], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Answer:
    response: dict[str, Any]
    replayed: bool


async def run_once(
    pubsub: PubSub,
    actor: Principal,
    key: str,
    operation: str,
    request: dict[str, Any],
    work: Work,
) -> Answer:
    """Do `work` in one transaction and remember its answer under `key`.

    Keys are per caller. A request racing another with the same key loses on the unique
    key at commit time, rolls back everything it did, and replays the winner's answer.
    """
    key = idempotency_key(key)
    asked = idempotency.fingerprint(operation, request)
    for _attempt in range(2):
        worked = False
        try:
            async with UnitOfWork(pubsub) as uow:
                stored = await records.find(actor.user_id, key)
                if stored is not None:
                    idempotency.check_same_request(stored.fingerprint, asked)
                    return Answer(dict(stored.response), replayed=True)
                worked = True
                response = await work(uow)
                await records.save(actor.user_id, key, operation, asked, response)
                return Answer(response, replayed=False)
        except KeyAlreadyClaimed:
            continue
        except DomainError:
            # Refused while a request with the same key committed first (on PostgreSQL it may
            # have taken the last unit this one waited for): answer as the later request does.
            if worked and await records.find(actor.user_id, key) is not None:
                continue
            raise
    raise DomainError(
        ErrorCode.IDEMPOTENCY_IN_PROGRESS,
        "A request with this idempotency key is still being processed; retry shortly.",
        "idempotencyKey",
    )

"""The sign-in cache never outlives a revocation: here, or in another process."""

from __future__ import annotations

import asyncio
import contextlib

from backend.domain.auth.roles import Principal, Role
from backend.pubsub.memory import MemoryPubSub
from backend.services.credential_cache import TOPIC, CredentialCache


def _principal(user_id: int) -> Principal:
    return Principal(user_id, f"user{user_id}", Role.WAREHOUSE, None, None)


def test_entries_expire_after_their_time_to_live():
    cache = CredentialCache(ttl=0.0)
    cache.put("digest", _principal(1))
    assert cache.get("digest") is None


def test_forgetting_a_user_drops_all_of_their_credentials_only():
    cache = CredentialCache()
    cache.put("a", _principal(1))
    cache.put("b", _principal(1))
    cache.put("c", _principal(2))
    cache.forget_user(1)
    assert (cache.get("a"), cache.get("b")) == (None, None)
    assert cache.get("c") == _principal(2)


async def test_a_revocation_announced_by_another_process_is_followed():
    bus, cache = MemoryPubSub(), CredentialCache()
    cache.put("a", _principal(7))
    follower = asyncio.create_task(cache.follow(bus))
    try:
        for _ in range(100):  # let the follower subscribe
            if bus._queues.get(TOPIC):
                break
            await asyncio.sleep(0)
        await bus.publish(TOPIC, {"userId": 7})
        for _ in range(100):
            if cache.get("a") is None:
                break
            await asyncio.sleep(0)
        assert cache.get("a") is None
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower

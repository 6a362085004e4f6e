"""Choose the pub/sub backend from PUBSUB_URL: memory:// (default) or redis://host:port/db."""

from __future__ import annotations

from backend.pubsub.base import PubSub
from backend.pubsub.memory import MemoryPubSub


def create_pubsub(url: str) -> PubSub:
    if url == "memory://":
        return MemoryPubSub()
    if url.startswith(("redis://", "rediss://")):
        from backend.pubsub.redis import RedisPubSub

        return RedisPubSub(url)
    raise ValueError(f"Unsupported PUBSUB_URL {url!r}: use memory:// or redis://")

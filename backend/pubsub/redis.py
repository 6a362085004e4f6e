"""Redis pub/sub for several worker processes or hosts (PostgreSQL scale-out mode).

Each process keeps one Redis subscription for all topics and fans messages out to its
local subscribers through a MemoryPubSub, so a thousand WebSocket subscribers cost one
Redis connection per process, not one each. Publishing goes only to Redis; the process
hears its own messages back like everyone else's, so every subscriber sees one order.
Redis pub/sub is at most once, like the in-process backend: subscribers refetch on gaps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

from redis import asyncio as aioredis

from backend.pubsub.base import Message
from backend.pubsub.memory import MemoryPubSub

log = logging.getLogger(__name__)
PREFIX = "warehouse:"


class RedisPubSub:
    def __init__(self, url: str) -> None:
        self._redis = aioredis.from_url(url)
        self._local = MemoryPubSub()
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen(), name="redis-pubsub")
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._local.close()
        await self._redis.aclose()

    async def publish(self, topic: str, message: Message) -> None:
        await self._redis.publish(PREFIX + topic, json.dumps(message))

    def subscribe(self, topic: str) -> AbstractAsyncContextManager[AsyncIterator[Message]]:
        return self._local.subscribe(topic)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as channel:
                    await channel.psubscribe(PREFIX + "*")
                    self._ready.set()
                    async for raw in channel.listen():
                        if raw["type"] != "pmessage":
                            continue
                        topic = raw["channel"].decode().removeprefix(PREFIX)
                        await self._local.publish(topic, json.loads(raw["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep listening; subscribers refetch on gaps
                log.exception("Redis pub/sub listener failed; reconnecting")
                await asyncio.sleep(1)

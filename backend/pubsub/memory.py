"""In-process pub/sub for the embedded single-process deployment."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend.pubsub.base import Message

log = logging.getLogger(__name__)

QUEUE_LIMIT = 1000


class SubscriberLagged(Exception):
    """A subscriber fell QUEUE_LIMIT messages behind and was dropped; it should refetch."""


_LAGGED = object()


class MemoryPubSub:
    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[object]]] = defaultdict(set)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._queues.clear()

    async def publish(self, topic: str, message: Message) -> None:
        for queue in list(self._queues.get(topic, ())):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                # A stuck client must not hold memory or slow the publisher: cut it off.
                self._queues[topic].discard(queue)
                queue.get_nowait()
                queue.put_nowait(_LAGGED)
                log.warning("subscriber on %s lagged and was dropped", topic)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[Message]]:
        queue: asyncio.Queue[object] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._queues[topic].add(queue)

        async def messages() -> AsyncIterator[Message]:
            while True:
                item = await queue.get()
                if item is _LAGGED:
                    raise SubscriberLagged(topic)
                assert isinstance(item, dict)
                yield item

        try:
            yield messages()
        finally:
            self._queues[topic].discard(queue)
            if not self._queues[topic]:
                self._queues.pop(topic, None)

"""The interface every pub/sub backend implements.

Messages are JSON-able dicts on named topics, so a Redis or PostgreSQL LISTEN/NOTIFY
backend can carry them between processes without the resolvers noticing. Delivery is
at most once: a subscription is a hint to refetch, the query is the truth.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Message = dict[str, Any]


class PubSub(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, topic: str, message: Message) -> None: ...

    def subscribe(self, topic: str) -> AbstractAsyncContextManager[AsyncIterator[Message]]: ...

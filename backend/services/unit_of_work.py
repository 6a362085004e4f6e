"""A transaction plus the events it produced; events are published only after commit."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from backend.persistence.transaction import transaction
from backend.pubsub.base import Message, PubSub


class UnitOfWork:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub
        self._events: list[tuple[str, Message]] = []
        self._tx: Any = None

    def emit(self, topic: str, message: Message) -> None:
        self._events.append((topic, message))

    async def __aenter__(self) -> UnitOfWork:
        self._tx = transaction()
        await self._tx.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._tx.__aexit__(exc_type, exc, tb)
        if exc_type is None:
            events, self._events = self._events, []
            for topic, message in events:
                await self._pubsub.publish(topic, message)

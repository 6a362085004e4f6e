"""A transaction plus the events it produced; events are published only after commit.

Before commit, the stock this transaction moved (its `stockChanged` events) goes past the
reorder watch, in the same transaction: the choke point every balance change passes, so a
low-stock alert fires from any path that moves stock, once per crossing."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from backend.persistence.transaction import transaction
from backend.pubsub.base import Message, PubSub
from backend.services.replenishment import watch


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
        if exc_type is None:
            try:
                await self._before_commit()
            except BaseException as error:
                await self._tx.__aexit__(type(error), error, error.__traceback__)
                raise
        await self._tx.__aexit__(exc_type, exc, tb)
        if exc_type is None:
            events, self._events = self._events, []
            for topic, message in events:
                await self._pubsub.publish(topic, message)

    async def _before_commit(self) -> None:
        moved = watch.stock_pairs(self._events)
        if moved:
            for topic, message in await watch.crossings(moved):
                self.emit(topic, message)

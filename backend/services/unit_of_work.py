"""A transaction plus the events it produced; events are published only after commit.

Before commit, every registered before-commit hook sees the events buffered so far and may
add events of its own, in the same transaction: the choke point every use case passes. The
unit of work knows nothing about the hooks; packages register theirs when imported (the
reorder watch: `backend.services.replenishment`, imported by `backend.services`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any

from backend.persistence.transaction import transaction
from backend.pubsub.base import Message, PubSub

Event = tuple[str, Message]
# Given the events buffered so far, the (topic, message) events to add; runs inside the
# transaction, after the use case's work and before commit. Raising rolls everything back.
BeforeCommitHook = Callable[[Sequence[Event]], Awaitable[Sequence[Event]]]

_before_commit_hooks: list[BeforeCommitHook] = []


def register_before_commit(hook: BeforeCommitHook) -> BeforeCommitHook:
    """Run `hook` before every unit of work commits, in registration order; registering the
    same hook again changes nothing. Returns the hook, so it can be used as a decorator."""
    if hook not in _before_commit_hooks:
        _before_commit_hooks.append(hook)
    return hook


def before_commit_hooks() -> tuple[BeforeCommitHook, ...]:
    return tuple(_before_commit_hooks)


class UnitOfWork:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub
        self._events: list[Event] = []
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
        for hook in before_commit_hooks():
            for topic, message in await hook(tuple(self._events)):
                self.emit(topic, message)

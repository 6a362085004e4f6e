"""Pub/sub backends behind one interface: in-process, and Redis across processes."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from backend.pubsub.factory import create_pubsub
from backend.pubsub.memory import QUEUE_LIMIT, MemoryPubSub, SubscriberLagged

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


async def test_memory_delivers_to_every_subscriber_of_the_topic_only():
    bus = MemoryPubSub()
    async with bus.subscribe("stock") as first, bus.subscribe("stock") as second:
        async with bus.subscribe("tickets") as other:
            await bus.publish("stock", {"sku": "A"})
            assert await anext(first) == {"sku": "A"}
            assert await anext(second) == {"sku": "A"}
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(anext(other), timeout=0.05)


async def test_memory_cuts_off_a_subscriber_that_stops_reading():
    bus = MemoryPubSub()
    async with bus.subscribe("stock") as stuck:
        for n in range(QUEUE_LIMIT + 1):
            await bus.publish("stock", {"n": n})
        # The reader gets what was queued, then learns it was cut off and must refetch.
        received = [await anext(stuck) for _ in range(QUEUE_LIMIT - 1)]
        assert received[0] == {"n": 1}
        with pytest.raises(SubscriberLagged):
            await anext(stuck)


def test_unknown_pubsub_url_is_refused():
    with pytest.raises(ValueError, match="PUBSUB_URL"):
        create_pubsub("kafka://somewhere")


async def test_redis_carries_events_between_two_processes_worth_of_backends():
    sender, receiver = create_pubsub(REDIS_URL), create_pubsub(REDIS_URL)
    await sender.start()
    await receiver.start()
    topic = f"stock-{uuid.uuid4().hex}"
    try:
        async with receiver.subscribe(topic) as messages, sender.subscribe(topic) as own:
            await sender.publish(topic, {"sku": "SKU-1", "delta": 3})
            assert await asyncio.wait_for(anext(messages), 5) == {"sku": "SKU-1", "delta": 3}
            # The publisher's own process hears it too, through Redis like everyone else.
            assert await asyncio.wait_for(anext(own), 5) == {"sku": "SKU-1", "delta": 3}
    finally:
        await sender.close()
        await receiver.close()

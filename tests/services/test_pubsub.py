"""Pub/sub backends behind one interface: in-process, and Redis across processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator

import pytest

from backend.pubsub.factory import create_pubsub
from backend.pubsub.memory import QUEUE_LIMIT, MemoryPubSub, SubscriberLagged

DEFAULT_REDIS = ("127.0.0.1", 6379)


def _answers_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """REDIS_URL when given (CI sets it and must have it), else the local server, else a
    private redis-server started for this module. Only a machine without Redis at all skips."""
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    if _answers_ping(*DEFAULT_REDIS):
        yield "redis://127.0.0.1:6379/0"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no Redis server reachable and no redis-server binary; set REDIS_URL")
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while not _answers_ping("127.0.0.1", port):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the private redis-server did not start")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(10)


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


async def test_redis_carries_events_between_two_processes_worth_of_backends(redis_url: str):
    sender, receiver = create_pubsub(redis_url), create_pubsub(redis_url)
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

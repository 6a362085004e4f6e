"""A real server for the WebSocket tests: `backend.cli serve` on a free port over a
migrated, seeded SQLite file, with signed-in tokens; and graphql-transport-ws helpers."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[2]
WAIT = 10.0  # upper bound for anything that should happen; never a synchronisation sleep
PROTOCOL = "graphql-transport-ws"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token userErrors { message } } }"


@dataclass
class Server:
    url: str
    tokens: dict[str, str]

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def live_server(
    work: Path,
    passwords: dict[str, str],
    prepare: Callable[[dict[str, str], Path], None] | None = None,
) -> Iterator[Server]:
    """Migrate and seed a database in `work`, let `prepare(env, database)` add to it, serve
    it, and sign in every user of `passwords`."""
    database = work / "ws.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite://{database}", "APP_MODE": "production"}
    cli(env, "migrate")
    cli(env, "seed-demo")
    if prepare is not None:
        prepare(env, database)
    port = free_port()
    log = (work / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=url, timeout=WAIT) as http:
            while True:
                assert process.poll() is None, (work / "server.log").read_text()
                assert time.monotonic() < deadline, "server did not answer /healthz in 30 s"
                try:
                    if http.get("/healthz").json() == {"status": "ok"}:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)  # polling for start-up, bounded by the deadline
            tokens = {}
            for user, password in passwords.items():
                variables = {"i": {"username": user, "password": password}}
                body = http.post("/graphql", json={"query": LOGIN, "variables": variables}).json()
                tokens[user] = body["data"]["login"]["token"]
                assert tokens[user], body
        yield Server(url, tokens)
    finally:
        process.terminate()
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=WAIT)
        log.close()


async def next_message(ws: ClientConnection) -> dict[str, Any]:
    """The next protocol message that is not a ping/pong (pings are answered)."""
    async with asyncio.timeout(WAIT):
        while True:
            message: dict[str, Any] = json.loads(await ws.recv())
            if message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif message["type"] != "pong":
                return message


@asynccontextmanager
async def signed_in(server: Server, user: str) -> AsyncIterator[ClientConnection]:
    async with connect(server.ws_url, subprotocols=[PROTOCOL], open_timeout=WAIT) as ws:
        auth = {"authorization": f"Bearer {server.tokens[user]}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
        assert (await next_message(ws))["type"] == "connection_ack"
        yield ws

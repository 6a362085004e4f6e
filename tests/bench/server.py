"""A real server for the benchmark: its own temporary SQLite database, demo data, uvicorn.

    with bench_server() as server:
        server.port, server.pid, server.token, server.db_path
        server.graphql("mutation { ... }", {...})   # small stdlib client for set-up only

Set-up runs ``python -m backend.cli migrate`` and ``seed-demo`` on ``<tmp>/bench.db`` (or
copies a prepared database there: ``bench_server(template=...)``) and then ``serve`` in
production mode with ``BENCH_ENDPOINT=1`` (which mounts the bare
``POST /bench/receive-stock``).  The server is always terminated and the directory removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEMO_USER = "warehouse"
DEMO_PASSWORD = "warehouse-demo-2026"
STARTUP_TIMEOUT_S = 30.0
CLI_TIMEOUT_S = 120.0

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { code message } }
}
"""


class BenchSetupError(RuntimeError):
    """The server could not be prepared or did not come up."""


@dataclass
class BenchServer:
    host: str
    port: int
    pid: int
    token: str
    db_path: Path
    log_path: Path

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST one GraphQL operation with the bench user's token; raise on GraphQL errors."""
        body = _post_json(
            self.host,
            self.port,
            "/graphql",
            {"query": query, "variables": variables or {}},
            self.auth_headers,
        )
        if body.get("errors"):
            raise BenchSetupError(f"GraphQL errors: {body['errors']}")
        data: dict[str, Any] = body["data"]
        return data

    def login(self, username: str, password: str) -> dict[str, str]:
        """Authorization headers of another user (the run's own token is the bench user's)."""
        return {"Authorization": f"Bearer {_login(self.host, self.port, username, password)}"}

    def snapshot(self, target: Path) -> Path:
        """A consistent copy of the live database (SQLite online backup, WAL included)."""
        src = sqlite3.connect(self.db_path)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _post_json(
    host: str, port: int, path: str, payload: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://{host}:{port}{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


def _run_cli(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise BenchSetupError(
            f"`backend.cli {' '.join(args)}` failed ({done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )


def _wait_healthy(proc: subprocess.Popen[bytes], host: str, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchSetupError(
                f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.1)
    raise BenchSetupError(
        f"server not healthy after {STARTUP_TIMEOUT_S}s:\n{log.read_text(errors='replace')}"
    )


def _login(host: str, port: int, username: str = DEMO_USER, password: str = DEMO_PASSWORD) -> str:
    body = _post_json(
        host,
        port,
        "/graphql",
        {"query": LOGIN, "variables": {"input": {"username": username, "password": password}}},
        {},
    )
    payload = (body.get("data") or {}).get("login") or {}
    token = payload.get("token")
    if not token:
        raise BenchSetupError(f"login failed: {body}")
    return str(token)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextlib.contextmanager
def bench_server(
    *,
    host: str = "127.0.0.1",
    keep_dir: bool = False,
    extra_env: dict[str, str] | None = None,
    template: Path | None = None,
) -> Iterator[BenchServer]:
    """Prepare a fresh database, start ``backend.cli serve``, log in; always clean up.

    With ``template`` (a migrated database with demo data, closed cleanly), the server runs
    on a copy of it instead of a newly migrated and seeded one.
    """
    tmp = Path(tempfile.mkdtemp(prefix="warehouse-bench-"))
    db_path = tmp / "bench.db"
    log_path = tmp / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{db_path}",
        "APP_MODE": "production",
        "BENCH_ENDPOINT": "1",
        "PUBSUB_URL": "memory://",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    proc: subprocess.Popen[bytes] | None = None
    try:
        if template is not None:
            shutil.copyfile(template, db_path)
        else:
            _run_cli(["migrate"], env)
            _run_cli(["seed-demo"], env)
        port = _free_port(host)
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "backend.cli", "serve", "--host", host, "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_healthy(proc, host, port, log_path)
        token = _login(host, port)
        yield BenchServer(host, port, proc.pid, token, db_path, log_path)
    finally:
        if proc is not None:
            _stop(proc)
        if not keep_dir:
            shutil.rmtree(tmp, ignore_errors=True)

"""Browser tests: the real server on 127.0.0.1 with a seeded SQLite database, driven by
Playwright in Debian's chromium at a 360x640 touch viewport (STACK-NOTES recipe)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "DATABASE_URL": f"sqlite://{folder / 'e2e.db'}", "APP_MODE": "production"}
    cli = [sys.executable, "-m", "backend.cli"]
    for step in ("migrate", "seed-demo"):
        subprocess.run(
            [*cli, step], cwd=ROOT, env=env, check=True, timeout=120, capture_output=True
        )
    port = _free_port()
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not come up")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright, chromium_executable) -> Iterator[object]:  # type: ignore[no-untyped-def]
    browser = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=server,
    )
    page = context.new_page()
    yield page
    context.close()


ARTIFACTS = ROOT / "var" / "e2e-artifacts"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots of each main screen, kept after the run (var/ is gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Debian's chromium is needed: apt-get install -y chromium")
    return executable


def graphql_as(server: str, username: str, query: str, variables: dict | None = None) -> dict:
    """Run one GraphQL operation over HTTP as a demo user (password `<username>-demo-2026`)."""
    login = httpx.post(
        f"{server}/graphql",
        json={
            "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
            "variables": {"i": {"username": username, "password": f"{username}-demo-2026"}},
        },
        timeout=10,
    ).json()
    token = login["data"]["login"]["token"]
    answer = httpx.post(
        f"{server}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert "errors" not in answer, answer
    return answer["data"]

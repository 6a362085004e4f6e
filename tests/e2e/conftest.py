"""Browser tests: the real server on 127.0.0.1 with a seeded SQLite database, driven by
Playwright in Debian's chromium at a 360x640 touch viewport (STACK-NOTES recipe)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.chromium import CHROMIUM_FLAGS, chromium

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file behind `server`: tests read it to check what the UI booked."""
    return tmp_path_factory.mktemp("e2e") / "e2e.db"


def db_rows(path: Path, sql: str, *params: object) -> list[tuple]:
    """Read-only rows from the server's database (WAL lets us read while it serves)."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def server(server_db: Path) -> Iterator[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{server_db}", "APP_MODE": "production"}
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
    executable = chromium()
    if executable is None:
        raise RuntimeError("Debian's chromium is needed: apt-get install -y chromium")
    return executable


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """Under REQUIRE_BROWSER_TESTS (CI), a skipped browser test fails: nothing here may be
    quietly left out."""
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("REQUIRE_BROWSER_TESTS")
        and report.skipped
        and not hasattr(report, "wasxfail")
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped, but REQUIRE_BROWSER_TESTS is set: {report.longrepr}"

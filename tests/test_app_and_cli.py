"""The application shell (/healthz, the PWA, GraphiQL and introspection by mode) and the
operational CLI: schema export guard, single-writer lock, migrate, seed-demo, backup."""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from backend import cli
from backend.api.schema import sdl
from backend.app import create_app
from backend.config import Mode
from backend.single_writer import AnotherWriterRunning, SingleWriterLock
from tests.conftest import test_settings as make_settings

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
INTROSPECT = {"query": "{ __schema { queryType { name } } }"}
COUNTED = (
    "product",
    "barcode",
    "warehouse",
    "location",
    "app_user",
    "stock_movement",
    "return_ticket",
    "ticket_event",
)


def run_cli(
    database: Path | None, *args: str, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database is not None:
        env["DATABASE_URL"] = f"sqlite://{database}"
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in COUNTED}


@asynccontextmanager
async def http_app(mode: Mode) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(mode=mode), with_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# --- schema.graphql is the code's schema (the CI guard) -------------------------------------


def test_the_committed_schema_file_equals_the_code():
    assert sdl() == (ROOT / "schema.graphql").read_text(encoding="utf-8")


def test_export_schema_check_passes_on_the_committed_file():
    done = run_cli(None, "export-schema", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "matches" in done.stdout


def test_export_schema_check_fails_when_the_file_differs(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "schema.graphql"
    stale.write_text(sdl().replace("stockChanged", "stockChangd"), encoding="utf-8")
    monkeypatch.setattr(cli, "SCHEMA_FILE", stale)
    code = cli.cmd_export_schema(make_settings(), argparse.Namespace(check=True))
    assert code == 1
    assert "differs" in capsys.readouterr().out
    assert "stockChangd" in stale.read_text(encoding="utf-8")  # --check never rewrites


# --- the HTTP shell -------------------------------------------------------------------------


async def test_healthz_answers_ok_when_the_database_answers(db):
    async with http_app(Mode.PRODUCTION) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_the_pwa_shell_is_served_at_the_root(db):
    async with http_app(Mode.PRODUCTION) as http:
        response = await http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text


async def test_shell_files_are_revalidated_and_gzipped_but_the_api_is_not(db):
    gzip = {"Accept-Encoding": "gzip"}
    async with http_app(Mode.PRODUCTION) as http:
        worker = await http.get("/sw.js", headers=gzip)
        module = await http.get("/js/main.js", headers=gzip)
        again = await http.get("/js/main.js", headers={"If-None-Match": module.headers["etag"]})
        api = await http.post("/graphql", json={"query": "{ __typename }"}, headers=gzip)
    # A new release reaches every device: no HTTP cache keeps an old service worker.
    assert worker.headers["cache-control"] == "no-cache"
    assert module.headers["content-encoding"] == "gzip"
    assert "preact" in module.text  # httpx decoded it: the bytes on the wire were gzip
    assert again.status_code == 304
    assert "content-encoding" not in api.headers


async def test_graphiql_is_served_in_development_mode_only(db):
    browser = {"Accept": "text/html"}
    async with http_app(Mode.DEVELOPMENT) as http:
        development = await http.get("/graphql", headers=browser)
    async with http_app(Mode.PRODUCTION) as http:
        production = await http.get("/graphql", headers=browser)
    assert development.status_code == 200
    assert "graphiql" in development.text.lower()
    assert "graphiql" not in production.text.lower()
    assert production.status_code == 404


async def test_introspection_works_in_development_and_is_refused_in_production(db):
    async with http_app(Mode.DEVELOPMENT) as http:
        development = (await http.post("/graphql", json=INTROSPECT)).json()
    async with http_app(Mode.PRODUCTION) as http:
        production = (await http.post("/graphql", json=INTROSPECT)).json()
    assert development["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    assert production.get("data") is None
    assert production["errors"]


# --- SQLite: one writer process -------------------------------------------------------------


def test_a_second_writer_on_the_same_sqlite_file_is_refused(tmp_path):
    first = SingleWriterLock(tmp_path / "w.db")
    second = SingleWriterLock(tmp_path / "w.db")
    first.acquire()
    try:
        with pytest.raises(AnotherWriterRunning, match="single-process mode"):
            second.acquire()
    finally:
        first.release()
    second.acquire()  # free again once the first writer is gone
    second.release()


def test_serve_with_several_workers_on_sqlite_refuses_before_starting(tmp_path):
    with socket.socket() as probe:  # a free port, in case it did start anyway
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    done = run_cli(tmp_path / "w.db", "serve", "--workers", "2", "--port", port, timeout=20)
    assert done.returncode != 0
    assert "SQLite is the single-process mode" in done.stdout
    assert "serving on" not in done.stdout
    assert not (tmp_path / "w.db").exists()  # refused before touching the database


# --- migrate, seed-demo, check-ledger, backup on one demo database --------------------------


@dataclass
class Demo:
    database: Path
    counts: dict[str, int]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    database = tmp_path_factory.mktemp("demo") / "demo.db"
    for command in ("migrate", "seed-demo"):
        done = run_cli(database, command)
        assert done.returncode == 0, done.stdout + done.stderr
    return Demo(database, counts(database))


def test_seed_demo_loads_stocked_shelves(demo):
    assert demo.counts["product"] >= 40
    assert demo.counts["warehouse"] == 2
    assert demo.counts["stock_movement"] > 0
    assert demo.counts["app_user"] >= 10


def test_seed_demo_fills_a_queue_for_every_floor_role(demo):
    with sqlite3.connect(demo.database) as conn:
        statuses = dict(conn.execute("SELECT number, status FROM return_ticket").fetchall())
    # CS has an application and an exception parcel, the warehouse a refused parcel to unpack
    # and an exchange to inspect, QC a return after its first inspection.
    assert sorted(statuses.values()) == [
        "EXCEPTION",
        "INITIAL_INSPECTED",
        "RECEIVED",
        "REQUESTED",
        "UNPACKED",
    ]


def test_migrate_on_an_existing_database_keeps_its_data(demo):
    done = run_cli(demo.database, "migrate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(demo.database) == demo.counts
    ledger = run_cli(demo.database, "check-ledger")
    assert ledger.returncode == 0, ledger.stdout + ledger.stderr
    assert "mismatches: 0" in ledger.stdout


def test_seed_demo_a_second_time_changes_nothing(demo):
    done = run_cli(demo.database, "seed-demo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing changed" in done.stdout
    assert "warehouse-demo-2026" in done.stdout  # the passwords are still printed
    assert counts(demo.database) == demo.counts


def test_check_ledger_fails_when_a_balance_disagrees_with_its_movements(demo, tmp_path):
    broken = tmp_path / "broken.db"
    with sqlite3.connect(demo.database) as source:
        source.execute("VACUUM INTO ?", (str(broken),))
    with sqlite3.connect(broken) as conn:
        conn.execute("UPDATE stock_balance SET on_hand = on_hand + 1 WHERE id = 1")
    done = run_cli(broken, "check-ledger")
    assert done.returncode == 1
    assert "mismatches: 1" in done.stdout


def test_backup_writes_a_sound_copy_with_the_demo_products(demo, tmp_path):
    done = run_cli(demo.database, "backup", "--output", str(tmp_path / "snap"))
    assert done.returncode == 0, done.stdout + done.stderr
    copy = tmp_path / "snap.db"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        skus = {row[0] for row in conn.execute("SELECT sku FROM product")}
    assert len(skus) == demo.counts["product"]
    assert "APP-001-BLK-S" in skus


def test_serve_with_a_certificate_answers_over_https(demo, tmp_path):
    """Handhelds need a secure context (service worker, camera): `serve --certfile --keyfile`."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert made.returncode == 0, made.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite://{demo.database}"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "backend.cli", "serve", "--port", str(port)),
                *("--certfile", str(cert), "--keyfile", str(key)),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        trusted = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + TIMEOUT
        with httpx.Client(verify=trusted, timeout=5) as http:
            while True:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "no HTTPS answer"
                try:
                    answer = http.get(f"https://127.0.0.1:{port}/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)  # polling for start-up, bounded by the deadline
        assert answer.json() == {"status": "ok"}
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)  # no plain HTTP
    finally:
        server.terminate()
        server.wait(TIMEOUT)

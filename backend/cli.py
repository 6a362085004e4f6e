"""One command line for everything operational: `python -m backend.cli --help`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from backend.config import Settings
from backend.persistence.db import sqlite_path, tortoise_config

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema.graphql"


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


async def _with_db(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


async def _migrate(settings: Settings) -> None:
    from tortoise.migrations.api.migrate import migrate

    try:
        await migrate(config=tortoise_config(settings.database_url))
    finally:
        await Tortoise.close_connections()


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(_migrate(settings))
    _say(f"database is up to date: {settings.database_url}")
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    from backend.pubsub.memory import MemoryPubSub
    from backend.services.demo_data import (
        order_demo_just_in_time,
        seed_demo,
        ship_demo_orders,
        stock_demo_shelves,
    )
    from backend.services.demo_tickets import open_demo_tickets

    async def work() -> None:
        summary = await seed_demo()
        if not summary.created:
            _say("demo data already present; nothing changed")
        else:
            bus = MemoryPubSub()
            shelved = await stock_demo_shelves(bus)
            delivered = await ship_demo_orders(bus)
            tickets = await open_demo_tickets(bus)
            requested = await order_demo_just_in_time(bus)
            _say(
                f"demo data loaded: opening stock booked for {shelved} products, "
                f"{delivered} orders shipped and delivered, {tickets} return tickets opened, "
                f"purchase request {requested} open for a just-in-time product"
            )
        _say("demo users (user name / password):")
        for role, password in summary.passwords.items():
            _say(f"  {role.value.lower().replace('_', '-'):<18} {password}")

    asyncio.run(_with_db(settings, work))
    return 0


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from backend.domain.auth.roles import Role
    from backend.domain.errors import DomainError
    from backend.services.users import create_user

    password = args.password or getpass.getpass("password: ")

    async def work() -> int:
        try:
            user = await create_user(
                username=args.username,
                display_name=args.display_name or args.username,
                role=Role(args.role),
                password=password,
                partner_code=args.partner or "",
            )
        except DomainError as error:
            _say(f"refused: {error.message}")
            return 1
        _say(f"created {user.username} ({user.role.value})")
        return 0

    return int(asyncio.run(_with_db(settings, work)))


def cmd_create_api_key(settings: Settings, args: argparse.Namespace) -> int:
    from backend.domain.errors import DomainError
    from backend.services.users import create_api_key

    async def work() -> int:
        try:
            issued = await create_api_key(username=args.username, name=args.name)
        except DomainError as error:
            _say(f"refused: {error.message}")
            return 1
        _say(f"API key for {args.username} (shown once, store it now):\n{issued.secret}")
        return 0

    return int(asyncio.run(_with_db(settings, work)))


def _import(settings: Settings, path: str, what: str) -> int:
    from backend.services import catalogue_import

    run = (
        catalogue_import.import_products
        if what == "products"
        else catalogue_import.import_locations
    )

    async def work() -> int:
        try:
            report = await run(catalogue_import.read_csv(path))
        except (OSError, catalogue_import.ImportFileError) as error:
            _say(f"refused: {error}")
            return 1
        _say(report.summary())
        for e in report.errors:
            _say(
                f"line {e.line}, column {e.column}: {e.message}"
                if e.column
                else f"line {e.line}: {e.message}"
            )
        return 0 if report.ok else 1

    return int(asyncio.run(_with_db(settings, work)))


def cmd_import_products(settings: Settings, args: argparse.Namespace) -> int:
    return _import(settings, args.file, "products")


def cmd_import_locations(settings: Settings, args: argparse.Namespace) -> int:
    return _import(settings, args.file, "locations")


def cmd_export_schema(settings: Settings, args: argparse.Namespace) -> int:
    from backend.api.schema import sdl

    text = sdl()
    if args.check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            _say("schema.graphql differs from the code: run `python -m backend.cli export-schema`")
            return 1
        _say("schema.graphql matches the code")
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    _say(f"wrote {SCHEMA_FILE}")
    return 0


def cmd_check_ledger(settings: Settings, args: argparse.Namespace) -> int:
    from backend.services.stock.health import check_ledger

    async def work() -> int:
        health = await check_ledger()
        _say(f"balances checked: {health.checked}, mismatches: {len(health.mismatches)}")
        for m in health.mismatches:
            _say(
                f"  {m.sku} @ {m.location_code}: ledger {m.ledger_on_hand}, balance "
                f"{m.balance_on_hand}, reservations {m.reservations_open}, reserved "
                f"{m.balance_reserved}"
            )
        return 0 if health.ok else 1

    return int(asyncio.run(_with_db(settings, work)))


def cmd_prune_keys(settings: Settings, args: argparse.Namespace) -> int:
    from backend.domain.idempotency import RETENTION
    from backend.persistence.repositories.idempotency import prune

    async def work() -> int:
        return await prune(datetime.now(UTC) - RETENTION)

    _say(f"pruned {asyncio.run(_with_db(settings, work))} idempotency keys older than {RETENTION}")
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    target = Path(args.output or f"var/backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    path = sqlite_path(settings.database_url)
    if path is not None:
        target = target.with_suffix(".db")
        target.parent.mkdir(parents=True, exist_ok=True)
        # VACUUM INTO gives a consistent snapshot while the server keeps writing.
        with sqlite3.connect(path) as source:
            source.execute("VACUUM INTO ?", (str(target),))
        with sqlite3.connect(target) as copy:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        _say(f"backup written to {target} (integrity_check: {verdict})")
        return 0 if verdict == "ok" else 1
    target = target.with_suffix(".dump")
    target.parent.mkdir(parents=True, exist_ok=True)
    url = settings.database_url.replace("postgres://", "postgresql://", 1)
    done = subprocess.run(["pg_dump", "--format=custom", "--file", str(target), url], check=False)
    if done.returncode == 0:
        _say(f"backup written to {target}")
    return done.returncode


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if settings.is_sqlite and args.workers > 1:
        _say("refused: SQLite is the single-process mode; use one worker or PostgreSQL.")
        return 2
    if args.workers > 1 and settings.pubsub_url == "memory://":
        _say(
            "refused: several workers need a shared pub/sub for subscriptions: PUBSUB_URL=redis://…"
        )
        return 2
    host = args.host or settings.host
    port = args.port or settings.port
    scheme = "https" if args.certfile else "http"
    _say(f"serving on {scheme}://{host}:{port}  (GraphQL at /graphql, PWA at /)")
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
        log_level="info",
        # The access log costs ~0.1 ms a request (bench profile); keep it for development.
        access_log=settings.development,
        proxy_headers=False,
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database schema")
    sub.add_parser("seed-demo", help="load the demo data once and print the demo passwords")
    serve = sub.add_parser("serve", help="run the API and the PWA")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--certfile", help="TLS certificate (PEM), for handhelds on the LAN")
    serve.add_argument("--keyfile", help="TLS private key (PEM)")
    user = sub.add_parser("create-user", help="create a user")
    user.add_argument("username")
    user.add_argument("--role", required=True)
    user.add_argument("--display-name")
    user.add_argument("--partner", help="partner code, for partner users")
    user.add_argument("--password", help="omit to be asked")
    key = sub.add_parser("create-api-key", help="issue an API key to a partner user")
    key.add_argument("username")
    key.add_argument("--name", required=True)
    products = sub.add_parser("import-products", help="create or update products from a CSV file")
    products.add_argument("file", help="UTF-8 CSV; see docs/samples/products.csv")
    places = sub.add_parser("import-locations", help="create bin locations from a CSV file")
    places.add_argument("file", help="UTF-8 CSV; see docs/samples/locations.csv")
    schema = sub.add_parser("export-schema", help="write schema.graphql from the code")
    schema.add_argument("--check", action="store_true", help="fail if the file differs")
    sub.add_parser("check-ledger", help="compare every balance with its ledger movements")
    sub.add_parser("prune-keys", help="forget idempotency keys past their retention")
    backup = sub.add_parser("backup", help="consistent online backup of the database")
    backup.add_argument("--output")
    return parser


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "migrate": cmd_migrate,
    "seed-demo": cmd_seed_demo,
    "serve": cmd_serve,
    "create-user": cmd_create_user,
    "create-api-key": cmd_create_api_key,
    "import-products": cmd_import_products,
    "import-locations": cmd_import_locations,
    "export-schema": cmd_export_schema,
    "check-ledger": cmd_check_ledger,
    "prune-keys": cmd_prune_keys,
    "backup": cmd_backup,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return COMMANDS[args.command](Settings.from_env(), args)


if __name__ == "__main__":
    raise SystemExit(main())

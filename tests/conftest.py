"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set), users of every role with tokens, a small catalogue, and an
in-process GraphQL client."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from backend.app import create_app
from backend.config import Mode, Settings
from backend.domain.auth.credentials import new_session_token
from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import WarehouseKind, ZoneKind
from backend.persistence import models as m
from backend.persistence.db import tortoise_config
from backend.persistence.transaction import execute

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "correct-horse-battery"


def _is_pg() -> bool:
    return PG_URL.startswith(("postgres://", "postgresql://"))


async def _migrate(url: str) -> None:
    from tortoise.migrations.api.migrate import migrate

    try:
        await migrate(config=tortoise_config(url))
    finally:
        await Tortoise.close_connections()


async def _reset_pg_schema(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session with the real migrations; tests start from a copy."""
    if _is_pg():
        asyncio.run(_reset_pg_schema(PG_URL))
        asyncio.run(_migrate(PG_URL))
        return PG_URL
    path = tmp_path_factory.mktemp("db") / "template.db"
    asyncio.run(_migrate(f"sqlite://{path}"))
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    if _is_pg():
        return migrated_template
    copy = tmp_path / "test.db"
    shutil.copyfile(migrated_template, copy)
    return f"sqlite://{copy}"


_PG_TABLES = (
    "idempotency_record, shipment_line, shipment, stock_movement, reservation, stock_balance,"
    " order_line, sales_order,"
    " customer, auth_token, api_key, app_user, partner, barcode, product, supplier, category,"
    " location, zone, warehouse, return_reason, defect_tag, checklist_item, counter, photo,"
    " return_ticket, return_line, ticket_event, inspection, refund, outbound_shipment,"
    " inbound_waybill, courier_claim, ticket_note, follow_up_call, corrective_action,"
    " corrective_action_reason, corrective_action_product, corrective_action_ticket,"
    " corrective_action_event, supplier_availability, purchase_request, reorder_policy, abc_run,"
    " ticket_export"
)


async def _restore_migrated_lists() -> None:
    """The managed lists migrations 0004 and 0006 fill; a PostgreSQL reset truncated them."""
    defaults = importlib.import_module("backend.persistence.migrations.0004_managed_lists")
    for code, zh, en, quality in defaults.REASONS:
        await m.ReturnReason.create(code=code, name_zh=zh, name_en=en, is_quality=quality)
    for code, zh, en in defaults.DEFECT_TAGS:
        await m.DefectTag.create(code=code, name_zh=zh, name_en=en)
    checklist = importlib.import_module("backend.persistence.migrations.0006_ticket_guards")
    for position, (code, zh, en) in enumerate(checklist.CHECKLIST):
        await m.ChecklistItem.create(code=code, question_zh=zh, question_en=en, position=position)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    if _is_pg():
        # TRUNCATE skips the append-only row triggers, as intended for a test reset.
        await execute(f"TRUNCATE {_PG_TABLES} RESTART IDENTITY CASCADE")
        await _restore_migrated_lists()
    try:
        yield database_url
    finally:
        await Tortoise.close_connections()


@pytest.fixture(scope="session")
def password_hash() -> str:
    from backend.services.passwords import hash_password

    return hash_password(PASSWORD)


@dataclass
class Actor:
    user: m.User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
async def partner(db: str) -> m.Partner:
    return await m.Partner.create(code="SHOP", name="Web shop")


async def signed_in_user(
    username: str, role: Role, password_hash: str, partner: m.Partner | None = None
) -> Actor:
    user = await m.User.create(
        username=username,
        display_name=username.title(),
        role=role,
        password_hash=password_hash,
        partner=partner,
    )
    return Actor(user, await new_session(user))


async def new_session(user: m.User) -> str:
    """The bearer token of a new hour-long session of `user`, made directly (no sign-in,
    so no slow password hashing)."""
    token = new_session_token()
    await m.AuthToken.create(
        user=user,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    return token


@pytest.fixture
async def actors(db: str, password_hash: str, partner: m.Partner) -> dict[Role, Actor]:
    """One signed-in user per role (user name = role in lower case)."""
    return {
        role: await signed_in_user(
            role.value.lower(), role, password_hash, partner if role is Role.PARTNER else None
        )
        for role in Role
    }


@pytest.fixture
async def outsider(db: str, password_hash: str) -> Actor:
    """A second partner system (ERP) with its own signed-in user."""
    other = await m.Partner.create(code="ERP", name="Another shop's ERP")
    return await signed_in_user("erp-user", Role.PARTNER, password_hash, other)


@dataclass
class Catalogue:
    warehouse: m.Warehouse
    bins: dict[ZoneKind, list[m.Location]]
    products: list[m.Product]

    def bin(self, kind: ZoneKind, n: int = 0) -> str:
        return self.bins[kind][n].code


@pytest.fixture
async def catalogue(db: str) -> Catalogue:
    warehouse = await m.Warehouse.create(code="W1", name="Main", kind=WarehouseKind.OWN)
    bins: dict[ZoneKind, list[m.Location]] = {}
    for kind in ZoneKind:
        zone = await m.Zone.create(warehouse=warehouse, code=kind.value[:3], kind=kind)
        bins[kind] = [
            await m.Location.create(
                code=f"W1-{kind.value[:3]}-{n}", zone=zone, warehouse=warehouse, zone_kind=kind
            )
            for n in (1, 2)
        ]
    category = await m.Category.create(code="APPAREL", name_zh="服装", name_en="Apparel")
    products = []
    for n in range(1, 4):
        product = await m.Product.create(
            sku=f"SKU-{n}",
            name_zh=f"商品{n}",
            name_en=f"Product {n}",
            model=f"M{n}",
            style="Tee",
            colour="黑色",
            size="M",
            category=category,
            unit_price=Decimal("99.00"),
        )
        await m.Barcode.create(code=f"690000000000{n}", product=product)
        products.append(product)
    return Catalogue(warehouse, bins, products)


def test_settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {"database_url": "sqlite://:memory:", "mode": Mode.PRODUCTION}
    base.update(overrides)
    return Settings(**base)


@pytest.fixture
def settings() -> Settings:
    return test_settings()


@pytest.fixture
async def client(db: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, with_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class GraphQL:
    """Posts one GraphQL document; returns the decoded JSON body."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, actor: Actor | None = None
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=actor.headers if actor else {},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQL:
    return GraphQL(client)


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

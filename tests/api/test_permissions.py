"""THE permission walk: every root field of the schema against every role (and no
sign-in), checked against the one permission table; plus object-level scope of orders.

The requests are built from the schema itself, so a new field is covered (and, if it is
missing from the table, fails here) without touching this file."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.pyutils import Undefined

from backend.api.schema import build_schema
from backend.domain.auth.permissions import PERMISSIONS, PUBLIC
from backend.domain.auth.roles import Role
from backend.persistence import models as m
from tests.conftest import Actor, new_session

SCHEMA: GraphQLSchema = build_schema(development=True)._schema
_unique = itertools.count(1)


def _roots() -> dict[str, GraphQLObjectType]:
    roots = {
        "query": SCHEMA.query_type,
        "mutation": SCHEMA.mutation_type,
        "subscription": SCHEMA.subscription_type,
    }
    return {kind: root for kind, root in roots.items() if root is not None}


def _walked() -> list[tuple[str, str]]:
    """(operation kind, field name) of every Query and Mutation root field."""
    return [
        (kind, name)
        for kind, root in _roots().items()
        if kind != "subscription"  # role checks over WebSocket are tested elsewhere
        for name in root.fields
    ]


def _required(argument: GraphQLArgument) -> bool:
    return isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined


_SCALARS: dict[str, Any] = {
    "Int": lambda: 1,
    "Float": lambda: 1.0,
    "Boolean": lambda: False,
    "ID": lambda: "1",
    "DateTime": lambda: datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
    "Date": lambda: "2026-01-01",
    "Decimal": lambda: str(Decimal("1.00")),
    "String": lambda: f"perm-{next(_unique)}",  # unique: also a fresh idempotency key
}


def dummy(type_: GraphQLInputType) -> Any:
    """A syntactically valid value of `type_`, with only the required input fields."""
    if isinstance(type_, GraphQLNonNull):
        return dummy(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [dummy(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: dummy(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    assert isinstance(type_, GraphQLScalarType)
    return _SCALARS[type_.name]()


def minimal_request(kind: str, name: str) -> tuple[str, dict[str, Any]]:
    field: GraphQLField = _roots()[kind].fields[name]
    required = {arg: spec for arg, spec in field.args.items() if _required(spec)}
    declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in required.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in required)
    document = (
        f"{kind} Walk{'(' + declared + ')' if declared else ''} "
        f"{{ {name}{'(' + passed + ')' if passed else ''} {{ __typename }} }}"
    )
    return document, {arg: dummy(spec.type) for arg, spec in required.items()}


async def fresh_token(user: m.User) -> dict[str, str]:
    """A new session per call, so a call like `logout` cannot spoil the next one."""
    return {"Authorization": f"Bearer {await new_session(user)}"}


def error_codes(body: dict[str, Any]) -> list[str | None]:
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]


def test_the_permission_table_covers_exactly_the_root_fields_of_the_schema():
    fields = {name for root in _roots().values() for name in root.fields}
    assert "stockChanged" in fields  # subscriptions count too
    assert fields - PERMISSIONS.keys() == set(), "root fields without a permission entry"
    assert PERMISSIONS.keys() - fields == set(), "permission entries without a root field"


@pytest.mark.parametrize(("kind", "name"), _walked(), ids=[name for _, name in _walked()])
async def test_every_role_gets_exactly_what_the_table_allows(
    client, actors: dict[Role, Actor], catalogue, kind: str, name: str
):
    allowed = PERMISSIONS[name]
    callers: list[Role | None] = [*Role, None]
    for role in callers:
        document, variables = minimal_request(kind, name)
        headers = await fresh_token(actors[role].user) if role is not None else {}
        response = await client.post(
            "/graphql", json={"query": document, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, (name, role, response.text)
        body = response.json()
        codes = error_codes(body)
        who = role.value if role else "anonymous"
        if allowed is PUBLIC or (role is not None and role in allowed):
            # Business rules may answer with userErrors or a BAD_USER_INPUT error (the
            # dummy input is only syntactically valid); never a refusal, never a crash.
            assert set(codes) <= {"BAD_USER_INPUT"}, f"{name} as {who}: {body}"
        else:
            expected = "UNAUTHENTICATED" if role is None else "FORBIDDEN"
            assert codes == [expected], f"{name} as {who}: {body}"
            assert (body["data"] or {}).get(name) is None, f"{name} as {who}: {body}"


async def test_a_bad_or_missing_token_is_treated_as_no_sign_in(client, actors):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        response = await client.post(
            "/graphql", json={"query": "{ me { username } }"}, headers=headers
        )
        assert error_codes(response.json()) == ["UNAUTHENTICATED"]


ORDERS = "{ orders { nodes { number customer { name } } } }"
ORDER = "query One($number: String!) { order(number: $number) { number } }"


async def _order(partner: m.Partner | None, number: str, product: m.Product) -> None:
    customer = await m.Customer.create(name=f"Buyer {number}", phone="13800000000", partner=partner)
    order = await m.SalesOrder.create(
        number=number, partner=partner, customer=customer, placed_at=datetime.now(UTC)
    )
    await m.OrderLine.create(
        order=order, product=product, quantity=1, unit_price_paid=Decimal("99.00")
    )


@pytest.fixture
async def two_partners(actors, catalogue, password_hash) -> dict[str, dict[str, str]]:
    """Partner A (SHOP, the `partner` actor) and partner B, each with orders; one staff-only
    order; returns request headers for A's user, A's API key, B's user and staff."""
    shop = await m.Partner.get(code="SHOP")
    erp = await m.Partner.create(code="ERP", name="Other ERP")
    product = catalogue.products[0]
    for partner, number in ((shop, "A-1"), (shop, "A-2"), (erp, "B-1"), (None, "DIRECT-1")):
        await _order(partner, number, product)
    b_user = await m.User.create(
        username="erp-user",
        display_name="ERP",
        role=Role.PARTNER,
        password_hash=password_hash,
        partner=erp,
    )
    key = "wk_test_" + secrets.token_urlsafe(16)
    await m.ApiKey.create(
        name="shop",
        prefix="test",
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        user=actors[Role.PARTNER].user,
    )
    return {
        "a": actors[Role.PARTNER].headers,
        "a_key": {"Authorization": f"Bearer {key}"},
        "b": await fresh_token(b_user),
        "staff": actors[Role.CUSTOMER_SERVICE].headers,
    }


async def _numbers(client, headers: dict[str, str]) -> set[str]:
    response = await client.post("/graphql", json={"query": ORDERS}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return {node["number"] for node in body["data"]["orders"]["nodes"]}


async def _one(client, headers: dict[str, str], number: str) -> dict[str, Any] | None:
    response = await client.post(
        "/graphql", json={"query": ORDER, "variables": {"number": number}}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    found: dict[str, Any] | None = body["data"]["order"]
    return found


async def test_a_partner_lists_only_its_own_orders(client, two_partners):
    assert await _numbers(client, two_partners["a"]) == {"A-1", "A-2"}
    assert await _numbers(client, two_partners["a_key"]) == {"A-1", "A-2"}
    assert await _numbers(client, two_partners["b"]) == {"B-1"}


async def test_a_partner_cannot_open_another_partners_order(client, two_partners):
    for who in ("a", "a_key"):
        assert await _one(client, two_partners[who], "A-1") == {"number": "A-1"}
        assert await _one(client, two_partners[who], "B-1") is None
        assert await _one(client, two_partners[who], "DIRECT-1") is None
    assert await _one(client, two_partners["b"], "A-2") is None


async def test_staff_see_every_order(client, two_partners):
    staff = two_partners["staff"]
    assert await _numbers(client, staff) == {"A-1", "A-2", "B-1", "DIRECT-1"}
    assert await _one(client, staff, "B-1") == {"number": "B-1"}

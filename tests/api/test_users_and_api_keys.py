"""Admin user management and partner API keys (shown once, stored hashed, revocable)."""

from __future__ import annotations

import hashlib

from backend.api.schema import build_schema
from backend.domain.auth.roles import Role
from backend.persistence.models import ApiKey, AuthToken, User
from tests.conftest import PASSWORD, Actor

CREATE_USER = """
mutation Create($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id username displayName role active partnerCode }
    userErrors { field code message }
  }
}
"""
UPDATE_USER = """
mutation Update($input: UpdateUserInput!) {
  updateUser(input: $input) {
    user { id username role active }
    userErrors { field code message }
  }
}
"""
CREATE_KEY = """
mutation Key($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    apiKey { id name prefix revokedAt user { username } }
    secret
    userErrors { field code message }
  }
}
"""
REVOKE_KEY = """
mutation Revoke($input: RevokeApiKeyInput!) {
  revokeApiKey(input: $input) { apiKey { id revokedAt } secret userErrors { code } }
}
"""
API_KEYS = "{ apiKeys { nodes { id name prefix createdAt revokedAt user { username } } } }"
ME = "{ me { username role partnerCode } }"
LOGIN = """
mutation Login($input: LoginInput!) { login(input: $input) { token userErrors { code } } }
"""


def new_user(**overrides: str) -> dict:
    fields = {
        "username": "picker-7",
        "displayName": "Picker Seven",
        "role": "WAREHOUSE",
        "password": "a-long-enough-secret",
    }
    fields.update(overrides)
    return {"input": fields}


async def as_bearer(client, token: str, query: str = ME) -> dict:
    response = await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body: dict = response.json()
    return body


def code_of(body: dict) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def test_admin_creates_a_staff_user_who_can_sign_in(gql, actors):
    body = await gql(CREATE_USER, new_user(), actors[Role.ADMIN])
    payload = body["data"]["createUser"]
    assert payload["userErrors"] == []
    assert payload["user"]["username"] == "picker-7"
    assert payload["user"]["role"] == "WAREHOUSE"
    assert payload["user"]["active"] is True
    assert payload["user"]["partnerCode"] is None
    stored = await User.get(username="picker-7")
    assert stored.password_hash.startswith("$argon2id$")

    signed_in = await gql(
        LOGIN, {"input": {"username": "picker-7", "password": "a-long-enough-secret"}}
    )
    assert signed_in["data"]["login"]["userErrors"] == []


async def test_a_taken_user_name_is_a_duplicate(gql, actors):
    body = await gql(CREATE_USER, new_user(username="warehouse"), actors[Role.ADMIN])
    payload = body["data"]["createUser"]
    assert payload["user"] is None
    assert payload["userErrors"][0]["code"] == "DUPLICATE"
    assert payload["userErrors"][0]["field"] == "username"
    assert await User.filter(username="warehouse").count() == 1


async def test_a_partner_user_needs_the_code_of_an_existing_partner(gql, actors):
    admin = actors[Role.ADMIN]
    for code, expected in (("", "REQUIRED"), ("NO-SUCH-PARTNER", "NOT_FOUND")):
        body = await gql(
            CREATE_USER, new_user(username="erp-bot", role="PARTNER", partnerCode=code), admin
        )
        payload = body["data"]["createUser"]
        assert payload["user"] is None
        assert payload["userErrors"][0]["field"] == "partnerCode"
        assert payload["userErrors"][0]["code"] == expected
    assert not await User.exists(username="erp-bot")

    body = await gql(
        CREATE_USER, new_user(username="erp-bot", role="PARTNER", partnerCode="SHOP"), admin
    )
    payload = body["data"]["createUser"]
    assert payload["userErrors"] == []
    assert payload["user"]["partnerCode"] == "SHOP"


async def test_a_staff_user_cannot_belong_to_a_partner(gql, actors):
    body = await gql(CREATE_USER, new_user(partnerCode="SHOP"), actors[Role.ADMIN])
    assert body["data"]["createUser"]["userErrors"][0]["field"] == "partnerCode"
    assert not await User.exists(username="picker-7")


async def test_deactivating_a_user_ends_its_sessions(gql, client, actors):
    target: Actor = actors[Role.QC]
    # Signed in and working a moment ago (so the sign-in is remembered by the server).
    assert (await as_bearer(client, target.token))["data"]["me"]["username"] == "qc"
    body = await gql(
        UPDATE_USER, {"input": {"id": str(target.user.id), "active": False}}, actors[Role.ADMIN]
    )
    payload = body["data"]["updateUser"]
    assert payload["userErrors"] == []
    assert payload["user"]["active"] is False
    assert code_of(await as_bearer(client, target.token)) == "UNAUTHENTICATED"
    assert await AuthToken.filter(user=target.user, revoked_at__isnull=True).count() == 0


async def test_resetting_a_password_ends_the_sessions_and_the_new_one_works(gql, client, actors):
    target: Actor = actors[Role.LOGISTICS]
    body = await gql(
        UPDATE_USER,
        {"input": {"id": str(target.user.id), "password": "reset-by-the-admin"}},
        actors[Role.ADMIN],
    )
    assert body["data"]["updateUser"]["userErrors"] == []
    assert code_of(await as_bearer(client, target.token)) == "UNAUTHENTICATED"

    old = await gql(LOGIN, {"input": {"username": "logistics", "password": PASSWORD}})
    assert old["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    new = await gql(LOGIN, {"input": {"username": "logistics", "password": "reset-by-the-admin"}})
    assert new["data"]["login"]["userErrors"] == []


async def test_staff_and_partner_accounts_cannot_be_converted(gql, actors):
    admin = actors[Role.ADMIN]
    for target, role in ((actors[Role.FINANCE], "PARTNER"), (actors[Role.PARTNER], "ADMIN")):
        body = await gql(UPDATE_USER, {"input": {"id": str(target.user.id), "role": role}}, admin)
        payload = body["data"]["updateUser"]
        assert payload["user"] is None
        assert payload["userErrors"][0]["code"] == "INVALID"
        assert payload["userErrors"][0]["field"] == "role"
        assert (await User.get(id=target.user.id)).role == target.user.role


async def test_updating_an_unknown_user_is_a_user_error(gql, actors):
    body = await gql(UPDATE_USER, {"input": {"id": "999999", "active": False}}, actors[Role.ADMIN])
    assert body["data"]["updateUser"]["userErrors"][0]["code"] == "UNKNOWN_USER"


async def test_a_partner_api_key_is_shown_once_and_signs_in_as_the_partner(gql, client, actors):
    body = await gql(
        CREATE_KEY, {"input": {"username": "partner", "name": "Shop ERP"}}, actors[Role.ADMIN]
    )
    payload = body["data"]["createApiKey"]
    assert payload["userErrors"] == []
    secret = payload["secret"]
    assert secret.startswith("wk_")
    assert payload["apiKey"]["name"] == "Shop ERP"
    assert payload["apiKey"]["user"] == {"username": "partner"}
    assert payload["apiKey"]["revokedAt"] is None

    signed_in = await as_bearer(client, secret)
    assert signed_in["data"]["me"] == {
        "username": "partner",
        "role": "PARTNER",
        "partnerCode": "SHOP",
    }
    staff_only = await as_bearer(client, secret, "{ users { nodes { username } } }")
    assert code_of(staff_only) == "FORBIDDEN"


async def test_an_api_key_is_stored_only_as_its_hash(gql, actors):
    body = await gql(
        CREATE_KEY, {"input": {"username": "partner", "name": "Shop ERP"}}, actors[Role.ADMIN]
    )
    secret = body["data"]["createApiKey"]["secret"]
    stored = await ApiKey.get(id=int(body["data"]["createApiKey"]["apiKey"]["id"]))
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.key_hash, stored.prefix, stored.name}


async def test_a_revoked_api_key_stops_working(gql, client, actors):
    admin = actors[Role.ADMIN]
    created = await gql(CREATE_KEY, {"input": {"username": "partner", "name": "Old"}}, admin)
    key = created["data"]["createApiKey"]
    assert (await as_bearer(client, key["secret"]))["data"]["me"]["username"] == "partner"

    body = await gql(REVOKE_KEY, {"input": {"id": key["apiKey"]["id"]}}, admin)
    payload = body["data"]["revokeApiKey"]
    assert payload["userErrors"] == []
    assert payload["secret"] is None
    assert payload["apiKey"]["revokedAt"] is not None
    assert code_of(await as_bearer(client, key["secret"])) == "UNAUTHENTICATED"

    unknown = await gql(REVOKE_KEY, {"input": {"id": "999999"}}, admin)
    assert unknown["data"]["revokeApiKey"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_api_keys_are_refused_for_staff_and_unknown_users(gql, actors):
    admin = actors[Role.ADMIN]
    for username, expected in (("warehouse", "INVALID"), ("nobody", "UNKNOWN_USER")):
        body = await gql(CREATE_KEY, {"input": {"username": username, "name": "Nope"}}, admin)
        payload = body["data"]["createApiKey"]
        assert payload["secret"] is None
        assert payload["apiKey"] is None
        assert payload["userErrors"][0]["code"] == expected
    assert await ApiKey.all().count() == 0


async def test_the_key_list_never_shows_a_secret_or_a_hash(gql, actors):
    admin = actors[Role.ADMIN]
    created = await gql(CREATE_KEY, {"input": {"username": "partner", "name": "Shop"}}, admin)
    secret = created["data"]["createApiKey"]["secret"]
    stored = await ApiKey.get(id=int(created["data"]["createApiKey"]["apiKey"]["id"]))

    listed = await gql(API_KEYS, actor=admin)
    assert [node["name"] for node in listed["data"]["apiKeys"]["nodes"]] == ["Shop"]
    assert secret not in str(listed)
    assert stored.key_hash not in str(listed)

    api_key_type = build_schema(development=True).get_type_by_name("ApiKey")
    exposed = {field.python_name for field in api_key_type.fields}  # type: ignore[union-attr]
    assert not exposed & {"secret", "key_hash", "hash"}

"""Sign-in: bearer tokens stored only as hashes, lockout after repeated failures,
sign-out, inactive users and password changes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from backend.domain.auth import credentials
from backend.domain.auth.roles import Role
from backend.persistence.models import AuthToken, User
from tests.conftest import PASSWORD, Actor, new_session

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    token expiresAt
    user { username role }
    userErrors { field code message }
  }
}
"""
ME = "{ me { username role } }"
LOGOUT = """
mutation Logout($input: LogoutInput!) { logout(input: $input) { ok userErrors { code } } }
"""
CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) {
  changePassword(input: $input) { user { username } userErrors { field code message } }
}
"""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(gql, username: str, password: str) -> dict:
    body = await gql(LOGIN, {"input": {"username": username, "password": password}})
    payload: dict = body["data"]["login"]
    return payload


async def me(client, token: str) -> dict:
    response = await client.post("/graphql", json={"query": ME}, headers=bearer(token))
    assert response.status_code == 200
    body: dict = response.json()
    return body


def error_code(body: dict) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def test_the_right_password_gives_a_bearer_token_that_signs_requests_in(
    gql, client, actors, settings
):
    before = datetime.now(UTC)
    payload = await login(gql, "warehouse", PASSWORD)
    assert payload["userErrors"] == []
    assert payload["user"] == {"username": "warehouse", "role": "WAREHOUSE"}
    token = payload["token"]
    body = await me(client, token)
    assert body["data"]["me"] == {"username": "warehouse", "role": "WAREHOUSE"}

    expires_at = datetime.fromisoformat(payload["expiresAt"])
    assert before < expires_at <= datetime.now(UTC) + settings.token_ttl


async def test_only_the_sha256_of_a_token_is_stored_with_its_expiry(gql, actors):
    token = (await login(gql, "finance", PASSWORD))["token"]
    stored = await AuthToken.filter(user=actors[Role.FINANCE].user).order_by("-id").first()
    assert stored is not None
    assert stored.token_hash != token
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert await AuthToken.filter(token_hash=token).count() == 0
    assert stored.expires_at > datetime.now(UTC)
    assert stored.revoked_at is None


async def test_wrong_password_and_unknown_user_get_the_same_answer(gql, actors):
    wrong = await login(gql, "warehouse", "not-the-password")
    unknown = await login(gql, "nobody-here", "not-the-password")
    for payload in (wrong, unknown):
        assert payload["token"] is None
        assert payload["user"] is None
    assert wrong["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["userErrors"] == unknown["userErrors"]


async def test_five_failures_lock_the_account_until_the_lock_expires(gql, actors):
    user = actors[Role.QC].user
    for _ in range(5):
        failed = await login(gql, "qc", "wrong-password")
        assert failed["userErrors"][0]["code"] == "INVALID_CREDENTIALS"

    locked = await login(gql, "qc", PASSWORD)
    assert locked["token"] is None
    assert locked["userErrors"][0]["code"] == "ACCOUNT_LOCKED"
    stored = await User.get(id=user.id)
    assert stored.locked_until is not None
    assert stored.locked_until > datetime.now(UTC)

    await User.filter(id=user.id).update(locked_until=datetime.now(UTC) - timedelta(seconds=1))
    unlocked = await login(gql, "qc", PASSWORD)
    assert unlocked["userErrors"] == []
    assert unlocked["token"]
    stored = await User.get(id=user.id)
    assert stored.failed_logins == 0
    assert stored.locked_until is None


async def test_a_successful_login_resets_the_failure_count(gql, actors):
    user = actors[Role.LOGISTICS].user
    for _ in range(4):
        await login(gql, "logistics", "wrong-password")
    assert (await User.get(id=user.id)).failed_logins == 4

    assert (await login(gql, "logistics", PASSWORD))["userErrors"] == []
    assert (await User.get(id=user.id)).failed_logins == 0

    # Four more failures would have locked without the reset; one more does not.
    failed = await login(gql, "logistics", "wrong-password")
    assert failed["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    stored = await User.get(id=user.id)
    assert stored.failed_logins == 1
    assert stored.locked_until is None


async def test_logout_revokes_the_token_it_was_sent_with(gql, client, actors):
    actor: Actor = actors[Role.WAREHOUSE]
    other = await new_session(actor.user)
    body = await gql(LOGOUT, {"input": {}}, actor)
    assert body["data"]["logout"] == {"ok": True, "userErrors": []}

    assert error_code(await me(client, actor.token)) == "UNAUTHENTICATED"
    assert (await me(client, other))["data"]["me"]["username"] == "warehouse"


async def test_logout_everywhere_revokes_every_session_of_the_user(gql, client, actors):
    actor: Actor = actors[Role.CUSTOMER_SERVICE]
    others = [await new_session(actor.user) for _ in range(2)]
    bystander = actors[Role.FINANCE]

    body = await gql(LOGOUT, {"input": {"everywhere": True}}, actor)
    assert body["data"]["logout"]["ok"] is True

    for token in [actor.token, *others]:
        assert error_code(await me(client, token)) == "UNAUTHENTICATED"
    assert await AuthToken.filter(user=actor.user, revoked_at__isnull=True).count() == 0
    assert (await me(client, bystander.token))["data"]["me"]["username"] == "finance"


async def test_an_inactive_user_cannot_sign_in_and_its_tokens_stop_working(gql, client, actors):
    actor: Actor = actors[Role.SUPERVISOR]
    await User.filter(id=actor.user.id).update(active=False)

    refused = await login(gql, "supervisor", PASSWORD)
    assert refused["token"] is None
    assert refused["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert error_code(await me(client, actor.token)) == "UNAUTHENTICATED"


async def test_an_expired_token_is_refused(client, actors):
    actor: Actor = actors[Role.ADMIN]
    await AuthToken.filter(user=actor.user).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert error_code(await me(client, actor.token)) == "UNAUTHENTICATED"


async def test_change_password_needs_the_current_password(gql, actors):
    actor: Actor = actors[Role.FINANCE]
    body = await gql(
        CHANGE_PASSWORD,
        {"input": {"currentPassword": "not-the-password", "newPassword": "a-new-long-secret"}},
        actor,
    )
    payload = body["data"]["changePassword"]
    assert payload["user"] is None
    assert payload["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert payload["userErrors"][0]["field"] == "currentPassword"
    assert (await login(gql, "finance", PASSWORD))["userErrors"] == []


async def test_change_password_rejects_a_weak_password(gql, actors):
    actor: Actor = actors[Role.FINANCE]
    for weak in ("short", "finance"):
        body = await gql(
            CHANGE_PASSWORD,
            {"input": {"currentPassword": PASSWORD, "newPassword": weak}},
            actor,
        )
        payload = body["data"]["changePassword"]
        assert payload["user"] is None
        assert payload["userErrors"][0]["code"] == "WEAK_PASSWORD"


async def test_change_password_ends_the_other_sessions_but_keeps_this_one(gql, client, actors):
    actor: Actor = actors[Role.CS_MANAGER]
    other = await new_session(actor.user)
    body = await gql(
        CHANGE_PASSWORD,
        {"input": {"currentPassword": PASSWORD, "newPassword": "a-new-long-secret"}},
        actor,
    )
    assert body["data"]["changePassword"] == {
        "user": {"username": "cs_manager"},
        "userErrors": [],
    }
    assert error_code(await me(client, other)) == "UNAUTHENTICATED"
    assert (await me(client, actor.token))["data"]["me"]["username"] == "cs_manager"

    old = await login(gql, "cs_manager", PASSWORD)
    assert old["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await login(gql, "cs_manager", "a-new-long-secret"))["userErrors"] == []


async def test_a_session_token_drawn_in_the_form_of_an_api_key_is_drawn_again(
    gql, client, actors, monkeypatch
):
    """Bearers starting with the API-key prefix are looked up as partner keys: a session
    token of that form would sign nothing in, so sign-in never hands one out."""
    drawn = iter([f"{credentials.API_KEY_PREFIX}looks-like-a-key", "an-ordinary-session-token"])
    monkeypatch.setattr(credentials.secrets, "token_urlsafe", lambda _n: next(drawn))

    payload = await login(gql, "warehouse", PASSWORD)

    assert payload["token"] == "an-ordinary-session-token"
    body = await me(client, payload["token"])
    assert body["data"]["me"] == {"username": "warehouse", "role": "WAREHOUSE"}

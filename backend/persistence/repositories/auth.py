from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F

from backend.domain.auth.roles import Role
from backend.persistence import transaction
from backend.persistence.models import AuthToken, Partner, User


async def user_by_username(username: str) -> User | None:
    return await User.get_or_none(username=username)


async def user_by_id(user_id: int) -> User | None:
    return await User.get_or_none(id=user_id)


async def partner_by_code(code: str) -> Partner | None:
    return await Partner.get_or_none(code=code)


async def record_failed_login(user_id: int) -> int:
    """Count one more failure atomically; returns the new count."""
    await User.filter(id=user_id).update(failed_logins=F("failed_logins") + 1)
    user = await User.get(id=user_id)
    return user.failed_logins


async def lock(user_id: int, until: datetime) -> None:
    await User.filter(id=user_id).update(locked_until=until)


async def record_login(user_id: int, now: datetime, password_hash: str | None) -> None:
    changes: dict[str, object] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    if password_hash is not None:
        changes["password_hash"] = password_hash
    await User.filter(id=user_id).update(**changes)


async def create_token(user_id: int, token_hash: str, expires_at: datetime) -> AuthToken:
    return await AuthToken.create(user_id=user_id, token_hash=token_hash, expires_at=expires_at)


@dataclass(frozen=True, slots=True)
class Credential:
    """A bearer credential with the account it signs in (one statement per request)."""

    id: int
    user_id: int
    username: str
    role: Role
    partner_id: int | None
    active: bool
    expires_at: datetime | None
    revoked: bool


def _credential(row: dict[str, Any], expires_at: datetime | None) -> Credential:
    return Credential(
        id=row["id"],
        user_id=row["user_id"],
        username=row["username"],
        role=Role(row["role"]),
        partner_id=row["partner_id"],
        active=bool(row["active"]),
        expires_at=expires_at,
        revoked=row["revoked_at"] is not None,
    )


def _aware(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def token_credential(token_hash: str) -> Credential | None:
    rows = await transaction.fetch(
        "SELECT t.id, t.user_id, t.expires_at, t.revoked_at, u.username, u.role,"
        " u.partner_id, u.active FROM auth_token t JOIN app_user u ON u.id = t.user_id"
        " WHERE t.token_hash = ?",
        [token_hash],
    )
    return _credential(rows[0], _aware(rows[0]["expires_at"])) if rows else None


async def api_key_credential(key_hash: str) -> Credential | None:
    rows = await transaction.fetch(
        "SELECT k.id, k.user_id, k.revoked_at, u.username, u.role, u.partner_id, u.active"
        " FROM api_key k JOIN app_user u ON u.id = k.user_id WHERE k.key_hash = ?",
        [key_hash],
    )
    return _credential(rows[0], None) if rows else None


async def revoke_token(token_id: int, now: datetime) -> None:
    await AuthToken.filter(id=token_id, revoked_at__isnull=True).update(revoked_at=now)


async def revoke_user_tokens(user_id: int, now: datetime, keep_token_id: int | None = None) -> None:
    query = AuthToken.filter(user_id=user_id, revoked_at__isnull=True)
    if keep_token_id is not None:
        query = query.exclude(id=keep_token_id)
    await query.update(revoked_at=now)

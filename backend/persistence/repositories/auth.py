from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F

from backend.persistence.models import ApiKey, AuthToken, Partner, User


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


async def token_with_user(token_hash: str) -> AuthToken | None:
    return await AuthToken.get_or_none(token_hash=token_hash).select_related("user")


async def revoke_token(token_id: int, now: datetime) -> None:
    await AuthToken.filter(id=token_id, revoked_at__isnull=True).update(revoked_at=now)


async def revoke_user_tokens(user_id: int, now: datetime, keep_token_id: int | None = None) -> None:
    query = AuthToken.filter(user_id=user_id, revoked_at__isnull=True)
    if keep_token_id is not None:
        query = query.exclude(id=keep_token_id)
    await query.update(revoked_at=now)


async def api_key_with_user(key_hash: str) -> ApiKey | None:
    return await ApiKey.get_or_none(key_hash=key_hash).select_related("user")

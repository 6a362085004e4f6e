"""Sign-in, sign-out and turning a bearer credential into a Principal."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backend.domain.auth import lockout
from backend.domain.auth.credentials import is_api_key, new_session_token
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.validation import text
from backend.persistence.models import User
from backend.persistence.repositories import auth as repo
from backend.persistence.transaction import transaction
from backend.pubsub.base import PubSub
from backend.services import passwords
from backend.services.credential_cache import credentials, revoked


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    expires_at: datetime
    user: User


def _bad_credentials() -> DomainError:
    return DomainError(ErrorCode.INVALID_CREDENTIALS, "Wrong user name or password.", "password")


async def login(username: str, password: str, ttl: timedelta) -> Session:
    name = text(username, "username", max_length=64, required=True)
    if not password or len(password) > 1024:
        raise _bad_credentials()
    now = datetime.now(UTC)
    user = await repo.user_by_username(name)
    if user is None or not user.active:
        passwords.burn_time()
        raise _bad_credentials()
    if lockout.is_locked(user.locked_until, now):
        raise DomainError(
            ErrorCode.ACCOUNT_LOCKED,
            "Too many failed sign-ins; this account is locked for a while. Try again later.",
            "username",
        )
    if not passwords.verify(user.password_hash, password):
        async with transaction():
            failures = await repo.record_failed_login(user.id)
            until = lockout.lock_until(failures, now)
            if until is not None:
                await repo.lock(user.id, until)
        raise _bad_credentials()
    token = new_session_token()
    expires_at = now + ttl
    rehashed = (
        passwords.hash_password(password) if passwords.needs_rehash(user.password_hash) else None
    )
    async with transaction():
        await repo.record_login(user.id, now, rehashed)
        await repo.create_token(user.id, digest(token), expires_at)
    return Session(token=token, expires_at=expires_at, user=user)


async def logout(pubsub: PubSub, principal: Principal, everywhere: bool) -> None:
    now = datetime.now(UTC)
    if everywhere:
        await repo.revoke_user_tokens(principal.user_id, now)
    elif principal.token_id is not None:
        await repo.revoke_token(principal.token_id, now)
    await revoked(pubsub, principal.user_id)


async def authenticate(bearer: str) -> Principal | None:
    """The principal a bearer token or partner API key stands for, or None if not valid."""
    if not bearer or len(bearer) > 256:
        return None
    key = digest(bearer)
    known = credentials.get(key)
    if known is not None and (known.expires_at is None or known.expires_at > datetime.now(UTC)):
        return known
    found = await _look_up(bearer, key)
    if found is not None:
        credentials.put(key, found)
    return found


async def _look_up(bearer: str, key: str) -> Principal | None:
    if is_api_key(bearer):
        found = await repo.api_key_credential(key)
        if found is None or found.revoked or not found.active:
            return None
        return Principal(
            found.user_id, found.username, found.role, found.partner_id, None, api_key_id=found.id
        )
    found = await repo.token_credential(key)
    if found is None or found.revoked or not found.active:
        return None
    if found.expires_at is None or found.expires_at <= datetime.now(UTC):
        return None
    return Principal(
        found.user_id,
        found.username,
        found.role,
        found.partner_id,
        found.expires_at,
        token_id=found.id,
    )

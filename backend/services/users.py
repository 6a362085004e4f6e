"""Accounts: staff users, partner users and their API keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from backend.domain import validation
from backend.domain.auth.credentials import new_api_key
from backend.domain.auth.passwords import check_new_password
from backend.domain.auth.roles import Principal, Role
from backend.domain.errors import DomainError, ErrorCode
from backend.persistence.models import ApiKey, User
from backend.persistence.repositories import auth as repo
from backend.persistence.transaction import transaction
from backend.pubsub.base import PubSub
from backend.services import passwords
from backend.services.credential_cache import revoked
from backend.services.sessions import digest


async def create_user(
    *, username: str, display_name: str, role: Role, password: str, partner_code: str = ""
) -> User:
    name = validation.code(username, "username")
    shown = validation.text(
        display_name, "displayName", max_length=validation.NAME_TEXT, required=True
    )
    check_new_password(password, name)
    partner_id = None
    if role is Role.PARTNER:
        partner = await repo.partner_by_code(validation.code(partner_code, "partnerCode"))
        if partner is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such partner.", "partnerCode")
        partner_id = partner.id
    elif partner_code:
        raise DomainError(
            ErrorCode.INVALID, "Only partner users belong to a partner.", "partnerCode"
        )
    try:
        return await User.create(
            username=name,
            display_name=shown,
            role=role,
            password_hash=passwords.hash_password(password),
            partner_id=partner_id,
        )
    except IntegrityError as exc:
        raise DomainError(ErrorCode.DUPLICATE, f"User {name} exists already.", "username") from exc


async def _user(user_id: int) -> User:
    user = await repo.user_by_id(user_id)
    if user is None:
        raise DomainError(ErrorCode.UNKNOWN_USER, "No such user.", "userId")
    return user


async def update_user(
    pubsub: PubSub,
    *,
    user_id: int,
    display_name: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Admin changes; deactivating or resetting a password ends the user's sessions."""
    user = await _user(user_id)
    if role is not None and (role is Role.PARTNER) != (user.role is Role.PARTNER):
        raise DomainError(
            ErrorCode.INVALID, "Staff and partner accounts cannot be converted.", "role"
        )
    async with transaction():
        if display_name is not None:
            user.display_name = validation.text(
                display_name, "displayName", max_length=validation.NAME_TEXT, required=True
            )
        if role is not None:
            user.role = role
        if password is not None:
            check_new_password(password, user.username)
            user.password_hash = passwords.hash_password(password)
            user.failed_logins = 0
            user.locked_until = None
        if active is not None:
            user.active = active
        await user.save()
        if password is not None or active is False:
            await repo.revoke_user_tokens(user.id, datetime.now(UTC))
    if password is not None or active is not None or role is not None:
        await revoked(pubsub, user.id)  # cached sign-ins carry the old role and state
    return user


async def change_password(pubsub: PubSub, actor: Principal, current: str, new: str) -> User:
    user = await _user(actor.user_id)
    if not passwords.verify(user.password_hash, current):
        raise DomainError(
            ErrorCode.INVALID_CREDENTIALS, "The current password is wrong.", "currentPassword"
        )
    check_new_password(new, user.username)
    async with transaction():
        user.password_hash = passwords.hash_password(new)
        await user.save(update_fields=["password_hash"])
        await repo.revoke_user_tokens(user.id, datetime.now(UTC), keep_token_id=actor.token_id)
    await revoked(pubsub, user.id)
    return user


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once, never stored


async def create_api_key(*, username: str, name: str) -> IssuedKey:
    user = await repo.user_by_username(validation.code(username, "username"))
    if user is None:
        raise DomainError(ErrorCode.UNKNOWN_USER, "No such user.", "username")
    if user.role is not Role.PARTNER:
        raise DomainError(ErrorCode.INVALID, "API keys are for partner users.", "username")
    label = validation.text(name, "name", max_length=validation.NAME_TEXT, required=True)
    prefix, secret = new_api_key()
    key = await ApiKey.create(name=label, prefix=prefix, key_hash=digest(secret), user_id=user.id)
    return IssuedKey(key=key, secret=secret)


async def revoke_api_key(pubsub: PubSub, key_id: int) -> ApiKey:
    key = await ApiKey.get_or_none(id=key_id)
    if key is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such API key.", "id")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await key.save(update_fields=["revoked_at"])
        await revoked(pubsub, key.user_id)
    return key

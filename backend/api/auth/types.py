from __future__ import annotations

from datetime import datetime

import strawberry

from backend.api.context import Info
from backend.api.enums import Role
from backend.api.errors import UserError
from backend.persistence import models


@strawberry.type
class UserRef:
    """Who did something: enough to show, nothing to sign in with."""

    username: str
    display_name: str

    @classmethod
    def from_model(cls, user: models.User) -> UserRef:
        return cls(username=user.username, display_name=user.display_name)


@strawberry.type
class User:
    id: strawberry.ID
    username: str
    display_name: str
    role: Role  # type: ignore[valid-type]
    active: bool
    last_login_at: datetime | None
    partner_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.User) -> User:
        return cls(
            id=strawberry.ID(str(m.id)),
            username=m.username,
            display_name=m.display_name,
            role=m.role,
            active=m.active,
            last_login_at=m.last_login_at,
            partner_id=m.partner_id,
        )

    @strawberry.field
    async def partner_code(self, info: Info) -> str | None:
        if self.partner_id is None:
            return None
        partner = await info.context.loaders.partner.load(self.partner_id)
        return None if partner is None else partner.code


@strawberry.type
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    user_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.ApiKey) -> ApiKey:
        return cls(
            id=strawberry.ID(str(m.id)),
            name=m.name,
            prefix=m.prefix,
            created_at=m.created_at,
            revoked_at=m.revoked_at,
            user_id=m.user_id,
        )

    @strawberry.field
    async def user(self, info: Info) -> User:
        found = await info.context.loaders.user.load(self.user_id)
        assert found is not None
        return User.from_model(found)


@strawberry.type
class LoginPayload:
    token: str | None
    expires_at: datetime | None
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class LogoutPayload:
    ok: bool
    user_errors: list[UserError]


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None
    secret: str | None = strawberry.field(
        description="The key itself: shown once, only in the answer to createApiKey."
    )
    user_errors: list[UserError]

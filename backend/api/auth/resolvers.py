from __future__ import annotations

import strawberry

from backend.api.auth import inputs
from backend.api.auth.types import (
    ApiKey,
    ApiKeyPayload,
    LoginPayload,
    LogoutPayload,
    User,
    UserPayload,
)
from backend.api.context import Info
from backend.api.errors import user_errors
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.domain.errors import DomainError
from backend.persistence.models import ApiKey as ApiKeyModel
from backend.persistence.models import User as UserModel
from backend.persistence.queries.pages import page
from backend.services import sessions, users


def _id(value: strawberry.ID) -> int:
    return int(value) if str(value).isdigit() else 0


@strawberry.type
class AuthQuery:
    @strawberry.field
    @gated
    async def me(self, info: Info) -> User:
        principal = info.context.principal
        assert principal is not None
        found = await info.context.loaders.user.load(principal.user_id)
        assert found is not None
        return User.from_model(found)

    @strawberry.field
    @gated
    async def users(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[User]:
        rows = await page(UserModel.all(), page_size(first), decode_cursor(after))
        return connection(rows, [User.from_model(r) for r in rows.rows])

    @strawberry.field
    @gated
    async def api_keys(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ApiKey]:
        rows = await page(ApiKeyModel.all(), page_size(first), decode_cursor(after))
        return connection(rows, [ApiKey.from_model(r) for r in rows.rows])


@strawberry.type
class AuthMutation:
    @strawberry.mutation
    @gated
    async def login(self, info: Info, input: inputs.LoginInput) -> LoginPayload:
        try:
            session = await sessions.login(
                input.username, input.password, info.context.settings.token_ttl
            )
        except DomainError as error:
            return LoginPayload(
                token=None, expires_at=None, user=None, user_errors=user_errors(error)
            )
        return LoginPayload(
            token=session.token,
            expires_at=session.expires_at,
            user=User.from_model(session.user),
            user_errors=[],
        )

    @strawberry.mutation
    @gated
    async def logout(self, info: Info, input: inputs.LogoutInput) -> LogoutPayload:
        principal = info.context.principal
        assert principal is not None
        await sessions.logout(info.context.pubsub, principal, input.everywhere)
        return LogoutPayload(ok=True, user_errors=[])

    @strawberry.mutation
    @gated
    async def change_password(self, info: Info, input: inputs.ChangePasswordInput) -> UserPayload:
        principal = info.context.principal
        assert principal is not None
        try:
            user = await users.change_password(
                info.context.pubsub, principal, input.current_password, input.new_password
            )
        except DomainError as error:
            return UserPayload(user=None, user_errors=user_errors(error))
        return UserPayload(user=User.from_model(user), user_errors=[])

    @strawberry.mutation
    @gated
    async def create_user(self, info: Info, input: inputs.CreateUserInput) -> UserPayload:
        try:
            user = await users.create_user(
                username=input.username,
                display_name=input.display_name,
                role=input.role,
                password=input.password,
                partner_code=input.partner_code,
            )
        except DomainError as error:
            return UserPayload(user=None, user_errors=user_errors(error))
        return UserPayload(user=User.from_model(user), user_errors=[])

    @strawberry.mutation
    @gated
    async def update_user(self, info: Info, input: inputs.UpdateUserInput) -> UserPayload:
        try:
            user = await users.update_user(
                info.context.pubsub,
                user_id=_id(input.id),
                display_name=input.display_name,
                role=input.role,
                active=input.active,
                password=input.password,
            )
        except DomainError as error:
            return UserPayload(user=None, user_errors=user_errors(error))
        return UserPayload(user=User.from_model(user), user_errors=[])

    @strawberry.mutation
    @gated
    async def create_api_key(self, info: Info, input: inputs.CreateApiKeyInput) -> ApiKeyPayload:
        try:
            issued = await users.create_api_key(username=input.username, name=input.name)
        except DomainError as error:
            return ApiKeyPayload(api_key=None, secret=None, user_errors=user_errors(error))
        return ApiKeyPayload(
            api_key=ApiKey.from_model(issued.key), secret=issued.secret, user_errors=[]
        )

    @strawberry.mutation
    @gated
    async def revoke_api_key(self, info: Info, input: inputs.RevokeApiKeyInput) -> ApiKeyPayload:
        try:
            key = await users.revoke_api_key(info.context.pubsub, _id(input.id))
        except DomainError as error:
            return ApiKeyPayload(api_key=None, secret=None, user_errors=user_errors(error))
        return ApiKeyPayload(api_key=ApiKey.from_model(key), secret=None, user_errors=[])

from __future__ import annotations

import strawberry

from backend.api.enums import Role


@strawberry.input
class LoginInput:
    username: str
    password: str


@strawberry.input
class LogoutInput:
    everywhere: bool = strawberry.field(default=False, description="End all my sessions.")


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.input
class CreateUserInput:
    username: str
    display_name: str
    role: Role  # type: ignore[valid-type]
    password: str
    partner_code: str = ""


@strawberry.input
class UpdateUserInput:
    id: strawberry.ID
    display_name: str | None = None
    role: Role | None = None  # type: ignore[valid-type]
    active: bool | None = None
    password: str | None = None


@strawberry.input
class CreateApiKeyInput:
    username: str = strawberry.field(description="The partner user the key acts as.")
    name: str


@strawberry.input
class RevokeApiKeyInput:
    id: strawberry.ID

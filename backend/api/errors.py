"""How failures reach API clients.

- Business rules: `userErrors { field code message }` in the payload (from DomainError).
- Sign-in, permission and malformed-request problems: a GraphQL error whose
  `extensions.code` says which (PublicError), shown even when errors are masked.
- Anything else is a bug: masked outside development and logged, never shown.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from backend.domain.errors import DomainError, ErrorCode

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode")


@strawberry.type
class UserError:
    field: str | None
    code: UserErrorCode  # type: ignore[valid-type]
    message: str


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(field=error.field, code=error.code, message=error.message)]


class PublicError(GraphQLError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def unauthenticated() -> PublicError:
    return PublicError("Sign in first: send a valid bearer token.", "UNAUTHENTICATED")


def forbidden(operation: str) -> PublicError:
    return PublicError(f"Your role may not use {operation}.", "FORBIDDEN")


def bad_input(message: str) -> PublicError:
    return PublicError(message, "BAD_USER_INPUT")


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, PublicError):
        return False
    # graphql-core's own error, outside any field: a variable failed coercion (a quantity
    # of "five", a malformed date) before any resolver ran; it describes the request.
    return not (error.path is None and isinstance(original, GraphQLError))

"""How failures reach API clients.

- Business rules: `userErrors { field code message }` in the payload (from DomainError);
  `answer_or_errors` runs a resolver's use case and catches them.
- Sign-in, permission and malformed-request problems: a GraphQL error whose
  `extensions.code` says which (PublicError), shown even when errors are masked.
- Anything else is a bug: masked outside development and logged, never shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from graphql import GraphQLError

from backend.api.context import Info
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer

# A service call waiting for the caller's bus and principal.
UseCase = Callable[[PubSub, Principal], Awaitable[Answer]]

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode")


@strawberry.type
class UserError:
    field: str | None
    code: UserErrorCode  # type: ignore[valid-type]
    message: str


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(field=error.field, code=error.code, message=error.message)]


async def answer_or_errors(info: Info, use_case: UseCase) -> tuple[Answer | None, list[UserError]]:
    """The use case run for the signed-in caller: its answer, or (None, its DomainError as
    userErrors); the payload then carries nothing and `replayed` is false."""
    principal = info.context.principal
    assert principal is not None
    try:
        return await use_case(info.context.pubsub, principal), []
    except DomainError as error:
        return None, user_errors(error)


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

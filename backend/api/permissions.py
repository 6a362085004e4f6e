"""Every root field is gated by the permission table (domain.auth.permissions).

`@gated` goes under the Strawberry decorator of every query, mutation and subscription
resolver: before the resolver runs it checks the caller against the table entry for the
field's name. It is a plain wrapper rather than a Strawberry permission class, which ran
through Strawberry's extension machinery on every call (a sixth of a mutation's GraphQL
time in the bench profile). The permission walk test checks every root field.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from backend.api.errors import forbidden, unauthenticated
from backend.domain.auth.permissions import is_public, may

F = TypeVar("F", bound=Callable[..., Any])


def check(info: Any) -> None:
    operation = info.field_name
    if is_public(operation):
        return
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    if principal.expires_at is not None and principal.expires_at <= datetime.now(UTC):
        raise unauthenticated()
    if not may(principal.role, operation):
        raise forbidden(operation)


def gated(resolver: F) -> F:
    if inspect.isasyncgenfunction(resolver):
        stream = cast(Callable[..., AsyncIterator[Any]], resolver)

        @functools.wraps(resolver)
        async def gated_stream(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            check(kwargs["info"])
            async for item in stream(*args, **kwargs):
                yield item

        return cast(F, gated_stream)

    call = cast(Callable[..., Awaitable[Any]], resolver)

    @functools.wraps(resolver)
    async def gated_call(*args: Any, **kwargs: Any) -> Any:
        check(kwargs["info"])
        return await call(*args, **kwargs)

    return cast(F, gated_call)

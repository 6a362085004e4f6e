"""The common request, a JSON POST of one operation, served without Strawberry's view.

Strawberry's HTTP view handles every transport (GET, multipart, GraphiQL, WebSocket) and
costs about a fifth of a small mutation's server time doing so (bench profile). A plain
`POST application/json` carrying {query, variables, operationName} is executed here with
the same schema, context and answer format. Anything else, or anything unusual about the
request (malformed JSON, a missing query, an operation type not allowed over POST), goes
to Strawberry's view with the body replayed, so its answers and error codes stay the same.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

ALLOWED = frozenset({OperationType.QUERY, OperationType.MUTATION})

ContextFactory = Callable[[Request], Awaitable[Any]]
Fallback = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_json_post(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip().lower() == b"application/json")
    return False


def _operation(body: bytes) -> tuple[str, dict[str, Any] | None, str | None] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) - {"query", "variables", "operationName"}:
        return None
    query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
    if not isinstance(query, str) or not query:
        return None
    if variables is not None and not isinstance(variables, dict):
        return None
    if name is not None and not isinstance(name, str):
        return None
    return query, variables, name


async def serve(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    schema: BaseSchema,
    context: ContextFactory,
    fallback: Fallback,
) -> None:
    request = Request(scope, receive)
    body = await request.body()
    operation = _operation(body)
    if operation is not None:
        query, variables, name = operation
        try:
            result = await schema.execute(
                query,
                variable_values=variables,
                context_value=await context(request),
                operation_name=name,
                allowed_operation_types=ALLOWED,
            )
        except InvalidOperationTypeError:
            # Strawberry's view would run a subscription sent over POST as a query.
            message = "Subscriptions are served over WebSocket (graphql-transport-ws)."
            content = json.dumps({"data": None, "errors": [{"message": message}]}).encode()
            await Response(content, 400, media_type="application/json")(scope, receive, send)
            return
        except (CannotGetOperationTypeError, MissingQueryError):
            pass  # nothing ran; Strawberry's view answers these with its usual 400s
        else:
            content = json.dumps(process_result(result)).encode()
            await Response(content, media_type="application/json")(scope, receive, send)
            return

    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    await fallback(scope, replay, send)

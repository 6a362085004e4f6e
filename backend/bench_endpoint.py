"""A bare Starlette twin of the receiveStock mutation, for `make bench` only.

Same authentication, same service function, JSON in and out, no GraphQL: the difference
between the two is what the GraphQL layer costs. Mounted only when BENCH_ENDPOINT=1.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.api.context import bearer_from_header
from backend.domain.errors import DomainError
from backend.services.sessions import authenticate
from backend.services.stock.booking import receive_stock
from backend.services.stock.commands import ReceiveStock


async def receive_stock_bare(request: Request) -> Response:
    principal = await authenticate(bearer_from_header(request.headers.get("authorization")))
    if principal is None:
        return JSONResponse({"error": "UNAUTHENTICATED"}, status_code=401)
    body = json.loads(await request.body())
    cmd = ReceiveStock(
        body["idempotencyKey"], body["sku"], body["locationCode"], int(body["quantity"])
    )
    try:
        answer = await receive_stock(request.app.state.pubsub, principal, cmd)
    except DomainError as error:
        return JSONResponse({"userErrors": [{"code": error.code, "message": error.message}]})
    return JSONResponse({"movement": answer.response["movement"], "replayed": answer.replayed})

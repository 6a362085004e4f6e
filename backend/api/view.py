"""The Strawberry ASGI app: HTTP and graphql-transport-ws, with our context and sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from backend.api import fast_post
from backend.api.context import Context, bearer_from_header
from backend.api.schema import build_schema
from backend.config import Settings
from backend.pubsub.base import PubSub
from backend.services.sessions import authenticate


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, settings: Settings, pubsub: PubSub) -> None:
        super().__init__(
            build_schema(development=settings.development),
            graphql_ide="graphiql" if settings.development else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=20,
            allowed_origins=settings.allowed_origins,
        )
        self.settings = settings
        self.pubsub = pubsub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if fast_post.is_json_post(scope):
            await fast_post.serve(
                scope,
                receive,
                send,
                schema=self.schema,
                context=lambda request: self.get_context(request, None),
                fallback=super().__call__,
            )
        else:
            await super().__call__(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        context = Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            settings=self.settings,
            pubsub=self.pubsub,
        )
        if isinstance(request, Request):
            context.bearer = bearer_from_header(request.headers.get("authorization"))
            if context.bearer:
                context.principal = await authenticate(context.bearer)
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        params = context.connection_params or {}
        credential = params.get("authorization") or params.get("Authorization") or ""
        if not isinstance(credential, str):
            raise ConnectionRejectionError({"reason": "authorization must be a string"})
        bearer = bearer_from_header(credential) or credential.strip()
        principal = await authenticate(bearer) if bearer else None
        if principal is None:
            raise ConnectionRejectionError({"reason": "sign in first"})
        context.principal = principal
        context.bearer = bearer
        return None

"""Per-request (or per-WebSocket) context: who is asking, loaders, services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from backend.api.loaders import Loaders
from backend.config import Settings
from backend.domain.auth.roles import Principal
from backend.pubsub.base import PubSub


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None
    settings: Settings
    pubsub: PubSub
    principal: Principal | None = None
    bearer: str = ""
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict[str, Any] | None = None


Info = strawberry.Info[Context, None]


def bearer_from_header(value: str | None) -> str:
    if not value:
        return ""
    scheme, _, credential = value.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""

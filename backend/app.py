"""Starlette application factory: /graphql, /healthz, the PWA; lifespan opens db and pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from tortoise.contrib.starlette import RegisterTortoise

from backend.api.export_download import download_export
from backend.api.files import download_photo, return_label, upload_photo
from backend.api.shell_files import shell_app
from backend.api.view import GraphQLApp
from backend.config import Settings
from backend.persistence.db import sqlite_path, tortoise_config
from backend.persistence.transaction import fetch
from backend.pubsub.factory import create_pubsub
from backend.services import housekeeping
from backend.services.credential_cache import credentials
from backend.single_writer import SingleWriterLock

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


async def healthz(request: Request) -> JSONResponse:
    try:
        await fetch("SELECT 1 AS ok")
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


@asynccontextmanager
async def background(job: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run `job` for as long as the context is open, then cancel it."""
    task = asyncio.create_task(job)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


GC_GEN0_THRESHOLD = 20_000


def create_app(settings: Settings | None = None, *, with_database: bool = True) -> Starlette:
    settings = settings or Settings.from_env()
    pubsub = create_pubsub(settings.pubsub_url)
    graphql = GraphQLApp(settings, pubsub)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            path = sqlite_path(settings.database_url)
            if path is not None:
                lock = SingleWriterLock(path)
                lock.acquire()
                stack.callback(lock.release)
            await pubsub.start()
            stack.push_async_callback(pubsub.close)
            await stack.enter_async_context(background(credentials.follow(pubsub)))
            if with_database:
                config = tortoise_config(settings.database_url)
                await stack.enter_async_context(
                    RegisterTortoise(app, config=config, generate_schemas=False)
                )
                await stack.enter_async_context(background(housekeeping.run_forever()))
            # What start-up built (schema, models, modules) lives as long as the process:
            # frozen, the full collections a busy request triggers no longer scan it. A page
            # of 50 return tickets allocates enough to trigger several; at 10 pages a second
            # freezing took its p90 from about 85 ms to 60 ms and its p99 from about 150 ms
            # to 80 ms (returns bench).
            gc.collect()
            gc.freeze()
            stack.callback(gc.unfreeze)
            # A request allocates thousands of short-lived objects; the default gen-0
            # threshold (700) ran a collection every request or two.
            thresholds = gc.get_threshold()
            gc.set_threshold(GC_GEN0_THRESHOLD, 20, 20)
            stack.callback(gc.set_threshold, *thresholds)
            yield

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        # upload_photo stops reading past MAX_PHOTO_BYTES itself and answers 413 in JSON;
        # the app-wide max_body_bytes, far below a photo's size, is lifted for it.
        Route("/photos", upload_photo, methods=["POST"], max_body_size=sys.maxsize),
        Route("/photos/{sha256}", download_photo),
        Route("/labels/{number}", return_label),
        Route("/exports/{public_id}", download_export),
    ]
    if settings.bench_endpoint:
        from backend.bench_endpoint import receive_stock_bare

        routes.append(Route("/bench/receive-stock", receive_stock_bare, methods=["POST"]))
    if FRONTEND.is_dir():
        routes.append(Mount("/", shell_app(FRONTEND), name="pwa"))
    app = Starlette(routes=routes, lifespan=lifespan, max_body_size=settings.max_body_bytes)
    app.state.settings = settings
    app.state.pubsub = pubsub
    return app

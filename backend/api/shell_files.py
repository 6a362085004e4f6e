"""The PWA's files: revalidated on every load and gzipped on the wire.

The service worker decides what is cached on the device; HTTP caches must not keep an old
`sw.js` or shell file past a release, so every file is `no-cache` (served again only when
its ETag changed). Compression applies to these files only, not to the API.
"""

from __future__ import annotations

from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope


class ShellFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        return response


def shell_app(directory: Path) -> ASGIApp:
    return GZipMiddleware(ShellFiles(directory=directory, html=True), minimum_size=500)

"""GET /exports/<id>: an archive export of tickets (Art. 25.2), written as it downloads.

The bearer token (or API key) goes in the Authorization header, as for /graphql, or, like
the other GET endpoints, as `?token=` for a plain download link. Only the export's
requester or an admin may download it: 401 without a valid credential, 404 for an unknown
id, 403 for anyone else, 410 once it expired. Each completed download is recorded.
"""

from __future__ import annotations

from contextlib import aclosing

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Send

from backend.api.context import bearer_from_header
from backend.domain.errors import DomainError
from backend.domain.returns.archive import DownloadRefusal
from backend.services.sessions import authenticate
from backend.services.ticket_exports import Download, DownloadRefused, open_download

_REFUSED = {
    DownloadRefusal.UNAUTHENTICATED: (401, "Sign in first: send a valid bearer token."),
    DownloadRefusal.NOT_FOUND: (404, "No export has this id."),
    DownloadRefusal.FORBIDDEN: (403, "Only the export's requester or an admin may download it."),
    DownloadRefusal.EXPIRED: (410, "This export has expired; request a new one."),
}


class _Streamed(StreamingResponse):
    """Closes the stream however the response ends (a client that went away included), so
    an export's temporary files go at once."""

    def __init__(self, download: Download) -> None:
        super().__init__(
            download.chunks,
            media_type=download.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{download.file_name}"',
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
        self._chunks = download.chunks

    async def stream_response(self, send: Send) -> None:
        async with aclosing(self._chunks):
            await super().stream_response(send)


async def download_export(request: Request) -> Response:
    bearer = bearer_from_header(request.headers.get("authorization"))
    if not bearer:
        bearer = request.query_params.get("token", "")
    try:
        download = await open_download(request.path_params["public_id"], await authenticate(bearer))
    except DownloadRefused as refused:
        status, message = _REFUSED[refused.refusal]
        return JSONResponse({"error": message, "code": refused.refusal.value}, status_code=status)
    except DomainError as error:  # the recorded filter names a code that no longer exists
        return JSONResponse(
            {"error": error.message, "code": error.code.value, "field": error.field},
            status_code=409,
        )
    return _Streamed(download)

"""Plain HTTP beside GraphQL, for what is not JSON: photo upload and download, and the
printable return label (Art. 10/20).

All three are for signed-in staff. The GET endpoints also take the bearer token as a `token`
query parameter, so an <img> tag or a print window can load them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape

from barcode import Code128
from barcode.writer import SVGWriter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.api.context import bearer_from_header
from backend.domain.auth.roles import STAFF, Principal
from backend.domain.errors import DomainError
from backend.domain.returns.kinds import ReturnKind
from backend.domain.returns.labels import LabelText, WantedItem, label_text
from backend.persistence.models import ReturnLine, ReturnTicket
from backend.services.photos import MAX_PHOTO_BYTES, open_photo, store_photo
from backend.services.sessions import authenticate

IMMUTABLE = "private, max-age=31536000, immutable"


def _error(message: str, status: int, code: str) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status)


async def _staff(request: Request, *, query_token: bool = False) -> Principal | Response:
    """The signed-in staff member making the request, or the 401/403 answer to send."""
    bearer = bearer_from_header(request.headers.get("authorization"))
    if not bearer and query_token:
        bearer = request.query_params.get("token", "")
    principal = await authenticate(bearer)
    if principal is None:
        return _error("Sign in first: send a valid bearer token.", 401, "UNAUTHENTICATED")
    if principal.role not in STAFF:
        return _error("Only warehouse staff may use photos and labels.", 403, "FORBIDDEN")
    return principal


# --- photos ------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, read chunk by chunk and abandoned as soon as it passes `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


async def upload_photo(request: Request) -> Response:
    principal = await _staff(request)
    if isinstance(principal, Response):
        return principal
    try:
        body = await _read_body(request, MAX_PHOTO_BYTES)
    except _TooLarge:
        mib = MAX_PHOTO_BYTES // (1024 * 1024)
        return _error(f"A photo may be at most {mib} MiB.", 413, "TOO_LONG")
    folder = request.app.state.settings.photo_dir
    try:
        photo = await store_photo(principal, body, request.headers.get("content-type", ""), folder)
    except DomainError as error:
        return JSONResponse(
            {"error": error.message, "code": error.code, "field": error.field}, status_code=400
        )
    url = f"/photos/{photo.sha256}"
    return JSONResponse(
        {
            "sha256": photo.sha256,
            "contentType": photo.content_type,
            "size": photo.size,
            "url": url,
        },
        status_code=201,
        headers={"Location": url},
    )


async def download_photo(request: Request) -> Response:
    principal = await _staff(request, query_token=True)
    if isinstance(principal, Response):
        return principal
    found = await open_photo(request.path_params["sha256"], request.app.state.settings.photo_dir)
    if found is None:
        return _error("No such photo.", 404, "NOT_FOUND")
    body, content_type = found
    headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=content_type, headers=headers)


# --- return labels -----------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
LABEL_WIDTH, LABEL_HEIGHT, MARGIN = 100, 60, 5  # millimetres; one SVG unit is one mm
BARCODE_OPTIONS = {
    "module_width": 0.33,
    "module_height": 15.0,
    "quiet_zone": 3.0,
    "margin_top": 0.0,
    "margin_bottom": 0.0,
    "write_text": False,
}


def _svg(tag: str, parent: ET.Element | None = None, **attributes: str) -> ET.Element:
    """An SVG element; names are left unqualified, the root declares the namespace."""
    attrib = {key.replace("_", "-"): value for key, value in attributes.items()}
    if parent is None:
        return ET.Element(tag, attrib)
    return ET.SubElement(parent, tag, attrib)


def _barcode(number: str) -> ET.Element:
    """The ticket number as Code 128: python-barcode's SVG, its mm units made plain numbers
    and its names unqualified, so it can be placed and scaled inside the label."""
    drawing = ET.fromstring(Code128(number, writer=SVGWriter()).render(BARCODE_OPTIONS))
    for element in drawing.iter():
        element.tag = element.tag.rpartition("}")[2]
        element.text = element.tail = None  # only the pretty-printing's whitespace
        for attribute in ("x", "y", "width", "height"):
            value = element.get(attribute, "")
            if value.endswith("mm"):
                element.set(attribute, value.removesuffix("mm"))
    width, height = drawing.attrib.pop("width"), drawing.attrib.pop("height")
    drawing.attrib.pop("version", None)
    drawing.set("viewBox", f"0 0 {width} {height}")
    return drawing


# Characters XML 1.0 cannot carry at all, not even escaped (control characters, say from an
# imported customer name); they are dropped rather than break the document.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text_width(text: str, size: float) -> float:
    """A rough printed width in mm: CJK glyphs are square, Latin ones about 0.6 as wide."""
    return sum(size if ord(char) > 0x2E80 else 0.6 * size for char in text)


def _line(parent: ET.Element, text: str, y: float, size: float, weight: str = "normal") -> None:
    text = _NOT_XML.sub("", text)
    if not text:
        return
    available = LABEL_WIDTH - 2 * MARGIN
    element = _svg(
        "text", parent, x=str(LABEL_WIDTH / 2), y=str(y), font_size=str(size), font_weight=weight
    )
    if _text_width(text, size) > available:  # squeeze a long line to the label's width
        element.set("textLength", str(available))
        element.set("lengthAdjust", "spacingAndGlyphs")
    element.text = text  # ElementTree escapes &, < and > when it writes the document


def label_svg(label: LabelText) -> str:
    root = _svg(
        "svg",
        xmlns=SVG_NS,
        width=f"{LABEL_WIDTH}mm",
        height=f"{LABEL_HEIGHT}mm",
        viewBox=f"0 0 {LABEL_WIDTH} {LABEL_HEIGHT}",
    )
    _svg("title", root).text = _NOT_XML.sub("", label.ticket_number)
    _svg("rect", root, width="100%", height="100%", fill="white")
    code = _barcode(label.ticket_number)
    code.attrib.update(x=str(MARGIN), y="3", width=str(LABEL_WIDTH - 2 * MARGIN), height="18")
    code.set("preserveAspectRatio", "xMidYMid meet")
    root.append(code)
    lines = _svg("g", root, font_family=FONT, text_anchor="middle", fill="black")
    _line(lines, label.ticket_number, 28, 5.5, "bold")
    _line(lines, label.customer_name, 37, 5)
    _line(lines, label.exchange_need_zh, 46, 4.2)
    _line(lines, label.exchange_need_en, 53, 3.6)
    return ET.tostring(root, encoding="unicode")


def label_html(label: LabelText, svg: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{escape(label.ticket_number)}</title>"
        "<style>@page { size: 100mm 60mm; margin: 0 } html, body { margin: 0 }"
        " svg { display: block }</style>"
        f"</head><body>{svg}</body></html>\n"
    )


async def _label_text(number: str) -> LabelText | None:
    ticket = await ReturnTicket.get_or_none(number=number)
    if ticket is None:
        return None
    items: list[WantedItem] = []
    if ticket.kind is ReturnKind.EXCHANGE:
        rows = (
            await ReturnLine.filter(ticket_id=ticket.id)
            .order_by("id")
            .values("wanted_product__sku", "wanted_colour", "wanted_size", "quantity")
        )
        items = [
            WantedItem(
                sku=row["wanted_product__sku"] or "",
                colour=row["wanted_colour"],
                size=row["wanted_size"],
                quantity=row["quantity"],
            )
            for row in rows
        ]
    return label_text(ticket.number, ticket.customer_name, ticket.kind, items)


async def return_label(request: Request) -> Response:
    principal = await _staff(request, query_token=True)
    if isinstance(principal, Response):
        return principal
    output = request.query_params.get("format", "svg")
    if output not in ("svg", "html"):
        return _error("format must be svg or html.", 400, "INVALID")
    label = await _label_text(request.path_params["number"])
    if label is None:
        return _error("No return ticket has that number.", 404, "UNKNOWN_TICKET")
    svg = label_svg(label)
    headers = {"Cache-Control": "private, no-store"}
    if output == "html":
        return Response(label_html(label, svg), media_type="text/html", headers=headers)
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
    return Response(document, media_type="image/svg+xml", headers=headers)

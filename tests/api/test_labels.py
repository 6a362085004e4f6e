"""The printable return label (Art. 10/20): the ticket number as a scannable Code 128 and in
text, the customer's name, and for an exchange what the customer wants instead."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from barcode.charsets import code128

from backend.domain.auth.roles import Role
from backend.domain.returns.kinds import ReturnKind, ReturnSource, TicketStatus
from backend.domain.returns.policies import Payer
from backend.persistence.models import ReturnLine, ReturnTicket

SVG = "{http://www.w3.org/2000/svg}"
SWITCH = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}


async def make_ticket(catalogue, actors, number, kind, customer_name="陈晓", lines=()):
    staff = actors[Role.CUSTOMER_SERVICE].user
    ticket = await ReturnTicket.create(
        number=number,
        kind=kind,
        source=ReturnSource.CUSTOMER_RETURN,
        status=TicketStatus.REQUESTED,
        warehouse=catalogue.warehouse,
        assignee=staff,
        created_by=staff,
        shipping_payer=Payer.CUSTOMER,
        status_since=datetime.now(UTC),
        customer_name=customer_name,
    )
    for line in lines:
        await ReturnLine.create(ticket=ticket, product=catalogue.products[0], **line)
    return ticket


@pytest.fixture
async def exchange(catalogue, actors):
    return await make_ticket(
        catalogue,
        actors,
        "RT2026000001",
        ReturnKind.EXCHANGE,
        lines=[
            {
                "quantity": 1,
                "wanted_product": catalogue.products[1],
                "wanted_colour": "红",
                "wanted_size": "L",
            },
            {"quantity": 2, "wanted_size": "XL"},  # same model, another size: no wanted SKU
        ],
    )


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def decode_barcode(root: ET.Element) -> str:
    """Read the Code 128 bars of the label back into text, as a scanner would."""
    drawing = root.find(f"{SVG}svg")
    assert drawing is not None, "the label has no barcode drawing"
    bars = sorted(
        (float(rect.get("x", "0")), float(rect.get("width", "0")))
        for rect in drawing.iter(f"{SVG}rect")
        if "fill:black" in rect.get("style", "")
    )
    module = min(width for _, width in bars)
    modules, cursor = "", bars[0][0]
    for x, width in bars:
        modules += "0" * round((x - cursor) / module) + "1" * round(width / module)
        cursor = x + width
    assert modules.endswith(code128.STOP + "11")
    values = [code128.CODES.index(modules[i : i + 11]) for i in range(0, len(modules) - 13, 11)]
    *data, checksum = values
    assert checksum == (data[0] + sum(i * v for i, v in enumerate(data[1:], 1))) % 103
    charset = {103: "A", 104: "B", 105: "C"}[data[0]]
    text = ""
    for value in data[1:]:
        if value in SWITCH[charset]:
            charset = SWITCH[charset][value]
        elif charset == "C":
            text += f"{value:02d}"
        elif charset == "B" or value < 64:
            text += chr(value + 32)
        else:
            text += chr(value - 64)
    return text


async def get_label(client, number, actor=None, **params):
    headers = actor.headers if actor is not None else {}
    return await client.get(f"/labels/{number}", headers=headers, params=params)


async def test_an_exchange_label_shows_number_customer_and_need(client, actors, exchange):
    response = await get_label(client, "RT2026000001", actors[Role.WAREHOUSE])

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == ("100mm", "60mm")
    assert texts(root) == [
        "RT2026000001",
        "陈晓",
        "换 SKU-2 (红/L) ×1；XL ×2",
        "Exchange for SKU-2 (红/L) ×1; XL ×2",
    ]


async def test_the_barcode_scans_as_the_ticket_number_and_fits_the_label(client, actors, exchange):
    response = await get_label(client, "RT2026000001", actors[Role.WAREHOUSE])
    root = ET.fromstring(response.content)

    assert decode_barcode(root) == "RT2026000001"
    drawing = root.find(f"{SVG}svg")
    assert float(drawing.get("x")) + float(drawing.get("width")) <= 100
    assert float(drawing.get("y")) + float(drawing.get("height")) <= 60


async def test_a_return_label_has_no_exchange_need(client, actors, catalogue):
    await make_ticket(
        catalogue,
        actors,
        "RT2026000002",
        ReturnKind.RETURN,
        customer_name="Li Wei",
        lines=[{"quantity": 1}],
    )
    response = await get_label(client, "RT2026000002", actors[Role.QC])

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert texts(root) == ["RT2026000002", "Li Wei"]
    assert decode_barcode(root) == "RT2026000002"


async def test_names_with_markup_characters_are_printed_as_written(client, actors, catalogue):
    name = 'O\'Brien & <Sons> "Ltd"'
    await make_ticket(catalogue, actors, "RT2026000003", ReturnKind.RETURN, customer_name=name)
    response = await get_label(client, "RT2026000003", actors[Role.QC])

    assert response.status_code == 200
    assert texts(ET.fromstring(response.content))[1] == name


async def test_a_name_with_control_characters_still_prints(client, actors, catalogue):
    name = "张\x0b三\x1f"  # as a careless import might leave it
    await make_ticket(catalogue, actors, "RT2026000004", ReturnKind.RETURN, customer_name=name)
    response = await get_label(client, "RT2026000004", actors[Role.QC])

    assert response.status_code == 200
    assert texts(ET.fromstring(response.content))[1] == "张三"


async def test_a_print_page_embeds_the_label_at_label_size(client, actors, exchange):
    response = await get_label(client, "RT2026000001", actors[Role.WAREHOUSE], format="html")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "@page { size: 100mm 60mm; margin: 0 }" in page
    svg = page[page.index("<svg") : page.rindex("</svg>") + len("</svg>")]
    assert texts(ET.fromstring(svg))[0] == "RT2026000001"
    assert "window.print" not in page


async def test_an_unknown_format_is_refused(client, actors, exchange):
    response = await get_label(client, "RT2026000001", actors[Role.WAREHOUSE], format="pdf")
    assert response.status_code == 400


async def test_an_unknown_ticket_has_no_label(client, actors, catalogue):
    response = await get_label(client, "RT2099999999", actors[Role.WAREHOUSE])
    assert response.status_code == 404
    assert "error" in response.json()


async def test_signing_in_as_staff_is_required(client, actors, exchange):
    anonymous = await get_label(client, "RT2026000001")
    assert anonymous.status_code == 401
    assert "error" in anonymous.json()
    partner = await get_label(client, "RT2026000001", actors[Role.PARTNER])
    assert partner.status_code == 403


async def test_a_print_window_can_pass_the_token_in_the_address(client, actors, exchange):
    response = await get_label(
        client, "RT2026000001", token=actors[Role.WAREHOUSE].token, format="html"
    )
    assert response.status_code == 200
    assert "RT2026000001" in response.text

    wrong = await get_label(client, "RT2026000001", token="not-a-token")
    assert wrong.status_code == 401

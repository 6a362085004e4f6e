"""The archive export in the API (issue 5, item 4; Art. 25.2): requestTicketExport records a
keyed export, ticketExports lists the caller's own (an admin's: all), GET /exports/<id>
streams the file to its requester or an admin only (401, 403, 404, 410 otherwise) and
records each completed download. What the file holds is tested in
tests/services/test_ticket_export_content.py."""

from __future__ import annotations

import asyncio
import hashlib
import io
import math
import secrets
import tempfile
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.requests import ClientDisconnect

from backend.app import create_app
from backend.domain.auth.roles import Role
from backend.domain.returns import archive as archive_rules
from backend.domain.returns.kinds import ReturnKind, ReturnSource, TicketStatus
from backend.domain.returns.policies import Payer
from backend.persistence import models as m
from backend.persistence.queries import archive as archive_queries
from backend.services import archive_files
from tests.conftest import Actor, signed_in_user
from tests.services.archive_world import as_dicts, csv_sheets, xlsx_sheets

EXPORT = """
  id format requestedBy { username } createdAt expiresAt downloads lastDownloadedAt
  ticketsExported url fileName
  filter { createdFrom createdTo warehouseCode categoryCode sku reasonCode sources kinds }
"""
REQUEST = (
    "mutation($input: RequestTicketExportInput!) { requestTicketExport(input: $input) {"
    f" export {{ {EXPORT} }} replayed userErrors {{ field code message }} }} }}"
)
LIST = (
    "query($first: Int, $after: String) { ticketExports(first: $first, after: $after) {"
    f" nodes {{ {EXPORT} }} edges {{ cursor }} pageInfo {{ hasNextPage endCursor }} }} }}"
)


async def request(gql, actor: Actor, key: str, fmt: str = "CSV", **filter: Any) -> dict[str, Any]:
    body = await gql(
        REQUEST, {"input": {"idempotencyKey": key, "filter": filter, "format": fmt}}, actor
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["requestTicketExport"]
    return payload


async def requested(gql, actor: Actor, key: str, fmt: str = "CSV", **filter: Any) -> dict:
    payload = await request(gql, actor, key, fmt, **filter)
    assert payload["userErrors"] == [], payload
    export: dict[str, Any] = payload["export"]
    return export


async def listed(gql, actor: Actor, **variables: Any) -> dict[str, Any]:
    body = await gql(LIST, variables, actor)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["ticketExports"]
    return found


async def tickets(catalogue, actors, count: int, *, events: int = 2) -> None:
    """`count` requested return tickets of one line each, with `events` history rows each,
    written in bulk (the content tests make theirs through the services); their details
    differ, as real ones do, so they do not compress to nothing."""
    staff = actors[Role.CUSTOMER_SERVICE].user
    now = datetime.now(UTC)
    rows = [
        m.ReturnTicket(
            number=f"RTX{n:07d}",
            kind=ReturnKind.RETURN,
            source=ReturnSource.CUSTOMER_RETURN,
            status=TicketStatus.REQUESTED,
            status_since=now,
            warehouse_id=catalogue.warehouse.id,
            assignee_id=staff.id,
            created_by_id=staff.id,
            shipping_payer=Payer.CUSTOMER,
            customer_name=f"客户 {n}",
            customer_phone=f"1380000{n:04d}",
            details=hashlib.sha256(str(n).encode()).hexdigest() * 2,  # not all alike
        )
        for n in range(count)
    ]
    await m.ReturnTicket.bulk_create(rows, batch_size=500)
    ids = [t.id for t in await m.ReturnTicket.filter(number__startswith="RTX").order_by("id")]
    await m.ReturnLine.bulk_create(
        [m.ReturnLine(ticket_id=i, product_id=catalogue.products[0].id, quantity=1) for i in ids],
        batch_size=500,
    )
    await m.TicketEvent.bulk_create(
        [
            m.TicketEvent(
                ticket_id=i, at=now, actor_id=staff.id, action="NOTE", detail={"n": i * 10 + k}
            )
            for i in ids
            for k in range(events)
        ],
        batch_size=500,
    )


# --- requesting --------------------------------------------------------------------------


async def test_a_request_is_recorded_with_its_checked_filter_and_a_download_url(
    gql, actors, catalogue
):
    before = datetime.now(UTC)
    export = await requested(
        gql,
        actors[Role.FINANCE],
        "e-1",
        "XLSX",
        warehouseCode=" W1 ",
        kinds=["RETURN"],
        createdFrom="2026-01-01T08:00:00+08:00",
    )
    row = await m.TicketExport.get(id=int(export["id"]))
    assert export["url"] == f"/exports/{row.public_id}"
    assert len(row.public_id) >= 40
    assert export["format"] == "XLSX"
    assert row.format == "XLSX"
    assert export["fileName"].startswith(f"tickets-{row.id}-")
    assert export["fileName"].endswith(".xlsx")
    assert export["requestedBy"] == {"username": "finance"}
    assert export["filter"] == {
        "createdFrom": "2026-01-01T00:00:00+00:00",
        "createdTo": None,
        "warehouseCode": "W1",
        "categoryCode": None,
        "sku": None,
        "reasonCode": None,
        "sources": [],
        "kinds": ["RETURN"],
    }
    created = datetime.fromisoformat(export["createdAt"])
    assert created >= before
    assert datetime.fromisoformat(export["expiresAt"]) - created == timedelta(hours=24)
    assert (export["downloads"], export["lastDownloadedAt"], export["ticketsExported"]) == (
        0,
        None,
        None,
    )


async def test_the_same_key_answers_the_same_export_and_records_one(gql, actors):
    finance = actors[Role.FINANCE]
    first = await request(gql, finance, "same", reasonCode="WRONG_SIZE")
    again = await request(gql, finance, "same", reasonCode="WRONG_SIZE")
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["export"]["id"] == first["export"]["id"]
    assert again["export"]["url"] == first["export"]["url"]
    reused = await request(gql, finance, "same", "XLSX", reasonCode="WRONG_SIZE")
    assert reused["export"] is None
    assert [e["code"] for e in reused["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    other = await requested(gql, finance, "other", reasonCode="WRONG_SIZE")
    assert other["id"] != first["export"]["id"]
    assert await m.TicketExport.all().count() == 2


@pytest.mark.parametrize(
    ("filter", "code", "field"),
    [
        ({"warehouseCode": "NOPE"}, "UNKNOWN_WAREHOUSE", "filter.warehouseCode"),
        ({"reasonCode": "NOPE"}, "NOT_FOUND", "filter.reasonCode"),
        (
            {"createdFrom": "2026-02-01T00:00:00Z", "createdTo": "2026-01-01T00:00:00Z"},
            "INVALID",
            "filter.createdTo",
        ),
    ],
)
async def test_a_bad_filter_is_a_user_error_and_records_nothing(gql, actors, filter, code, field):
    payload = await request(gql, actors[Role.SUPERVISOR], "bad", **filter)
    assert payload["export"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert await m.TicketExport.all().count() == 0
    # a refused request does not use up its key
    assert (await requested(gql, actors[Role.SUPERVISOR], "bad"))["downloads"] == 0


async def test_each_caller_lists_their_own_exports_newest_first_and_an_admin_all(gql, actors):
    finance, supervisor = actors[Role.FINANCE], actors[Role.SUPERVISOR]
    a = await requested(gql, finance, "a")
    b = await requested(gql, finance, "b", "XLSX")
    c = await requested(gql, supervisor, "c")
    mine = await listed(gql, finance)
    assert [e["id"] for e in mine["nodes"]] == [b["id"], a["id"]]
    assert [e["id"] for e in (await listed(gql, supervisor))["nodes"]] == [c["id"]]
    everyone = await listed(gql, actors[Role.ADMIN], first=2)
    assert [e["id"] for e in everyone["nodes"]] == [c["id"], b["id"]]
    assert everyone["pageInfo"]["hasNextPage"] is True
    rest = await listed(gql, actors[Role.ADMIN], first=2, after=everyone["pageInfo"]["endCursor"])
    assert [e["id"] for e in rest["nodes"]] == [a["id"]]
    assert rest["pageInfo"]["hasNextPage"] is False
    body = await gql(LIST, {}, actors[Role.CUSTOMER_SERVICE])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- downloading -------------------------------------------------------------------------


async def test_only_the_requester_or_an_admin_downloads_and_each_download_counts(
    client, gql, actors, catalogue, password_hash
):
    await tickets(catalogue, actors, 3)
    finance = actors[Role.FINANCE]
    export = await requested(gql, finance, "dl")
    url = export["url"]

    assert (await client.get(url)).status_code == 401
    bad = await client.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert (bad.status_code, bad.json()["code"]) == (401, "UNAUTHENTICATED")
    unknown = await client.get("/exports/no-such-export", headers=finance.headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    colleague = await signed_in_user("finance-2", Role.FINANCE, password_hash)
    for other in (colleague, actors[Role.SUPERVISOR], actors[Role.PARTNER]):
        refused = await client.get(url, headers=other.headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")

    answer = await client.get(url, headers=finance.headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    disposition = answer.headers["content-disposition"]
    assert disposition == f'attachment; filename="{export["fileName"]}"'
    assert answer.headers["cache-control"] == "private, no-store"
    assert len(as_dicts(csv_sheets(answer.content)["tickets"])) == 3

    by_admin = await client.get(url, headers=actors[Role.ADMIN].headers)
    assert by_admin.status_code == 200
    by_link = await client.get(f"{url}?token={finance.token}")  # a plain download link
    assert by_link.status_code == 200

    [found] = (await listed(gql, finance))["nodes"]
    assert (found["downloads"], found["ticketsExported"]) == (3, 3)
    assert datetime.fromisoformat(found["lastDownloadedAt"]) >= datetime.fromisoformat(
        found["createdAt"]
    )


async def test_a_partner_api_key_of_the_requester_works_like_its_token(client, gql, actors):
    """The same credentials as /graphql: an API key stands for its user."""
    admin = actors[Role.ADMIN]
    export = await requested(gql, admin, "key", "XLSX")
    key = "wk_exp_" + secrets.token_urlsafe(16)
    await m.ApiKey.create(
        name="bi", prefix="exp", key_hash=hashlib.sha256(key.encode()).hexdigest(), user=admin.user
    )
    answer = await client.get(export["url"], headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert export["fileName"] in answer.headers["content-disposition"]
    assert set(xlsx_sheets(answer.content)) >= {"tickets", "events", "follow_ups"}


async def test_an_expired_export_is_gone_and_a_refused_download_is_not_counted(client, gql, actors):
    finance = actors[Role.FINANCE]
    export = await requested(gql, finance, "old")
    await m.TicketExport.filter(id=int(export["id"])).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    gone = await client.get(export["url"], headers=finance.headers)
    assert (gone.status_code, gone.json()["code"]) == (410, "EXPIRED")
    assert (await client.get(export["url"], headers=actors[Role.ADMIN].headers)).status_code == 410
    # someone else learns nothing about it, expired or not
    other = await client.get(export["url"], headers=actors[Role.SUPERVISOR].headers)
    assert other.status_code == 403
    row = await m.TicketExport.get(id=int(export["id"]))
    assert (row.downloads, row.last_downloaded_at, row.tickets_exported) == (0, None, None)


# --- streaming ---------------------------------------------------------------------------


class Recorded:
    """An in-process ASGI GET whose response messages are kept one by one (httpx's ASGI
    transport joins the body into one piece)."""

    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.chunks: list[bytes] = []
        self.pages_read_at_chunk: list[int] = []

    async def get(self, app: Any, path: str, token: str, pages: list[int]) -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"authorization", f"Bearer {token}".encode())],
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 123),
        }
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message.get("body"):
                self.received(message["body"], pages)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await app(scope, receive, send)

    def received(self, body: bytes, pages: list[int]) -> None:
        self.chunks.append(body)
        self.pages_read_at_chunk.append(len(pages))


@pytest.fixture
def pages_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each page of tickets the export reads, as it reads it."""
    found: list[int] = []
    real = archive_queries.ticket_pages

    async def counted(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async for page in real(*args, **kwargs):
            found.append(len(page.rows))
            yield page

    monkeypatch.setattr(archive_queries, "ticket_pages", counted)
    return found


async def test_a_large_export_streams_as_it_reads_in_many_chunks(
    db, settings, gql, actors, catalogue, pages_read
):
    await tickets(catalogue, actors, 2_500)
    finance = actors[Role.FINANCE]
    export = await requested(gql, finance, "big")
    app = create_app(settings, with_database=False)
    got = Recorded()
    await got.get(app, export["url"], finance.token, pages_read)
    assert got.status == 200
    assert pages_read == [1_000, 1_000, 500]
    # bytes left while tickets were still being read (a page is written while the next
    # is read), and more after each later page; later sheets' pages add chunks of their own
    assert got.pages_read_at_chunk[:2] == [2, 3]
    body = b"".join(got.chunks)
    assert len(got.chunks) >= 9
    assert max(len(c) for c in got.chunks) < len(body) / 2
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        assert names[:3] == ["tickets.csv", "lines.csv", "events.csv"]
        events = archive.read("events.csv").decode("utf-8-sig").splitlines()
    assert len(events) == 1 + 5_000
    row = await m.TicketExport.get(id=int(export["id"]))
    assert (row.downloads, row.tickets_exported) == (1, 2_500)


async def test_a_workbook_is_sent_in_chunks_once_written(
    db, settings, gql, actors, catalogue, pages_read, monkeypatch
):
    await tickets(catalogue, actors, 1_200, events=1)
    monkeypatch.setattr(archive_files, "CHUNK", 32 * 1024)
    finance = actors[Role.FINANCE]
    export = await requested(gql, finance, "big-xlsx", "XLSX")
    got = Recorded()
    await got.get(create_app(settings, with_database=False), export["url"], finance.token, [])
    assert got.status == 200
    body = b"".join(got.chunks)
    assert len(got.chunks) == math.ceil(len(body) / (32 * 1024)) >= 3
    assert all(len(c) == 32 * 1024 for c in got.chunks[:-1])
    sheets = xlsx_sheets(body)
    assert len(sheets["tickets"]) == 1 + 1_200
    assert len(sheets["events"]) == 1 + 1_200
    assert pages_read == [1_000, 200]
    row = await m.TicketExport.get(id=int(export["id"]))
    assert (row.downloads, row.tickets_exported) == (1, 1_200)


class GivenUp(Recorded):
    """A client that goes away when the first bytes of the body arrive."""

    def received(self, body: bytes, pages: list[int]) -> None:
        raise OSError("connection reset by peer")


@pytest.mark.parametrize("when", ["at its first bytes", "while the workbook is written"])
async def test_a_download_given_up_leaves_no_temporary_file_and_is_not_counted(
    db, settings, gql, actors, catalogue, tmp_path, monkeypatch, when
):
    spool = tmp_path / "spool"  # the workbook's temporary file and openpyxl's
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    monkeypatch.setattr(archive_rules, "PAGE_SIZE", 100)
    await tickets(catalogue, actors, 300)
    finance = actors[Role.FINANCE]
    export = await requested(gql, finance, "given-up", "XLSX")
    app = create_app(settings, with_database=False)
    if when == "at its first bytes":
        with pytest.raises(ClientDisconnect):
            await GivenUp().get(app, export["url"], finance.token, [])
    else:
        first_page = asyncio.Event()
        real = archive_queries.ticket_pages

        async def signalling(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            async for page in real(*args, **kwargs):
                yield page
                first_page.set()

        monkeypatch.setattr(archive_queries, "ticket_pages", signalling)
        download = asyncio.create_task(Recorded().get(app, export["url"], finance.token, []))
        await first_page.wait()
        assert any(spool.iterdir())  # the workbook is being written there
        download.cancel()
        with pytest.raises(asyncio.CancelledError):
            await download
    assert list(spool.iterdir()) == []
    row = await m.TicketExport.get(id=int(export["id"]))
    assert (row.downloads, row.tickets_exported) == (0, None)

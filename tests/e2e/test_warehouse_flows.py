"""The warehouse clerk on the handheld, end to end: unpack a received return into a pending
bin and print its label, put a refused parcel away by grade after QC, look stock up by
scanning a product and a bin, and transfer stock between bins by scans. Each flow is
driven by taps and wedge scans; the database then shows it was booked exactly once."""

from __future__ import annotations

from tests.e2e.conftest import db_rows
from tests.e2e.flows import (
    TICKET,
    barcodes,
    flashed,
    gql,
    mutate,
    new_key,
    open_step,
    scan_when_ready,
    sellable_stock,
    shipped_order,
    shoot,
    sign_in,
    take_step,
    ticket_at,
    wait_for_scan_field,
    wedge,
)


def _warehouse(server: str, number: str) -> str:
    query = "query($n: String!) { returnTicket(number: $n) { warehouseCode } }"
    return gql(server, "admin", query, {"n": number})["returnTicket"]["warehouseCode"]


def _movements(server_db, number: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return db_rows(
        server_db,
        "SELECT m.kind, m.quantity, f.code, t.code FROM stock_movement m"
        " LEFT JOIN location f ON f.id = m.from_location_id"
        " LEFT JOIN location t ON t.id = m.to_location_id"
        " WHERE m.reference = ? ORDER BY m.id",
        number,
    )


def _status(server_db, number: str) -> str:  # type: ignore[no-untyped-def]
    return db_rows(server_db, "SELECT status FROM return_ticket WHERE number = ?", number)[0][0]


def test_the_clerk_unpacks_into_a_pending_bin_and_prints_the_label(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    ticket = ticket_at(server, "unpack", "RECEIVED", quantity=2)
    number = ticket["number"]
    wh = _warehouse(server, number)
    sign_in(page)
    open_step(page, number, "UNPACK")
    page.wait_for_selector("#unpack")
    assert page.inner_text("#unpack-lines output") == "2"  # the quantity applied for

    # A sellable bin is refused on the spot, named, and nothing is sent.
    scan_when_ready(page, f"{wh}-A-01")
    flashed(page, "error", "库位不对")
    assert page.get_attribute("#unpack-bin", "data-bin") == ""
    assert page.is_disabled("#unpack-confirm")
    # So is a pending bin of the other warehouse.
    scan_when_ready(page, f"{'CG1' if wh == 'SH1' else 'SH1'}-P-01")
    flashed(page, "error", "属于其他仓库")
    assert _movements(server_db, number) == []

    scan_when_ready(page, f"{wh}-P-02")
    page.wait_for_selector(f"#unpack-bin[data-bin='{wh}-P-02']")
    shoot(page, artifacts / "unpack.png")
    page.click("#unpack-confirm")
    page.wait_for_selector("#unpack-label")
    assert f"{wh}-P-02" in page.inner_text("#unpack-label")

    assert _status(server_db, number) == "UNPACKED"
    assert _movements(server_db, number) == [("MOVE_TO_PENDING", 2, None, f"{wh}-P-02")]
    received = db_rows(
        server_db,
        "SELECT l.quantity_received FROM return_line l JOIN return_ticket t ON t.id = l.ticket_id"
        " WHERE t.number = ?",
        number,
    )
    assert received == [(2,)]

    # The label is fetched with the bearer token and printed from a hidden frame.
    with page.expect_response(lambda r: f"/labels/{number}" in r.url) as label:
        page.click("#print-label")
    assert label.value.status == 200
    assert "text/html" in label.value.headers["content-type"]
    page.wait_for_selector(f"iframe#label-print[data-number='{number}']", state="attached")
    assert page.inner_text("#print-label") == "重新打印标签"
    shoot(page, artifacts / "unpack-label.png")


def _refused_after_qc(server: str) -> tuple[str, str]:
    """A parcel the customer refused at the door (2 units), registered by logistics with the
    courier's hand-over, unpacked, first-inspected, and graded by QC: one unit A, one C.
    Answers (ticket number, sku)."""
    parcel = shipped_order(server, "wh", quantity=2)
    ticket = mutate(
        server,
        "logistics",
        "recordRefusedParcel",
        "RecordRefusedParcelInput",
        {
            "idempotencyKey": new_key("refused"),
            "waybill": parcel["waybill"],
            "courierPerson": "快递员 张师傅",
            "staffPerson": "物流 李明",
        },
        TICKET,
    )["ticket"]
    number, line = ticket["number"], ticket["lines"][0]["id"]

    take_step(server, "warehouse", "unpackReturn", "UnpackReturnInput", {"ticketNumber": number})
    take_step(
        server,
        "warehouse",
        "recordInspection",
        "RecordInspectionInput",
        {
            "ticketNumber": number,
            "stage": "INITIAL",
            "results": [{"lineId": line, "quantity": 2, "passed": True}],
        },
    )
    take_step(
        server,
        "qc",
        "recordInspection",
        "RecordInspectionInput",
        {
            "ticketNumber": number,
            "stage": "QC",
            "results": [
                {"lineId": line, "quantity": 1, "passed": True, "grade": "A"},
                {
                    "lineId": line,
                    "quantity": 1,
                    "passed": False,
                    "grade": "C",
                    "responsibility": "PRODUCT",
                    "defectText": "拉链损坏",
                },
            ],
        },
    )
    return number, parcel["sku"]


def test_the_clerk_puts_a_refused_parcel_away_by_grade(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    number, sku = _refused_after_qc(server)
    barcode = barcodes(server, sku)[0]
    other = next(s["sku"] for s in sellable_stock(server, 3) if s["sku"] != sku)
    wh = _warehouse(server, number)
    sign_in(page)
    open_step(page, number, "PUT_AWAY")
    page.wait_for_selector("#put-away .grade[data-grade='A'][aria-current='step']")

    # Grade A goes to sellable stock: a defective bin is refused, named.
    scan_when_ready(page, f"{wh}-D-01")
    flashed(page, "error", "库位不对")
    scan_when_ready(page, f"{wh}-A-02")
    page.wait_for_selector(f".grade[data-grade='A'][data-bin='{wh}-A-02']")
    # Goods that are not on the ticket are a named error, not counted.
    scan_when_ready(page, barcodes(server, other)[0])
    flashed(page, "error", "商品不对")
    scan_when_ready(page, barcode)
    page.wait_for_selector(".grade[data-grade='A'][data-counted='1']")
    # Grade A is complete, so grade C (defective) comes up by itself.
    page.wait_for_selector(".grade[data-grade='C'][aria-current='step']")
    scan_when_ready(page, f"{wh}-A-01")
    flashed(page, "error", "库位不对")
    scan_when_ready(page, f"{wh}-D-02")
    page.wait_for_selector(f".grade[data-grade='C'][data-bin='{wh}-D-02']")
    scan_when_ready(page, barcode)
    page.wait_for_selector(f".grade[data-grade='C'] li[data-sku='{sku}'][data-counted='1']")
    # One unit of each grade: a further scan would be one too many.
    scan_when_ready(page, barcode)
    flashed(page, "error", "数量已点够")
    assert page.is_enabled("#put-away-confirm")
    shoot(page, artifacts / "put-away.png")

    page.click("#put-away-confirm")
    page.wait_for_selector("#put-away-result")
    assert _status(server_db, number) == "REFUND_PENDING"
    assert _movements(server_db, number) == [
        ("MOVE_TO_PENDING", 2, None, f"{wh}-P-01"),
        ("RETURN_TO_STOCK", 1, f"{wh}-P-01", f"{wh}-A-02"),
        ("MOVE_TO_DEFECTIVE", 1, f"{wh}-P-01", f"{wh}-D-02"),
    ]
    events = db_rows(
        server_db,
        "SELECT e.action, e.to_status FROM ticket_event e"
        " JOIN return_ticket t ON t.id = e.ticket_id"
        " WHERE t.number = ? AND e.action = 'PUT_AWAY'",
        number,
    )
    assert events == [("PUT_AWAY", "REFUND_PENDING")]


def _on_hand(server_db, sku: str, code: str | None = None) -> int:  # type: ignore[no-untyped-def]
    sql = (
        "SELECT COALESCE(SUM(b.on_hand), 0) FROM stock_balance b"
        " JOIN product p ON p.id = b.product_id JOIN location l ON l.id = b.location_id"
        " WHERE p.sku = ?"
    )
    if code is None:
        return db_rows(server_db, sql, sku)[0][0]
    return db_rows(server_db, sql + " AND l.code = ?", sku, code)[0][0]


def test_stock_lookup_by_scanning_a_product_and_a_bin(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    sku = sellable_stock(server)[0]["sku"]
    barcode = barcodes(server, sku)[0]
    sign_in(page)
    wait_for_scan_field(page)
    wedge(page, barcode)
    page.wait_for_selector(f"#stock[data-code='{barcode}'][data-kind='PRODUCT'][data-stale='0']")
    page.wait_for_selector(f"#stock-product[data-sku='{sku}']")
    total = page.inner_text("#stock-total tbody td.num >> nth=0")
    assert int(total) == _on_hand(server_db, sku)
    assert page.locator("#stock section[data-zone='SELLABLE'] tr[data-location]").count() >= 1
    shoot(page, artifacts / "stock.png")

    # Scanning a bin on the stock screen looks the bin up.
    scan_when_ready(page, "SH1-A-01")
    page.wait_for_selector("#stock[data-code='SH1-A-01'][data-kind='LOCATION'][data-stale='0']")
    rows = page.locator("#stock-location tr[data-sku]")
    in_bin = db_rows(
        server_db,
        "SELECT COUNT(*) FROM stock_balance b JOIN location l ON l.id = b.location_id"
        " WHERE l.code = 'SH1-A-01' AND b.on_hand > 0",
    )[0][0]
    assert rows.count() == in_bin
    shoot(page, artifacts / "stock-bin.png")

    # Offline, the last answer for a code is shown with its age.
    page.context.set_offline(True)
    page.evaluate(f"location.hash = '#/stock/{barcode}'")
    page.wait_for_selector(f"#stock[data-code='{barcode}'][data-stale='1'] .stale")
    assert page.locator(f"#stock-product[data-sku='{sku}']").count() == 1
    page.context.set_offline(False)


def test_a_transfer_by_scans_is_booked_once(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    sku = sellable_stock(server)[0]["sku"]
    source, target = "CG1-A-03", "CG1-A-04"
    mutate(
        server,
        "admin",
        "receiveStock",
        "ReceiveStockInput",
        {"idempotencyKey": new_key("receive"), "sku": sku, "locationCode": source, "quantity": 5},
    )
    barcode = barcodes(server, sku)[0]
    before = {code: _on_hand(server_db, sku, code) for code in (source, target)}
    last_id = db_rows(server_db, "SELECT COALESCE(MAX(id), 0) FROM stock_movement")[0][0]

    sign_in(page)
    page.click("#open-transfer")
    page.wait_for_selector("#transfer-next[data-step='from']")
    # A product where a bin is asked for, and a pending bin, are named at once.
    scan_when_ready(page, barcode)
    flashed(page, "error", "请扫描库位码")
    scan_when_ready(page, "SH1-P-01")
    flashed(page, "error", "待检商品不能直接移出")
    scan_when_ready(page, source)
    page.wait_for_selector("#transfer-next[data-step='product']")
    scan_when_ready(page, barcode)
    page.wait_for_selector("#transfer-next[data-step='to']")
    scan_when_ready(page, barcode)  # the second unit
    page.wait_for_selector("#transfer-qty output:text-is('2')")
    scan_when_ready(page, source)
    flashed(page, "error", "同一库位")
    scan_when_ready(page, target)
    page.wait_for_selector("#transfer-next[data-step='ready']")
    shoot(page, artifacts / "transfer.png")
    page.click("#transfer-confirm")
    page.wait_for_selector("#transfer-last")
    # Ready for the next transfer.
    page.wait_for_selector("#transfer-next[data-step='from']")
    assert "已调库 2 件" in page.inner_text("#transfer-last")

    booked = db_rows(
        server_db,
        "SELECT m.kind, m.quantity, f.code, t.code FROM stock_movement m"
        " JOIN product p ON p.id = m.product_id"
        " JOIN location f ON f.id = m.from_location_id JOIN location t ON t.id = m.to_location_id"
        " WHERE m.id > ? AND p.sku = ? AND m.kind = 'TRANSFER'",
        last_id,
        sku,
    )
    assert booked == [("TRANSFER", 2, source, target)]
    assert _on_hand(server_db, sku, source) == before[source] - 2
    assert _on_hand(server_db, sku, target) == before[target] + 2

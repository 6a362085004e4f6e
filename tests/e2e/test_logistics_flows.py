"""The logistics clerk on the handheld (Art. 16, 17, 21, 22): a refused parcel registered by
scanning its waybill, undeliverable parcels (back here, and stranded elsewhere) reshipped
with a new waybill by scans, and an exchange's replacement shipped. Each flow is checked in
the database: booked exactly once."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import db_rows
from tests.e2e.flows import (
    flashed,
    gql,
    mutate,
    new_key,
    new_waybill,
    on_ticket,
    shipped_order,
    shoot,
    sign_in,
    ticket_at,
    wait_for_scan_field,
    wedge,
)

LOGISTICS_NAME = "物流 陈刚"
# Whose parcel it is: the refused screen shows the address, and reshipping reads it.
CUSTOMER = {"name": "拒收测试 E2E", "phone": "13900000001", "address": "上海市 1 号"}


def ticket_row(server_db, number: str) -> dict:  # type: ignore[no-untyped-def]
    columns = (
        "id, source, remote, status, handover_courier_person, handover_staff_person, "
        "shipping_payer, shipping_fee"
    )
    (row,) = db_rows(server_db, f"SELECT {columns} FROM return_ticket WHERE number = ?", number)
    return dict(zip([c.strip() for c in columns.split(",")], row, strict=True))


def events(server_db, ticket_id: int, action: str) -> int:  # type: ignore[no-untyped-def]
    return db_rows(
        server_db,
        "SELECT COUNT(*) FROM ticket_event WHERE ticket_id = ? AND action = ?",
        ticket_id,
        action,
    )[0][0]


def movements(server_db, number: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return db_rows(
        server_db,
        "SELECT m.kind, m.quantity, f.code FROM stock_movement m"
        " LEFT JOIN location f ON f.id = m.from_location_id WHERE m.reference = ?",
        number,
    )


def outbound(server_db, ticket_id: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    return db_rows(
        server_db,
        "SELECT purpose, status, waybill, courier FROM outbound_shipment WHERE ticket_id = ?",
        ticket_id,
    )


def open_task(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"#open-{name}")
    page.wait_for_selector(f"#{name}")
    wait_for_scan_field(page)


def test_refused_parcel_is_registered_by_scanning_its_waybill(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    parcel = shipped_order(server, "refused", customer=CUSTOMER)
    sign_in(page, "logistics")
    open_task(page, "refused")

    stranger = f"NOSUCH{uuid.uuid4().hex[:8].upper()}"
    wedge(page, stranger)
    flashed(page, "error", "未知运单")
    page.wait_for_selector(f"#parcel.result-error[data-waybill={stranger}]")
    assert page.locator("#confirm").count() == 0

    wedge(page, parcel["waybill"])
    page.wait_for_selector(f"#parcel[data-order='{parcel['order']}']")
    assert parcel["order"] in page.locator("#parcel").inner_text()
    assert page.locator("#staff-person").input_value() == LOGISTICS_NAME
    assert page.locator("#confirm").is_disabled()  # the courier's person is still missing
    page.fill("#courier-person", "快递员 吴师傅")
    page.select_option("#reason", "CHANGED_MIND")
    page.fill("#fee", "12.50")
    page.locator("#handover").scroll_into_view_if_needed()
    shoot(page, artifacts / "refused.png")

    page.click("#confirm")
    flashed(page, "ok", "拒收件已登记")
    number = page.locator("#registered").get_attribute("data-number")
    assert number
    wait_for_scan_field(page)  # ready for the next parcel
    assert page.locator("#courier-person").count() == 0
    assert page.locator(f"#session li[data-number='{number}']").count() == 1

    row = ticket_row(server_db, number)
    assert row["source"] == "REFUSED"
    assert row["status"] == "RECEIVED"
    assert row["handover_courier_person"] == "快递员 吴师傅"
    assert row["handover_staff_person"] == LOGISTICS_NAME
    assert row["shipping_payer"] == "CUSTOMER"  # changed mind: not a quality cause (Art. 24)
    assert float(row["shipping_fee"]) == 12.5
    assert events(server_db, row["id"], "OPEN") == 1
    arrived = db_rows(
        server_db, "SELECT ticket_id FROM inbound_waybill WHERE waybill = ?", parcel["waybill"]
    )
    assert arrived == [(row["id"],)]

    # The same parcel scanned again is named, with a way to its ticket, and books nothing.
    wedge(page, parcel["waybill"])
    flashed(page, "error", number)
    page.wait_for_selector(f"#parcel.result-error a[href='#/ticket/{number}']")
    again = db_rows(
        server_db, "SELECT COUNT(*) FROM inbound_waybill WHERE waybill = ?", parcel["waybill"]
    )
    assert again == [(1,)]

    page.click(f"#session li[data-number='{number}'] a")
    on_ticket(page, number, "RECEIVED")


def test_undeliverable_parcel_back_here_is_reshipped_by_scans(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    parcel = shipped_order(server, "undeliv", customer=CUSTOMER)
    sign_in(page, "logistics")
    open_task(page, "undeliverable")

    wedge(page, parcel["waybill"])
    page.wait_for_selector(f"#parcel[data-order='{parcel['order']}']")
    assert page.locator("#confirm").is_disabled()  # remote or not must be chosen
    page.click("#remote button[data-remote='0']")
    assert "原货换新运单" in page.locator("#remote-explain").inner_text()
    page.locator("#report").scroll_into_view_if_needed()
    shoot(page, artifacts / "undeliverable.png")
    page.click("#confirm")
    flashed(page, "ok", "在途退件已登记")
    number = page.locator("#registered").get_attribute("data-number")
    row = ticket_row(server_db, number)
    assert (row["source"], row["remote"], row["status"]) == ("UNDELIVERABLE", 0, "RECEIVED")
    assert row["shipping_payer"] == "MERCHANT"

    page.click("#reship-now")
    page.wait_for_selector("#ship-form[data-step=reship]")
    wait_for_scan_field(page)
    assert page.locator("#from-bin").count() == 0  # the same parcel goes again: no stock
    waybill = new_waybill("ZT")
    wedge(page, waybill)
    page.wait_for_selector(f"#new-waybill:text('{waybill}')")
    assert page.locator("#confirm").is_disabled()  # no courier yet
    page.click("#courier button[data-courier='中通 ZTO']")
    page.click("#confirm")
    flashed(page, "ok", f"已发出，运单 {waybill}")
    on_ticket(page, number, "RESHIPPED")

    assert outbound(server_db, row["id"]) == [("RESHIP", "SHIPPED", waybill, "中通 ZTO")]
    assert events(server_db, row["id"], "RESHIP") == 1
    assert movements(server_db, number) == []


def test_stranded_parcel_is_reshipped_from_the_scanned_bin(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    parcel = shipped_order(server, "remote", customer=CUSTOMER)
    sign_in(page, "logistics")
    open_task(page, "undeliverable")
    wedge(page, parcel["waybill"])
    page.wait_for_selector(f"#parcel[data-order='{parcel['order']}']")
    page.click("#remote button[data-remote='1']")
    page.click("#confirm")
    flashed(page, "ok", "在途退件已登记")
    number = page.locator("#registered").get_attribute("data-number")
    row = ticket_row(server_db, number)
    assert (row["remote"], row["status"]) == (1, "REPORTED")

    warehouse = parcel["bin"].split("-")[0]
    levels = gql(
        server,
        "logistics",
        "query($sku: String!, $w: String!) { stockLevels(filter: {sku: $sku, warehouseCode: $w,"
        " zoneKind: SELLABLE}) { nodes { available location { code } } } }",
        {"sku": parcel["sku"], "w": warehouse},
    )["stockLevels"]["nodes"]
    shelf = next(n["location"]["code"] for n in levels if n["available"] >= 1)

    def on_hand() -> int:
        return db_rows(
            server_db,
            "SELECT b.on_hand FROM stock_balance b JOIN location l ON l.id = b.location_id"
            " JOIN product p ON p.id = b.product_id WHERE l.code = ? AND p.sku = ?",
            shelf,
            parcel["sku"],
        )[0][0]

    before = on_hand()
    page.click("#reship-now")
    page.wait_for_selector("#ship-form[data-step=reship]")
    wait_for_scan_field(page)
    page.wait_for_selector(f"#bins li[data-sku='{parcel['sku']}'] .code")
    wedge(page, f"{warehouse}-P-01")  # a pending bin: not where stock ships from
    flashed(page, "error", "库位不对")
    assert page.locator("#from-bin").inner_text() == "请扫描库位"
    wedge(page, shelf)
    flashed(page, "ok", shelf)
    page.wait_for_selector(f"#from-bin:text('{shelf}')")
    waybill = new_waybill("SF")
    wedge(page, waybill)
    page.wait_for_selector(f"#new-waybill:text('{waybill}')")
    # an SF waybill names its courier
    page.wait_for_selector("#courier button[data-courier='顺丰 SF'][aria-pressed=true]")
    shoot(page, artifacts / "ship.png")
    page.click("#confirm")
    flashed(page, "ok", f"已发出，运单 {waybill}")
    on_ticket(page, number, "RESHIPPED")

    assert movements(server_db, number) == [("SHIPMENT", 1, shelf)]
    assert on_hand() == before - 1
    assert outbound(server_db, row["id"]) == [("RESHIP", "SHIPPED", waybill, "顺丰 SF")]
    assert events(server_db, row["id"], "RESHIP") == 1


def test_exchange_replacement_ships_through_the_ledger(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    ticket = ticket_at(server, "logi-x", "UNPACKED", kind="EXCHANGE")
    number = ticket["number"]
    mutate(
        server,
        "customer-service",
        "createReplacementOrder",
        "TicketNoteInput",
        {"idempotencyKey": new_key("repl"), "ticketNumber": number},
    )
    reserved = db_rows(
        server_db, "SELECT SUM(quantity) FROM reservation WHERE reference = ?", number
    )[0][0]
    assert reserved == 1

    sign_in(page, "logistics")
    wait_for_scan_field(page)
    wedge(page, number)  # the home scan opens the ticket
    page.wait_for_selector(f"#ticket .ticket-summary[data-number='{number}']")
    page.click("#ticket-steps button[data-step=ship-replacement]")
    page.wait_for_selector("#ship-form[data-step=ship-replacement]")
    wait_for_scan_field(page)
    assert f"{number}-R" in page.locator("#ship-form").inner_text()
    waybill = new_waybill("JD")
    wedge(page, waybill)
    page.wait_for_selector("#courier button[data-courier='京东 JD'][aria-pressed=true]")
    shoot(page, artifacts / "ship-replacement.png")
    page.click("#confirm")
    flashed(page, "ok", f"已发出，运单 {waybill}")
    page.wait_for_selector(f"#ticket .ticket-summary[data-number='{number}']")
    # read again after the change: the step is gone once the replacement has left
    page.wait_for_selector("#ticket-steps button[data-step=ship-replacement]", state="detached")

    (ticket_id,) = db_rows(server_db, "SELECT id FROM return_ticket WHERE number = ?", number)[0]
    assert outbound(server_db, ticket_id) == [("REPLACEMENT", "SHIPPED", waybill, "京东 JD")]
    shipped = db_rows(
        server_db,
        "SELECT o.number, s.status FROM shipment s JOIN sales_order o ON o.id = s.order_id"
        " WHERE s.waybill = ?",
        waybill,
    )
    assert shipped == [(f"{number}-R", "SHIPPED")]
    assert [m[:2] for m in movements(server_db, number) if m[0] == "SHIPMENT"] == [("SHIPMENT", 1)]
    left = db_rows(
        server_db, "SELECT COALESCE(SUM(quantity), 0) FROM reservation WHERE reference = ?", number
    )
    assert left == [(0,)]
    assert events(server_db, ticket_id, "SHIP_REPLACEMENT") == 1


def test_rejected_goods_go_back_to_the_customer_from_the_pending_bin(page, server, server_db):  # type: ignore[no-untyped-def]
    ticket = ticket_at(server, "logi-back", "QC_INSPECTED", qc_grade="C", responsibility="CUSTOMER")
    number = ticket["number"]
    mutate(
        server,
        "customer-service",
        "decideReturn",
        "DecideReturnInput",
        {
            "idempotencyKey": new_key("reject"),
            "ticketNumber": number,
            "decision": "REJECT",
            "note": "客户人为损坏 e2e",
        },
    )
    sign_in(page, "logistics")
    page.goto(f"/#/ticket/{number}/return-to-customer")
    page.wait_for_selector("#ship-form[data-step=return-to-customer]")
    wait_for_scan_field(page)
    assert "客户承担" in page.locator("#ship-form").inner_text()  # Art. 24: the customer pays
    wedge(page, "SH1-A-01")  # a bin is not a waybill, and no bin is needed here
    flashed(page, "error", "不需要库位")
    waybill = new_waybill("YD")
    wedge(page, waybill)
    page.wait_for_selector(f"#new-waybill:text('{waybill}')")
    page.click("#courier-other-toggle")
    assert page.locator("#confirm").is_disabled()
    page.fill("#courier-other", "德邦 Deppon")
    page.fill("#note", "客户承担运费")
    page.click("#confirm")
    flashed(page, "ok", f"已发出，运单 {waybill}")
    page.wait_for_selector(f"#ticket .ticket-summary[data-number='{number}']")

    (ticket_id, status) = db_rows(
        server_db, "SELECT id, status FROM return_ticket WHERE number = ?", number
    )[0]
    assert status in ("RETURNED_TO_CUSTOMER", "FOLLOW_UP")
    assert outbound(server_db, ticket_id) == [
        ("BACK_TO_CUSTOMER", "SHIPPED", waybill, "德邦 Deppon")
    ]
    out = [m for m in movements(server_db, number) if m[0] == "SHIPMENT"]
    assert len(out) == 1
    assert "-P-" in out[0][2]  # the goods left from the pending bin they waited in
    assert events(server_db, ticket_id, "RETURN_TO_CUSTOMER") == 1


def test_refused_parcel_registered_offline_is_booked_once_back_online(page, server, server_db):  # type: ignore[no-untyped-def]
    parcel = shipped_order(server, "offline", customer=CUSTOMER)
    sign_in(page, "logistics")
    open_task(page, "refused")

    page.context.set_offline(True)
    page.wait_for_selector("#connection[data-state=offline]")
    wedge(page, parcel["waybill"])  # not checked now: the server checks it when it is sent
    page.wait_for_selector(f"#parcel.result-queued[data-waybill={parcel['waybill']}]")
    page.fill("#courier-person", "快递员 离线")
    page.click("#confirm")
    flashed(page, "queued", "已保存在本机")
    page.wait_for_selector("#outbox-banner[data-waiting='1']")
    assert page.locator("#session li[data-number='']").count() == 1
    waiting = "SELECT COUNT(*) FROM inbound_waybill WHERE waybill = ?"
    assert db_rows(server_db, waiting, parcel["waybill"]) == [(0,)]

    page.context.set_offline(False)
    page.wait_for_selector("#outbox-banner", state="detached")
    assert db_rows(server_db, waiting, parcel["waybill"]) == [(1,)]
    (source, person) = db_rows(
        server_db,
        "SELECT t.source, t.handover_courier_person FROM return_ticket t"
        " JOIN inbound_waybill w ON w.ticket_id = t.id WHERE w.waybill = ?",
        parcel["waybill"],
    )[0]
    assert (source, person) == ("REFUSED", "快递员 离线")

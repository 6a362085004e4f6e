"""Customer service and finance on the handheld, end to end: approve and decline
applications, decide after QC (accept: the goods leave the pending bin by grade; reject: only
for customer-caused damage), pay the refund the ticket computed, the exchange's replacement
order, the stranded parcel's waybill swap, and the casework (note, reassign, hold, link an
exception parcel, register this ticket's parcel). Each flow is driven by taps and wedge scans;
the database then shows it was booked exactly once."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from tests.e2e.conftest import ROOT, db_rows
from tests.e2e.flows import (
    TICKET,
    flashed,
    mutate,
    new_key,
    new_waybill,
    on_ticket,
    open_step,
    scan_when_ready,
    shipped_order,
    shoot,
    sign_in,
    take_step,
    ticket_at,
    token,
    wait_for_scan_field,
    wedge,
)


def _ticket(server_db: Path, number: str, *columns: str) -> tuple:
    sql = f"SELECT {', '.join(columns)} FROM return_ticket WHERE number = ?"
    return db_rows(server_db, sql, number)[0]


def _events(server_db: Path, number: str, action: str) -> list[tuple]:
    return db_rows(
        server_db,
        "SELECT e.from_status, e.to_status, u.username FROM ticket_event e"
        " JOIN return_ticket t ON t.id = e.ticket_id JOIN app_user u ON u.id = e.actor_id"
        " WHERE t.number = ? AND e.action = ?",
        number,
        action,
    )


def _movements(server_db: Path, number: str) -> list[tuple]:
    return db_rows(
        server_db,
        "SELECT m.kind, m.quantity, f.code, f.zone_kind, t.code, t.zone_kind FROM stock_movement m"
        " LEFT JOIN location f ON f.id = m.from_location_id"
        " LEFT JOIN location t ON t.id = m.to_location_id"
        " WHERE m.reference = ? ORDER BY m.id",
        number,
    )


def _bins(server_db: Path, number: str, zone: str) -> list[str]:
    """The `zone` bins of the ticket's warehouse, by code."""
    return [
        row[0]
        for row in db_rows(
            server_db,
            "SELECT l.code FROM location l JOIN return_ticket t ON t.warehouse_id = l.warehouse_id"
            " WHERE t.number = ? AND l.zone_kind = ? ORDER BY l.code",
            number,
            zone,
        )
    ]


def _photo(server: str) -> str:
    """A photo uploaded by QC (the app icon will do): its SHA-256."""
    answer = httpx.post(
        f"{server}/photos",
        content=(ROOT / "frontend" / "icons" / "icon-192.png").read_bytes(),
        headers={"authorization": f"Bearer {token(server, 'qc')}", "content-type": "image/png"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["sha256"]


def _after_qc(
    server: str,
    tag: str,
    *,
    reason: str = "QUALITY_DEFECT",
    freight: str = "",
    grade: str = "A",
    responsibility: str = "PRODUCT",
    defect: str = "",
    photos: tuple[str, ...] = (),
) -> str:
    """A customer return through the real API up to QC_INSPECTED, its parcel registered with
    `freight` and QC's verdict as given: the ticket number."""
    ticket = ticket_at(server, tag, "APPROVED", reason=reason)
    number = ticket["number"]
    arrival = {"idempotencyKey": new_key("arrive"), "code": number, "shippingFee": freight}
    mutate(server, "warehouse", "registerParcel", "RegisterParcelInput", arrival, TICKET)
    take_step(server, "warehouse", "unpackReturn", "UnpackReturnInput", {"ticketNumber": number})

    def results(stage_grade: str | None, passed: bool, who: str, **more: object) -> list[dict]:
        return [
            {
                "lineId": ln["id"],
                "quantity": ln["quantity"],
                "passed": passed,
                "grade": stage_grade,
                "responsibility": who,
                **more,
            }
            for ln in ticket["lines"]
        ]

    initial = {
        "ticketNumber": number,
        "stage": "INITIAL",
        "results": results(None, True, "UNKNOWN"),
    }
    take_step(server, "warehouse", "recordInspection", "RecordInspectionInput", initial)
    verdict = {"defectText": defect, "photos": list(photos)} if defect else {}
    qc = {
        "ticketNumber": number,
        "stage": "QC",
        "results": results(grade, grade == "A", responsibility, **verdict),
    }
    graded = take_step(server, "qc", "recordInspection", "RecordInspectionInput", qc)
    assert graded["ticket"]["status"] == "QC_INSPECTED"
    return number


def test_customer_service_approves_one_application_and_declines_another(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    approved = ticket_at(server, "cs-approve", "REQUESTED")["number"]
    declined = ticket_at(server, "cs-decline", "REQUESTED", reason="CHANGED_MIND")["number"]
    sign_in(page, "customer-service")

    open_step(page, approved, "APPROVE")
    page.wait_for_selector("#application-step #application")
    wait_for_scan_field(page)
    # The return window, read for this step.
    page.wait_for_function("document.getElementById('window-deadline').textContent.includes('/')")
    scan_when_ready(page, approved)  # the ticket's own label: green
    flashed(page, "ok", approved)
    page.fill("#approve-note", "客户来电确认，同意退货")
    shoot(page, artifacts / "approve.png", full_page=True)
    page.click("#approve-confirm")
    flashed(page, "ok", f"已批准 {approved}")
    on_ticket(page, approved, "APPROVED")

    page.goto("/#/")  # home, to scan the next ticket
    page.wait_for_selector("#home")
    open_step(page, declined, "DECLINE")
    page.wait_for_selector("#decline-form")
    assert page.is_disabled("#decline-confirm")  # no reason chosen yet
    page.click("#decline-codes button[data-code='OTHER']")
    assert page.get_attribute("#decline-codes button[data-code='OTHER']", "aria-pressed") == "true"
    assert page.is_disabled("#decline-confirm")  # "other" needs the note
    page.fill("#decline-note", "商品已使用，影响二次销售")
    page.click("#decline-confirm")
    flashed(page, "ok", f"已拒绝 {declined}")
    on_ticket(page, declined, "DECLINED")

    assert _ticket(server_db, approved, "status", "decline_code") == ("APPROVED", None)
    assert _events(server_db, approved, "APPROVE") == [
        ("REQUESTED", "APPROVED", "customer-service")
    ]
    assert _ticket(server_db, declined, "status", "decline_code", "decline_note") == (
        "DECLINED",
        "OTHER",
        "商品已使用，影响二次销售",
    )
    assert _events(server_db, declined, "DECLINE") == [
        ("REQUESTED", "DECLINED", "customer-service")
    ]


def test_customer_service_accepts_after_qc_and_the_goods_leave_the_pending_bin(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    number = _after_qc(
        server, "cs-accept", reason="WRONG_SIZE", freight="12.00", responsibility="UNKNOWN"
    )
    sellable = _bins(server_db, number, "SELLABLE")
    sign_in(page, "customer-service")

    # QC found no customer damage: rejecting is not offered.
    open_step(page, number, "REJECT")
    page.wait_for_selector("#decide #reject-rule.error")
    assert page.is_disabled("#decide-confirm")
    page.click("#back")

    on_ticket(page, number, "QC_INSPECTED")
    page.click("#ticket-steps button[data-step='ACCEPT']")
    page.wait_for_selector("#decide #qc-results li[data-grade='A']")
    # The refund that will be due: 99.00 paid, less the 12.00 shipping the customer pays.
    assert page.get_attribute("#refund-breakdown", "data-due") == "87.00"
    assert "− ¥12.00" in page.inner_text("#refund-shipping")
    # A defective-zone bin is refused, named: no grade C goods on this return.
    scan_when_ready(page, _bins(server_db, number, "DEFECTIVE")[0])
    flashed(page, "error", "库位不对")
    # The second sellable bin is chosen for grade A (the default would be the first).
    scan_when_ready(page, sellable[1])
    flashed(page, "ok", sellable[1])
    assert page.get_attribute("#put-away-plan li[data-grade='A']", "data-bin") == sellable[1]
    shoot(page, artifacts / "decide.png", full_page=True)
    page.click("#decide-confirm")
    flashed(page, "ok", "已受理")
    on_ticket(page, number, "REFUND_PENDING")

    status, due = _ticket(server_db, number, "status", "CAST(refund_due AS TEXT)")
    assert (status, float(due)) == ("REFUND_PENDING", 87.0)
    assert _events(server_db, number, "ACCEPT") == [
        ("QC_INSPECTED", "REFUND_PENDING", "customer-service")
    ]
    out_of_pending = [m for m in _movements(server_db, number) if m[3] == "PENDING"]
    assert out_of_pending == [
        ("RETURN_TO_STOCK", 1, out_of_pending[0][2], "PENDING", sellable[1], "SELLABLE")
    ]


def test_customer_service_rejects_only_for_customer_caused_damage(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    photo = _photo(server)
    number = _after_qc(
        server,
        "cs-reject",
        reason="NOT_AS_DESCRIBED",
        grade="C",
        responsibility="CUSTOMER",
        defect="屏幕有明显摔痕",
        photos=(photo,),
    )
    sign_in(page, "customer-service")
    open_step(page, number, "REJECT")
    page.wait_for_selector("#decide #qc-results li[data-responsibility='CUSTOMER']")
    assert "屏幕有明显摔痕" in page.inner_text("#qc-results")
    # QC's photo, fetched with the bearer token and shown as a thumbnail.
    page.wait_for_function(
        "s => { const i = document.querySelector(`#qc-results img[data-sha='${s}']`);"
        " return i && i.complete && i.naturalWidth > 0; }",
        arg=photo,
    )
    assert page.is_disabled("#decide-confirm")  # the reason is required
    page.fill("#decide-note", "质检确认为客户人为摔坏，不予退货")
    shoot(page, artifacts / "decide-reject.png", full_page=True)
    page.click("#decide-confirm")
    flashed(page, "ok", f"已拒收 {number}")
    on_ticket(page, number, "REJECTED")

    assert _ticket(server_db, number, "status", "shipping_payer", "refund_due") == (
        "REJECTED",
        "CUSTOMER",
        None,
    )
    assert _events(server_db, number, "REJECT") == [
        ("QC_INSPECTED", "REJECTED", "customer-service")
    ]
    # The goods wait in the pending bin to go back: nothing left it.
    assert [m for m in _movements(server_db, number) if m[3] == "PENDING"] == []


def test_finance_pays_the_computed_refund_once_and_an_over_refund_is_refused(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    number = _after_qc(
        server, "fin-refund", reason="CHANGED_MIND", freight="12.00", responsibility="UNKNOWN"
    )
    decision = {"ticketNumber": number, "decision": "ACCEPT"}
    decided = take_step(server, "customer-service", "decideReturn", "DecideReturnInput", decision)
    assert decided["ticket"]["status"] == "REFUND_PENDING"
    sign_in(page, "finance")

    # Finance's whole queue shows what is still to pay on each ticket; a tap opens the ticket.
    page.goto("/#/queue")
    row = page.wait_for_selector(f"#queue-screen li[data-number='{number}']")
    assert "¥87.00" in row.inner_text()
    page.click(f"#queue-screen li[data-number='{number}'] a")
    on_ticket(page, number, "REFUND_PENDING")
    page.click("#ticket-steps button[data-step='REFUND']")
    page.wait_for_selector("#refund #refund-breakdown")
    assert page.get_attribute("#refund-breakdown", "data-left") == "87.00"
    assert "¥99.00" in page.inner_text("#refund-breakdown")
    assert page.input_value("#refund-amount") == "87.00"  # prefilled with what is still due

    # More than is due: warned on screen, and the server's refusal is named; nothing booked.
    page.fill("#refund-amount", "100.00")
    page.wait_for_selector("#refund-over")
    page.click("#refund-confirm")
    flashed(page, "error", "超过应退金额")
    page.wait_for_selector("#step-error:has-text('超过应退金额')")
    assert db_rows(
        server_db,
        "SELECT COUNT(*) FROM refund r JOIN return_ticket t ON t.id = r.ticket_id"
        " WHERE t.number = ?",
        number,
    ) == [(0,)]

    page.fill("#refund-amount", "87.00")
    page.click("#scan-input")  # back to the scan field: the payment slip's reference is scanned
    reference = f"PAY-{uuid.uuid4().hex[:10].upper()}"
    wedge(page, reference)
    page.wait_for_function(
        "r => document.getElementById('refund-reference').value === r", arg=reference
    )
    shoot(page, artifacts / "refund.png", full_page=True)
    page.click("#refund-confirm")
    flashed(page, "ok", "已退款 ¥87.00")
    page.wait_for_selector(f"#ticket .ticket-summary[data-number='{number}']")

    refunds = db_rows(
        server_db,
        "SELECT CAST(r.amount AS TEXT), r.payment_reference, u.username FROM refund r"
        " JOIN return_ticket t ON t.id = r.ticket_id JOIN app_user u ON u.id = r.issued_by_id"
        " WHERE t.number = ?",
        number,
    )
    assert [(float(a), ref, who) for a, ref, who in refunds] == [(87.0, reference, "finance")]
    status, refunded = _ticket(server_db, number, "status", "CAST(refunded AS TEXT)")
    assert status in ("REFUNDED", "FOLLOW_UP")
    assert float(refunded) == 87.0
    assert _events(server_db, number, "REFUND") == [("REFUND_PENDING", "REFUNDED", "finance")]


def test_customer_service_notes_reassigns_and_holds_a_ticket(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    number = ticket_at(server, "cs-case", "REQUESTED")["number"]
    sign_in(page, "customer-service")

    open_step(page, number, "note")
    page.wait_for_selector("#casework-form[data-step='note']")
    assert page.is_disabled("#casework-confirm")  # an empty note is not sent
    page.fill("#case-text", "客户要求周五前回电")
    page.click("#casework-confirm")
    flashed(page, "ok", "添加备注")
    on_ticket(page, number, "REQUESTED")
    page.wait_for_selector("#ticket-notes:has-text('客户要求周五前回电')")

    page.click("#ticket-steps button[data-step='assign']")
    page.wait_for_selector("#people button[data-username='cs-manager']")
    assert (
        page.locator("#people button[data-username='customer-service']").count() == 0
    )  # responsible already
    page.click("#people button[data-username='cs-manager']")
    page.fill("#case-text", "金额较大，请经理跟进")
    shoot(page, artifacts / "casework.png", full_page=True)
    page.click("#casework-confirm")
    flashed(page, "ok", "客服经理")
    on_ticket(page, number, "REQUESTED")
    page.wait_for_selector("#ticket-history li[data-action='ASSIGN']")

    page.click("#ticket-steps button[data-step='HOLD']")
    page.wait_for_selector("#casework-form[data-step='hold']")
    assert page.is_disabled("#casework-confirm")  # holding needs a reason
    page.fill("#case-text", "等待客户补充照片")
    page.click("#casework-confirm")
    on_ticket(page, number, "ON_HOLD")

    notes = db_rows(
        server_db,
        "SELECT n.text, u.username FROM ticket_note n JOIN return_ticket t ON t.id = n.ticket_id"
        " JOIN app_user u ON u.id = n.author_id WHERE t.number = ?",
        number,
    )
    assert notes == [("客户要求周五前回电", "customer-service")]
    assert len(_events(server_db, number, "NOTE")) == 1
    assert _events(server_db, number, "ASSIGN") == [(None, None, "customer-service")]
    assignee = db_rows(
        server_db,
        "SELECT u.username FROM return_ticket t JOIN app_user u ON u.id = t.assignee_id"
        " WHERE t.number = ?",
        number,
    )
    assert assignee == [("cs-manager",)]
    assert _events(server_db, number, "HOLD") == [("REQUESTED", "ON_HOLD", "customer-service")]


def test_the_warehouse_registers_the_tickets_parcel_with_its_freight(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    number = ticket_at(server, "wh-receive", "APPROVED", reason="WRONG_SIZE")["number"]
    sign_in(page, "warehouse")
    open_step(page, number, "RECEIVE")
    page.wait_for_selector("#casework-form[data-step='receive']")
    page.fill("#freight", "15.50")
    page.press("#freight", "Enter")  # back to the scan field
    scan_when_ready(page, "SF-NOT-THIS-PARCEL")  # another parcel: red, nothing registered
    flashed(page, "error", "不是本单")
    scan_when_ready(page, number)  # the ticket number written on the parcel registers it
    flashed(page, "ok", number)
    on_ticket(page, number, "RECEIVED")

    status, fee = _ticket(server_db, number, "status", "CAST(shipping_fee AS TEXT)")
    assert (status, float(fee)) == ("RECEIVED", 15.5)
    assert _events(server_db, number, "RECEIVE") == [("APPROVED", "RECEIVED", "warehouse")]


def test_customer_service_links_an_exception_parcel_to_its_application(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    application = ticket_at(server, "cs-link", "APPROVED")["number"]
    stray = f"YT{uuid.uuid4().int % 10**10:010d}"
    arrival = {"idempotencyKey": new_key("stray"), "code": stray}
    exception = mutate(
        server, "warehouse", "registerParcel", "RegisterParcelInput", arrival, "exception " + TICKET
    )
    assert exception["exception"] is True
    number = exception["ticket"]["number"]

    sign_in(page, "customer-service")
    open_step(page, number, "LINK")
    page.wait_for_selector("#casework-form[data-step='link']")
    assert page.is_disabled("#casework-confirm")  # no application yet
    scan_when_ready(page, number)  # the exception ticket itself cannot be its own application
    flashed(page, "error", "本异常单")
    scan_when_ready(page, application)
    page.wait_for_selector(f"#link-target[data-number='{application}']")
    page.click("#casework-confirm")
    flashed(page, "ok", number)
    on_ticket(page, number, "CLOSED")

    assert _ticket(server_db, application, "status") == ("RECEIVED",)
    assert _events(server_db, number, "LINK") == [("EXCEPTION", "CLOSED", "customer-service")]
    assert _events(server_db, application, "RECEIVE") == [
        ("APPROVED", "RECEIVED", "customer-service")
    ]
    waybills = db_rows(
        server_db,
        "SELECT t.number, w.status, w.replaced_by FROM inbound_waybill w"
        " JOIN return_ticket t ON t.id = w.ticket_id WHERE w.waybill = ? ORDER BY w.id",
        stray,
    )
    assert waybills == [(number, "VOIDED", application), (application, "ACTIVE", "")]


def test_customer_service_creates_the_exchange_replacement_order(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    number = ticket_at(server, "cs-exchange", "UNPACKED", kind="EXCHANGE")["number"]
    reserved = _ticket(server_db, number, "replacement_reserved")[0]
    sign_in(page, "customer-service")
    open_step(page, number, "replacement")
    page.wait_for_selector("#replacement-wanted")
    assert page.get_attribute("#replacement-wanted", "data-reserved") == ("1" if reserved else "0")
    page.screenshot(path=str(artifacts / "replacement.png"), full_page=True)
    page.click("#replacement-confirm")
    flashed(page, "ok", f"{number}-R")
    on_ticket(page, number, "UNPACKED")

    shipments = db_rows(
        server_db,
        "SELECT s.purpose, s.status, o.number FROM outbound_shipment s"
        " JOIN return_ticket t ON t.id = s.ticket_id"
        " LEFT JOIN sales_order o ON o.id = s.order_id WHERE t.number = ?",
        number,
    )
    assert shipments == [("REPLACEMENT", "OPEN", f"{number}-R")]
    assert len(_events(server_db, number, "CREATE_REPLACEMENT")) == 1
    assert _ticket(server_db, number, "replacement_reserved") == (1,)


def _stranded_and_put_away(server: str) -> tuple[str, str, str]:
    """A parcel stranded in another city (Art. 16.2): reported, reshipped from stock on a new
    waybill, the stranded goods back and put away. (ticket number, old waybill, new waybill)"""
    old = shipped_order(server, "strand")["waybill"]
    report = {"idempotencyKey": new_key("report"), "waybill": old, "remote": True}
    number = mutate(
        server, "logistics", "reportUndeliverable", "ReportUndeliverableInput", report, TICKET
    )["ticket"]["number"]
    new = new_waybill("ZTO")
    take_step(
        server,
        "logistics",
        "reship",
        "ReshipInput",
        {"ticketNumber": number, "waybill": new, "courier": "中通 ZTO"},
    )
    arrival = {"idempotencyKey": new_key("back"), "code": old}
    mutate(server, "warehouse", "registerParcel", "RegisterParcelInput", arrival, TICKET)
    put = take_step(
        server, "warehouse", "putAwayReturn", "PutAwayReturnInput", {"ticketNumber": number}
    )
    assert put["ticket"]["status"] == "PUT_AWAY"
    return number, old, new


def test_finance_swaps_the_stranded_parcels_old_waybill(  # type: ignore[no-untyped-def]
    page, server, server_db, artifacts
):
    number, old, new = _stranded_and_put_away(server)
    sign_in(page, "finance")
    open_step(page, number, "SWAP_WAYBILL")
    page.wait_for_selector(f"#swap-old li[data-waybill='{old}']")
    assert new in page.inner_text("#swap-new")
    scan_when_ready(page, new)  # the new waybill is not the one to void
    flashed(page, "error", new)
    scan_when_ready(page, old)
    page.wait_for_selector(f"#swap-old li[data-waybill='{old}'][data-checked='1']")
    shoot(page, artifacts / "swap-waybill.png", full_page=True)
    page.click("#swap-confirm")
    flashed(page, "ok", old)
    on_ticket(page, number, "WAYBILL_SWAPPED")

    waybills = db_rows(
        server_db,
        "SELECT w.waybill, w.status, w.replaced_by FROM inbound_waybill w"
        " JOIN return_ticket t ON t.id = w.ticket_id WHERE t.number = ?",
        number,
    )
    assert waybills == [(old, "VOIDED", new)]
    assert _events(server_db, number, "SWAP_WAYBILL") == [
        ("PUT_AWAY", "WAYBILL_SWAPPED", "finance")
    ]

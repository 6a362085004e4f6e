"""Corrective actions on the handheld (Art. 25.3): the supervisor proposes one (reasons by a
tap, a product and an example ticket by a scan), the CS manager approves it, the CS director
sends it back with a reason, the supervisor revises and resubmits it; later its owner marks
it implemented and the supervisor verifies it with a note, seeing the before and after
figures. Each move is checked in the database: recorded once, by the right person."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

from tests.e2e.conftest import db_rows
from tests.e2e.flows import (
    HeldList,
    flashed,
    gql,
    handheld,
    mutate,
    new_key,
    scan_when_ready,
    shoot,
    sign_in,
    ticket_at,
    wait_for_scan_field,
    wedge,
)


def today() -> date:
    """The handheld's day (local time): its date picker and overdue marks use it."""
    return datetime.now(UTC).astimezone().date()


EVENTS = (
    "SELECT e.move, e.from_status, e.to_status, u.username, e.note FROM corrective_action_event e"
    " JOIN corrective_action a ON a.id = e.corrective_action_id"
    " JOIN app_user u ON u.id = e.actor_id WHERE a.number = ? ORDER BY e.id"
)
ACTION = (
    "SELECT a.status, a.action, o.username, p.username, a.due_date FROM corrective_action a"
    " JOIN app_user o ON o.id = a.owner_id JOIN app_user p ON p.id = a.proposed_by_id"
    " WHERE a.number = ?"
)
LINKS = (
    "SELECT (SELECT GROUP_CONCAT(r.code) FROM corrective_action_reason l JOIN return_reason r"
    " ON r.id = l.reason_id WHERE l.corrective_action_id = a.id),"
    " (SELECT GROUP_CONCAT(p.sku) FROM corrective_action_product l JOIN product p"
    " ON p.id = l.product_id WHERE l.corrective_action_id = a.id),"
    " (SELECT GROUP_CONCAT(t.number) FROM corrective_action_ticket l JOIN return_ticket t"
    " ON t.id = l.ticket_id WHERE l.corrective_action_id = a.id)"
    " FROM corrective_action a WHERE a.number = ?"
)


def open_action(page, number: str) -> None:  # type: ignore[no-untyped-def]
    """From home: the list, then the action (its row in the list)."""
    page.click("#open-corrective")
    page.wait_for_selector("#ca-list")
    page.click(f"#ca-list li[data-number='{number}'] a")
    page.wait_for_selector(f"#ca-summary[data-number='{number}']")


def make_move(page, number: str, move: str, text: str, status: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"#ca-moves button[data-move={move}]")
    page.wait_for_selector(f"#ca-move[data-move={move}]")
    if text:
        page.fill("#ca-text", text)
    page.click("#ca-confirm")
    flashed(page, "ok", number)
    page.wait_for_selector(f"#ca-summary[data-number='{number}'][data-status={status}]")


def test_propose_approve_send_back_and_resubmit(page, browser, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    example = ticket_at(server, "ca-example", "REQUESTED")
    sku = example["lines"][0]["product"]["sku"]
    due = (today() + timedelta(days=14)).isoformat()

    # The supervisor proposes: a reason by a tap, a product and an example ticket by scans.
    sign_in(page, "supervisor")
    page.click("#open-corrective")
    page.click("#ca-new")
    page.wait_for_selector("#ca-form[data-mode=propose]")
    wait_for_scan_field(page)
    wedge(page, sku)
    page.wait_for_selector(f"#ca-products li[data-code='{sku}']")
    scan_when_ready(page, example["number"])
    page.wait_for_selector(f"#ca-tickets li[data-code='{example['number']}']")
    page.click("#ca-reasons button[data-code=QUALITY_DEFECT]")
    page.fill("#ca-root-cause", "拉链供应商换了材料")
    page.fill("#ca-action", "来料检验增加拉链拉力测试")
    page.wait_for_selector("#ca-owner option[value=warehouse]", state="attached")
    page.select_option("#ca-owner", "warehouse")
    page.fill("#ca-due", due)
    shoot(page, artifacts / "corrective-propose-zh.png", full_page=True)
    page.click("#ca-submit")
    flashed(page, "ok", "已提出")
    page.wait_for_selector("#ca-summary[data-status=PROPOSED]")
    number = page.get_attribute("#ca-summary", "data-number")
    assert db_rows(server_db, ACTION, number) == [
        ("PROPOSED", "来料检验增加拉链拉力测试", "warehouse", "supervisor", due)
    ]
    assert db_rows(server_db, LINKS, number) == [("QUALITY_DEFECT", sku, example["number"])]
    assert page.locator("#ca-moves").count() == 0  # the supervisor waits for the manager

    # The CS manager finds it waiting for them and approves it.
    with handheld(browser, server) as manager:
        sign_in(manager, "cs-manager")
        manager.click("#open-corrective")
        manager.select_option("#ca-filter", "MINE")
        manager.wait_for_selector(f"#ca-list[data-filter=MINE] li[data-number='{number}']")
        manager.click(f"#ca-list li[data-number='{number}'] a")
        manager.wait_for_selector("#ca-moves")
        moves = manager.locator("#ca-moves button").evaluate_all(
            "bs => bs.map(b => b.dataset.move)"
        )
        assert moves == ["APPROVE", "SEND_BACK"]
        shoot(manager, artifacts / "corrective-detail-zh.png", full_page=True)
        make_move(manager, number, "APPROVE", "同意", "MANAGER_APPROVED")

    # The CS director sends it back: a reason is required.
    with handheld(browser, server, "en") as director:
        sign_in(director, "cs-director")
        assert director.inner_text("h1") == "Warehouse returns desk"  # an English handheld
        open_action(director, number)
        director.click("#ca-moves button[data-move=SEND_BACK]")
        director.wait_for_selector("#ca-move[data-move=SEND_BACK]")
        assert director.is_disabled("#ca-confirm")
        director.fill("#ca-text", "Name the supplier and the test's pass mark")
        shoot(director, artifacts / "corrective-send-back-en.png")
        director.click("#ca-confirm")
        flashed(director, "ok", "Sent back")
        director.wait_for_selector(f"#ca-summary[data-number='{number}'][data-status=SENT_BACK]")

    # The supervisor revises it (the form comes filled in) and resubmits it.
    page.reload()
    page.wait_for_selector("#ca-moves button[data-move=RESUBMIT]")
    assert "Name the supplier" in page.inner_text("#ca-history li[data-move=SEND_BACK]")
    page.click("#ca-moves button[data-move=RESUBMIT]")
    page.wait_for_selector("#ca-form[data-mode=revise]")
    # the form fills in from the action once it is read
    page.wait_for_selector("#ca-reasons button[data-code=QUALITY_DEFECT][aria-pressed=true]")
    assert page.input_value("#ca-owner") == "warehouse"
    page.fill("#ca-action", "来料检验增加拉链拉力测试（供应商甲，≥70N 合格）")
    page.click("#ca-submit")
    flashed(page, "ok", "已重新提交")
    page.wait_for_selector(f"#ca-summary[data-number='{number}'][data-status=PROPOSED]")

    assert db_rows(server_db, EVENTS, number) == [
        ("PROPOSE", None, "PROPOSED", "supervisor", ""),
        ("APPROVE", "PROPOSED", "MANAGER_APPROVED", "cs-manager", "同意"),
        (
            "SEND_BACK",
            "MANAGER_APPROVED",
            "SENT_BACK",
            "cs-director",
            "Name the supplier and the test's pass mark",
        ),
        ("RESUBMIT", "SENT_BACK", "PROPOSED", "supervisor", ""),
    ]
    assert (
        db_rows(server_db, ACTION, number)[0][1]
        == "来料检验增加拉链拉力测试（供应商甲，≥70N 合格）"
    )


def propose_through_api(server: str, sku: str, due: date) -> str:
    fields = {
        "rootCause": "包装太薄",
        "action": "换五层纸箱",
        "owner": "warehouse",
        "dueDate": due.isoformat(),
        "reasonCodes": ["QUALITY_DEFECT"],
        "skus": [sku],
    }
    given = {"idempotencyKey": new_key("ca"), "fields": fields}
    payload = mutate(
        server,
        "supervisor",
        "proposeCorrectiveAction",
        "ProposeCorrectiveActionInput",
        given,
        "correctiveAction { number }",
    )
    return str(payload["correctiveAction"]["number"])


def approve_through_api(server: str, number: str) -> None:
    for who in ("cs-manager", "cs-director"):
        given = {"idempotencyKey": new_key("ca-approve"), "number": number}
        mutate(server, who, "approveCorrectiveAction", "ApproveCorrectiveActionInput", given)


def test_the_owner_marks_it_implemented_and_the_supervisor_verifies_the_effect(
    page, browser, server, server_db, artifacts
):  # type: ignore[no-untyped-def]
    sku = ticket_at(server, "ca-effect", "REQUESTED")["lines"][0]["product"]["sku"]
    number = propose_through_api(server, sku, today() + timedelta(days=7))
    approve_through_api(server, number)

    # The owner, a warehouse clerk, marks it implemented (in English).
    with handheld(browser, server, "en") as owner:
        sign_in(owner, "warehouse")
        assert owner.inner_text("h1") == "Warehouse returns desk"  # an English handheld
        open_action(owner, number)
        assert owner.locator("#ca-moves button").evaluate_all(
            "bs => bs.map(b => b.dataset.move)"
        ) == ["MARK_IMPLEMENTED"]
        make_move(owner, number, "MARK_IMPLEMENTED", "New boxes in use from today", "IMPLEMENTED")

    # The supervisor verifies: the before and after figures so far are shown, then stored.
    sign_in(page, "supervisor")
    open_action(page, number)
    page.click("#ca-moves button[data-move=VERIFY]")
    page.wait_for_selector("#ca-preview li[data-dimension=PRODUCT]")
    rows = page.locator("#ca-preview li").evaluate_all(
        "ls => ls.map(l => [l.dataset.dimension, l.dataset.key])"
    )
    assert rows == [["REASON", "QUALITY_DEFECT"], ["PRODUCT", sku]]
    assert page.is_disabled("#ca-confirm")  # the effect note is required
    page.fill("#ca-text", "破损退货下降")
    shoot(page, artifacts / "corrective-verify-zh.png", full_page=True)
    page.click("#ca-confirm")
    flashed(page, "ok", "已验证")
    page.wait_for_selector(f"#ca-summary[data-number='{number}'][data-status=VERIFIED]")
    page.wait_for_selector("#ca-effect li")

    stored = gql(
        server,
        "supervisor",
        "query($n: String!) { correctiveAction(number: $n) { effectNote effect { rows {"
        " dimension key before { units } after { units } } } } }",
        {"n": number},
    )["correctiveAction"]
    assert stored["effectNote"] == "破损退货下降"
    shown = page.locator("#ca-effect li").evaluate_all(
        "ls => ls.map(l => [l.dataset.dimension, l.dataset.key,"
        " Number(l.dataset.beforeUnits), Number(l.dataset.afterUnits)])"
    )
    assert shown == [
        [r["dimension"], r["key"], r["before"]["units"], r["after"]["units"]]
        for r in stored["effect"]["rows"]
    ]
    assert [row[:4] for row in db_rows(server_db, EVENTS, number)][-2:] == [
        ("MARK_IMPLEMENTED", "DIRECTOR_APPROVED", "IMPLEMENTED", "warehouse"),
        ("VERIFY", "IMPLEMENTED", "VERIFIED", "supervisor"),
    ]


def test_the_list_marks_overdue_actions(page, server, server_db):  # type: ignore[no-untyped-def]
    sku = ticket_at(server, "ca-overdue", "REQUESTED")["lines"][0]["product"]["sku"]
    late = propose_through_api(server, sku, today())
    on_time = propose_through_api(server, sku, today() + timedelta(days=30))
    # Time passes: the first one's due date is now behind us.
    with sqlite3.connect(server_db, timeout=10) as db:
        yesterday = (today() - timedelta(days=1)).isoformat()
        db.execute("UPDATE corrective_action SET due_date = ? WHERE number = ?", (yesterday, late))
    sign_in(page, "cs-manager")
    page.click("#open-corrective")
    page.select_option("#ca-filter", "PROPOSED")
    page.wait_for_selector(f"#ca-list[data-filter=PROPOSED] li[data-number='{late}']")
    assert page.get_attribute(f"#ca-list li[data-number='{late}']", "data-overdue") == "1"
    assert "已逾期" in page.inner_text(f"#ca-list li[data-number='{late}']")
    assert page.get_attribute(f"#ca-list li[data-number='{on_time}']", "data-overdue") == "0"
    statuses = page.locator("#ca-list li").evaluate_all("ls => ls.map(l => l.dataset.status)")
    assert set(statuses) == {"PROPOSED"}


def test_a_late_answer_for_the_earlier_filter_does_not_replace_the_chosen_list(page, server):  # type: ignore[no-untyped-def]
    sku = ticket_at(server, "ca-late", "REQUESTED")["lines"][0]["product"]["sku"]
    proposed = propose_through_api(server, sku, today() + timedelta(days=10))
    approved = propose_through_api(server, sku, today() + timedelta(days=10))
    approve_through_api(server, approved)  # DIRECTOR_APPROVED: in "all", not in "proposed"
    sign_in(page, "cs-manager")
    whole_list = HeldList(page, "correctiveActions", "status")  # answered after the choice
    page.click("#open-corrective")
    page.wait_for_function("() => document.querySelector('#ca-filter') !== null")
    page.select_option("#ca-filter", "PROPOSED")
    page.wait_for_selector(f"#ca-list[data-filter=PROPOSED] li[data-number='{proposed}']")
    whole_list.release()
    statuses = page.locator("#ca-list li").evaluate_all("ls => ls.map(l => l.dataset.status)")
    assert set(statuses) == {"PROPOSED"}
    assert page.locator(f"#ca-list li[data-number='{approved}']").count() == 0

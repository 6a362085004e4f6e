"""The follow-up call on the handheld (Art. 25.1): customer service opens a FOLLOW_UP ticket,
taps its call button (myActions), sees the customer's name and a number to dial, the calls
so far and which attempt this is, and records the call; the database keeps each call once,
by the person who made it."""

from __future__ import annotations

from tests.e2e.conftest import db_rows
from tests.e2e.flows import (
    CUSTOMER,
    flashed,
    gql,
    in_follow_up,
    on_ticket,
    open_step,
    shoot,
    sign_in,
    wait_for_scan_field,
)

CALLS = (
    "SELECT c.attempt, c.outcome, c.satisfaction, c.feedback, c.new_problem, u.username,"
    " l.number FROM follow_up_call c JOIN return_ticket t ON t.id = c.ticket_id"
    " JOIN app_user u ON u.id = c.caller_id LEFT JOIN return_ticket l ON l.id = c.linked_ticket_id"
    " WHERE t.number = ? ORDER BY c.id"
)


def status_of(server_db, number: str) -> str:  # type: ignore[no-untyped-def]
    return db_rows(server_db, "SELECT status FROM return_ticket WHERE number = ?", number)[0][0]


def open_call(page, number: str) -> None:  # type: ignore[no-untyped-def]
    open_step(page, number, "FOLLOW_UP_CALL")
    page.wait_for_selector("#follow-up")


def test_an_unanswered_call_then_a_reached_one_closes_the_ticket(
    page, server, server_db, artifacts
):  # type: ignore[no-untyped-def]
    number = in_follow_up(server, "fu-call")["number"]
    sign_in(page, "customer-service")
    wait_for_scan_field(page)
    open_call(page, number)
    customer = page.locator("#follow-up-customer")
    assert CUSTOMER["name"] in customer.inner_text()
    assert page.get_attribute("#follow-up-dial", "href") == f"tel:{CUSTOMER['phone']}"
    assert page.get_attribute("#follow-up-attempt", "data-attempt") == "1"
    assert "第 1 次拨打" in page.inner_text("#follow-up-attempt")
    page.wait_for_selector("#follow-up-calls-none")
    # Every button here is a big target.
    for box in page.locator("#follow-up button:visible, #follow-up-dial").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect()).map(r => [r.width, r.height])"
    ):
        assert box[0] >= 48, box
        assert box[1] >= 48, box

    # Nobody answers: the attempt is recorded, the ticket stays in follow-up.
    page.click("#follow-up-reached button[data-value=false]")
    assert page.is_disabled("#follow-up-confirm") is False
    page.click("#follow-up-confirm")
    flashed(page, "ok", "未接通")
    on_ticket(page, number, "FOLLOW_UP")
    assert db_rows(server_db, CALLS, number) == [
        (1, "NO_ANSWER", None, "", "NONE", "customer-service", None)
    ]

    # The second call: attempt 2, the first one listed; the customer answers, satisfied.
    page.wait_for_selector("#ticket-history li[data-action=FOLLOW_UP_CALL]")
    page.click("#ticket-steps button[data-step=FOLLOW_UP_CALL]")
    page.wait_for_selector("#follow-up-attempt[data-attempt='2']")
    assert page.locator("#follow-up-calls li[data-outcome=NO_ANSWER]").count() == 1
    page.click("#follow-up-reached button[data-value=true]")
    assert page.is_disabled("#follow-up-confirm")  # no satisfaction yet
    page.click("#follow-up-score button[data-value='4']")
    page.fill("#follow-up-feedback", "换货很快，满意")
    shoot(page, artifacts / "follow-up-zh.png", full_page=True)
    page.click("#follow-up-confirm")
    flashed(page, "ok", "已接通")
    on_ticket(page, number, "CLOSED")
    assert db_rows(server_db, CALLS, number) == [
        (1, "NO_ANSWER", None, "", "NONE", "customer-service", None),
        (2, "REACHED", 4, "换货很快，满意", "NONE", "customer-service", None),
    ]
    # Closed: the call is no longer offered.
    assert page.locator("#ticket-steps button[data-step=FOLLOW_UP_CALL]").count() == 0


def test_a_new_problem_reopens_the_ticket_in_english(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    number = in_follow_up(server, "fu-reopen")["number"]
    sign_in(page, "customer-service")
    page.click("#lang")
    page.wait_for_selector("h1:text('Warehouse returns desk')")
    wait_for_scan_field(page)
    open_call(page, number)
    assert "Attempt 1" in page.inner_text("#follow-up-attempt")
    page.click("#follow-up-reached button[data-value=true]")
    page.click("#follow-up-score button[data-value='2']")
    page.click("#follow-up-problem button[data-value=REOPEN]")
    assert page.is_disabled("#follow-up-confirm")  # a new problem says what it is
    page.fill("#follow-up-feedback", "The zip broke again")
    shoot(page, artifacts / "follow-up-en.png", full_page=True)
    page.click("#follow-up-confirm")
    flashed(page, "ok", "Reached")
    # Closed by the call and reopened at once: back in customer service's follow-up.
    on_ticket(page, number, "FOLLOW_UP")
    assert db_rows(server_db, CALLS, number) == [
        (1, "REACHED", 2, "The zip broke again", "REOPEN", "customer-service", None)
    ]
    history = gql(
        server,
        "customer-service",
        "query($n: String) { returnTicket(number: $n) { history { action } } }",
        {"n": number},
    )["returnTicket"]["history"]
    assert [e["action"] for e in history][-2:] == ["CLOSE", "REOPEN"]


def test_a_new_application_raised_on_the_call_is_opened_and_linked(page, server, server_db):  # type: ignore[no-untyped-def]
    ticket = in_follow_up(server, "fu-new", quantity=1, ordered=2)
    number, sku = ticket["number"], ticket["lines"][0]["product"]["sku"]
    sign_in(page, "customer-service")
    wait_for_scan_field(page)
    open_call(page, number)
    page.click("#follow-up-reached button[data-value=true]")
    page.click("#follow-up-score button[data-value='3']")
    page.click("#follow-up-problem button[data-value=NEW_TICKET]")
    page.select_option("#new-reason", "QUALITY_DEFECT")
    page.click(f"#follow-up-new-ticket li[data-sku='{sku}'] .step >> nth=1")  # +1
    page.fill("#follow-up-feedback", "另一件也开线了")
    page.click("#follow-up-confirm")
    flashed(page, "ok", "已接通")
    on_ticket(page, number, "CLOSED")
    [call] = db_rows(server_db, CALLS, number)
    assert call[:6] == (1, "REACHED", 3, "另一件也开线了", "NEW_TICKET", "customer-service")
    linked = call[6]
    found = gql(
        server,
        "customer-service",
        "query($n: String) { returnTicket(number: $n) { status raisedInFollowUpOf"
        " lines { quantity product { sku } } } }",
        {"n": linked},
    )["returnTicket"]
    assert found == {
        "status": "REQUESTED",
        "raisedInFollowUpOf": number,
        "lines": [{"quantity": 1, "product": {"sku": sku}}],
    }

"""The ticket detail: reached by scanning the ticket number on home, it shows the case and its
whole history, offers exactly the steps this person's role may take now, and follows changes
made by others live."""

from __future__ import annotations

from tests.e2e.flows import mutate, sign_in, ticket_at, wait_for_scan_field, wedge


def open_ticket(page, number: str) -> None:  # type: ignore[no-untyped-def]
    wait_for_scan_field(page)
    wedge(page, number)
    page.wait_for_selector(f"#ticket .ticket-summary[data-number='{number}']")


def test_customer_service_sees_the_application_with_its_steps_and_live_history(
    page, server, artifacts
):  # type: ignore[no-untyped-def]
    number = ticket_at(server, "detail", "REQUESTED")["number"]
    sign_in(page, "customer-service")
    open_ticket(page, number)
    steps = page.locator("#ticket-steps button").evaluate_all(
        "(bs) => bs.map((b) => b.dataset.step)"
    )
    assert steps[:2] == ["APPROVE", "DECLINE"]
    assert "note" in steps
    assert "assign" in steps
    assert page.locator("#ticket-history li[data-action=OPEN]").count() == 1

    # A colleague writes a note: it appears here without a reload.
    mutate(
        server,
        "supervisor",
        "addTicketNote",
        "AddTicketNoteInput",
        {"idempotencyKey": f"note-{number}", "ticketNumber": number, "text": "客户来电催促"},
    )
    page.wait_for_selector("#ticket-notes >> text=客户来电催促")
    page.wait_for_selector("#ticket-history li[data-action=NOTE]")
    page.screenshot(path=str(artifacts / "ticket.png"), full_page=True)

    # The step buttons open the step's screen.
    page.click("#ticket-steps button[data-step=APPROVE]")
    page.wait_for_url(f"**/#/ticket/{number}/approve")


def test_the_warehouse_gets_no_customer_service_steps(page, server):  # type: ignore[no-untyped-def]
    number = ticket_at(server, "detail-wh", "RECEIVED")["number"]
    sign_in(page, "warehouse")
    open_ticket(page, number)
    steps = page.locator("#ticket-steps button").evaluate_all(
        "(bs) => bs.map((b) => b.dataset.step)"
    )
    assert "UNPACK" in steps
    assert "APPROVE" not in steps
    assert "assign" not in steps


def test_an_unknown_ticket_number_in_the_address_is_named(page):  # type: ignore[no-untyped-def]
    sign_in(page, "warehouse")
    page.goto("/#/ticket/RT-NOPE-1")
    page.wait_for_selector("#ticket .error")
    assert "RT-NOPE-1" in page.inner_text("#ticket .error")

"""The offline outbox in a real browser: changes made without a connection wait in IndexedDB
with the idempotency key made when the clerk acted, survive a reload, go out in order when the
connection returns, and never book twice; a change the server refuses waits for a person."""

from __future__ import annotations

from tests.e2e.conftest import db_rows
from tests.e2e.flows import (
    mutate,
    sign_in,
    ticket_at,
    wait_for_scan_field,
    wait_for_service_worker,
    wedge,
)

ARRIVALS = "SELECT COUNT(*) FROM ticket_event e JOIN return_ticket t ON t.id = e.ticket_id "
ARRIVALS += "WHERE t.number = ? AND e.action = 'RECEIVE'"


def open_arrivals(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "warehouse")
    page.click("#open-arrivals")
    page.wait_for_selector("#arrivals")
    wait_for_scan_field(page)


def status_of(server_db, number: str) -> str:  # type: ignore[no-untyped-def]
    return db_rows(server_db, "SELECT status FROM return_ticket WHERE number = ?", number)[0][0]


def test_arrivals_scanned_offline_are_sent_in_order_once_when_back_online(
    page, server, server_db, artifacts
):  # type: ignore[no-untyped-def]
    first = ticket_at(server, "offline-a", "APPROVED")["number"]
    second = ticket_at(server, "offline-b", "APPROVED")["number"]
    open_arrivals(page)
    wait_for_service_worker(page)  # the offline reload below comes from it

    page.context.set_offline(True)
    page.wait_for_selector("#connection[data-state=offline]")
    wedge(page, first)
    page.wait_for_selector("#flash[data-kind=queued]")
    page.wait_for_timeout(900)
    wedge(page, second)
    page.wait_for_selector("#outbox-banner[data-waiting='2']")
    page.wait_for_selector("#flash", state="hidden")
    page.screenshot(path=str(artifacts / "offline-outbox.png"))

    # Still offline, the app reloads from the service worker and the outbox is still there.
    page.reload()
    page.wait_for_selector("#outbox-banner[data-waiting='2']")
    page.click("#outbox-banner")
    page.wait_for_selector("#outbox-waiting li >> nth=1")
    waiting = page.locator("#outbox-waiting li").all_inner_texts()
    assert first in waiting[0]
    assert second in waiting[1]
    assert status_of(server_db, first) == "APPROVED"

    page.context.set_offline(False)
    page.wait_for_selector("#outbox-banner", state="detached")
    assert status_of(server_db, first) == status_of(server_db, second) == "RECEIVED"
    assert db_rows(server_db, ARRIVALS, first) == [(1,)]
    assert db_rows(server_db, ARRIVALS, second) == [(1,)]
    # First scanned, first booked.
    order = db_rows(
        server_db,
        "SELECT t.number FROM ticket_event e JOIN return_ticket t ON t.id = e.ticket_id "
        "WHERE e.action = 'RECEIVE' AND t.number IN (?, ?) ORDER BY e.id",
        first,
        second,
    )
    assert [number for (number,) in order] == [first, second]


def test_an_answer_lost_on_the_way_back_is_replayed_with_its_key_and_books_once(
    page, server, server_db
):  # type: ignore[no-untyped-def]
    number = ticket_at(server, "lost-answer", "APPROVED")["number"]
    open_arrivals(page)
    keys: list[str] = []
    dropped: list[bool] = []

    def drop_the_first_answer(route) -> None:  # type: ignore[no-untyped-def]
        body = route.request.post_data_json or {}
        if "registerParcel" not in body.get("query", ""):
            route.continue_()
            return
        keys.append(body["variables"]["input"]["idempotencyKey"])
        if dropped:
            route.continue_()
            return
        route.fetch()  # the server books the arrival...
        dropped.append(True)
        route.abort("connectionreset")  # ...and its answer never reaches the handheld

    page.route("**/graphql", drop_the_first_answer)
    wedge(page, number)
    page.wait_for_selector("#flash[data-kind=queued]")
    # The outbox retries on its own; the replay carries the same key and books nothing new.
    page.wait_for_selector("#outbox-banner", state="detached", timeout=30_000)
    assert len(keys) >= 2
    assert len(set(keys)) == 1
    assert db_rows(server_db, ARRIVALS, number) == [(1,)]


def test_a_change_refused_on_replay_waits_for_a_person_until_discarded(
    page, server, server_db, artifacts
):  # type: ignore[no-untyped-def]
    number = ticket_at(server, "refused-replay", "APPROVED")["number"]
    open_arrivals(page)
    page.context.set_offline(True)
    wedge(page, number)
    page.wait_for_selector("#outbox-banner[data-waiting='1']")
    # Meanwhile a colleague registered the same parcel from another handheld.
    mutate(
        server,
        "logistics",
        "registerParcel",
        "RegisterParcelInput",
        {"idempotencyKey": f"colleague-{number}", "code": number},
    )
    page.context.set_offline(False)
    page.wait_for_selector("#outbox-banner[data-failed='1'][data-waiting='0']")
    page.click("#outbox-banner")
    page.wait_for_selector("#outbox-failed li")
    assert "RECEIVED" in page.inner_text("#outbox-failed li .error")
    page.screenshot(path=str(artifacts / "outbox-failed.png"))
    assert db_rows(server_db, ARRIVALS, number) == [(1,)]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#outbox-failed li button[data-do=discard]")
    page.wait_for_selector("#outbox-banner", state="detached")
    assert db_rows(server_db, ARRIVALS, number) == [(1,)]

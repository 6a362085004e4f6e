"""A ticket's milestone columns (decided, arrived, QC-inspected, first refund, closed) are
kept by the services at the time of the history row (or refund) that sets them, with the
seconds of each cycle-time stage between them; the migrations' backfills (from the history,
then from the milestones) give the same values."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.auth.roles import Role
from backend.persistence import transaction
from backend.persistence.models import Refund, ReturnTicket, TicketEvent
from tests.api.returns_helpers import Desk, freeze_ticket_clock
from tests.api.test_follow_up import recorded
from tests.api.test_return_flows import shipped_order

CS, WH, QC, LOG, FIN = Role.CUSTOMER_SERVICE, Role.WAREHOUSE, Role.QC, Role.LOGISTICS, Role.FINANCE
MILESTONES = ("decided_at", "arrived_at", "qc_inspected_at", "first_refund_at", "closed_at")
STAGES = ("seconds_to_decision", "seconds_arrival_to_qc", "seconds_qc_to_refund", "seconds_whole")
T0 = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)


class Clock:
    def __init__(self) -> None:
        self.value = T0

    def at(self, seconds: int) -> datetime:
        self.value = T0 + timedelta(seconds=seconds)
        return self.value


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """What `datetime.now` answers where history rows and refunds are stamped."""
    found = Clock()

    freeze_ticket_clock(monkeypatch, lambda: found.value)
    return found


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


async def milestones(number: str) -> dict[str, datetime | None]:
    ticket = await ReturnTicket.get(number=number)
    return {name: getattr(ticket, name) for name in MILESTONES}


async def stage_seconds(number: str) -> dict[str, float | None]:
    ticket = await ReturnTicket.get(number=number)
    return {name: getattr(ticket, name) for name in STAGES}


async def event_times(number: str, action: str) -> list[datetime]:
    return [
        e.at for e in await TicketEvent.filter(ticket__number=number, action=action).order_by("id")
    ]


async def refunded_return(desk: Desk, clock: Clock) -> str:
    """A return applied for at 0, approved at 100, received at 1000, QC at 1600, refunded
    in two parts at 1900 and 2000 (then in follow-up), its call closing it at 5000."""
    await desk.delivered_order("SO-MS1", [("SKU-1", 2, "99.00")])
    clock.at(0)
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-MS1",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details="Seam",
        lines=[{"sku": "SKU-1", "quantity": 2}],
    )
    number: str = ticket["number"]
    assert await milestones(number) == dict.fromkeys(MILESTONES)
    clock.at(100)
    await desk.do("approveReturn", CS, ticketNumber=number)
    clock.at(1000)
    await desk.do("registerParcel", WH, code=number, courier="YTO")
    clock.at(1200)
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    line = unpacked["lines"][0]["id"]
    passed = {"lineId": line, "quantity": 2, "passed": True}
    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=[{**passed, "responsibility": "UNKNOWN"}],
    )
    clock.at(1600)
    await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=[{**passed, "grade": "A", "responsibility": "UNKNOWN"}],
    )
    await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")
    clock.at(1900)
    await desk.do("issueRefund", FIN, ticketNumber=number, amount="100.00")
    clock.at(2000)
    followed = await desk.do("issueRefund", FIN, ticketNumber=number, amount="98.00")
    assert followed["status"] == "FOLLOW_UP"
    clock.at(5000)
    closed = await recorded(desk, number, reached=True, satisfaction=4)
    assert closed["status"] == "CLOSED"
    return number


async def test_each_milestone_is_the_time_of_the_step_that_set_it_first(desk, clock):
    number = await refunded_return(desk, clock)
    found = await milestones(number)
    assert found == {
        "decided_at": clock.at(100),
        "arrived_at": clock.at(1000),
        "qc_inspected_at": clock.at(1600),
        "first_refund_at": clock.at(1900),  # the first of the two parts
        "closed_at": clock.at(5000),
    }
    # ...which are the times of the history rows and the refund themselves
    assert found["decided_at"] == (await event_times(number, "APPROVE"))[0]
    assert found["arrived_at"] == (await event_times(number, "RECEIVE"))[0]
    assert found["qc_inspected_at"] == (await event_times(number, "INSPECT_QC"))[0]
    first = await Refund.filter(ticket__number=number).order_by("id").first()
    assert first is not None
    assert found["first_refund_at"] == first.at
    assert found["closed_at"] == (await event_times(number, "CLOSE"))[-1]


async def test_a_reopened_ticket_has_no_close_until_it_closes_again(desk, clock):
    number = await refunded_return(desk, clock)
    clock.at(6000)
    reopened = await desk.do("reopenTicket", Role.CS_MANAGER, ticketNumber=number, reason="Again")
    assert reopened["status"] == "FOLLOW_UP"
    assert (await milestones(number))["closed_at"] is None
    clock.at(7000)
    await desk.do("closeTicket", CS, ticketNumber=number, reason="Called back")
    found = await milestones(number)
    assert found["closed_at"] == clock.at(7000)
    # the first moments stay where they were
    assert (found["decided_at"], found["first_refund_at"]) == (clock.at(100), clock.at(1900))


async def test_each_stage_is_kept_in_seconds_once_its_second_moment_is_set(desk, clock):
    number = await refunded_return(desk, clock)
    created = (await ReturnTicket.get(number=number)).created_at  # the real clock's

    def since_created(seconds: int) -> float:
        return (clock.at(seconds) - created).total_seconds()

    assert await stage_seconds(number) == {
        "seconds_to_decision": since_created(100),
        "seconds_arrival_to_qc": 600.0,  # received at 1000, QC at 1600
        "seconds_qc_to_refund": 300.0,  # the first refund part, at 1900
        "seconds_whole": since_created(5000),
    }
    clock.at(6000)
    await desk.do("reopenTicket", Role.CS_MANAGER, ticketNumber=number, reason="Again")
    assert (await stage_seconds(number))["seconds_whole"] is None  # open again: not measured
    clock.at(7000)
    await desk.do("closeTicket", CS, ticketNumber=number, reason="Called back")
    assert await stage_seconds(number) == {
        "seconds_to_decision": since_created(100),
        "seconds_arrival_to_qc": 600.0,
        "seconds_qc_to_refund": 300.0,
        "seconds_whole": since_created(7000),
    }


async def test_a_parcel_that_opens_received_arrived_when_it_was_registered(desk, clock):
    waybill = await shipped_order(desk, "SO-MS2", [("SKU-1", 1, "99.00")])
    clock.at(300)
    ticket = await desk.do(
        "recordRefusedParcel", LOG, waybill=waybill, courierPerson="顺丰 王师傅", staffPerson="李强"
    )
    assert ticket["status"] == "RECEIVED"
    assert await milestones(ticket["number"]) == {
        **dict.fromkeys(MILESTONES),
        "arrived_at": clock.at(300),
    }


async def test_a_decline_is_the_decision(desk, clock):
    await desk.delivered_order("SO-MS3", [("SKU-1", 1, "99.00")])
    clock.at(0)
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-MS3",
        kind="RETURN",
        reasonCode="CHANGED_MIND",
        details="",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    clock.at(400)
    await desk.do("declineReturn", CS, ticketNumber=ticket["number"], code="OTHER", note="No")
    found = await milestones(ticket["number"])
    assert found == {**dict.fromkeys(MILESTONES), "decided_at": clock.at(400)}


async def test_the_migration_backfill_gives_what_the_services_kept(desk, clock):
    closed = await refunded_return(desk, clock)
    reopened = await refunded_return_reopened(desk, clock)
    waybill = await shipped_order(desk, "SO-MS5", [("SKU-2", 1, "50.00")])
    clock.at(300)
    refused = await desk.do(
        "recordRefusedParcel", LOG, waybill=waybill, courierPerson="顺丰 王师傅", staffPerson="李强"
    )
    numbers = [closed, reopened, refused["number"]]
    kept = {n: await milestones(n) for n in numbers}
    assert kept[closed]["closed_at"] is not None
    assert kept[reopened]["closed_at"] is None

    await transaction.execute(
        "UPDATE return_ticket SET " + ", ".join(f"{name} = NULL" for name in MILESTONES)
    )
    assert await milestones(closed) == dict.fromkeys(MILESTONES)
    migration = importlib.import_module("backend.persistence.migrations.0009_planning_and_archive")
    await transaction.execute(migration.BACKFILL)
    assert {n: await milestones(n) for n in numbers} == kept


async def test_the_stage_seconds_backfill_gives_what_the_services_kept(desk, clock):
    closed = await refunded_return(desk, clock)
    reopened = await refunded_return_reopened(desk, clock)
    kept = {n: await stage_seconds(n) for n in (closed, reopened)}
    assert kept[closed]["seconds_qc_to_refund"] == 300.0
    assert kept[closed]["seconds_whole"] is not None
    assert kept[reopened]["seconds_whole"] is None

    await transaction.execute(
        "UPDATE return_ticket SET " + ", ".join(f"{name} = NULL" for name in STAGES)
    )
    migration = importlib.import_module("backend.persistence.migrations.0010_analytics_keys")
    dialect = transaction.current().capabilities.dialect
    await transaction.execute(migration.stage_seconds(dialect))
    for number, seconds in kept.items():
        backfilled = await stage_seconds(number)
        assert backfilled.keys() == seconds.keys()
        for name, value in seconds.items():
            assert backfilled[name] == (None if value is None else pytest.approx(value, abs=0.01))


async def refunded_return_reopened(desk: Desk, clock: Clock) -> str:
    """Another order's return taken to CLOSED by its call, then reopened by a manager."""
    await desk.delivered_order("SO-MS4", [("SKU-2", 1, "50.00")])
    clock.at(10_000)
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-MS4",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details="",
        lines=[{"sku": "SKU-2", "quantity": 1}],
    )
    number: str = ticket["number"]
    clock.at(10_100)
    await desk.do("approveReturn", CS, ticketNumber=number)
    clock.at(10_200)
    await desk.do("registerParcel", WH, code=number, courier="YTO")
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    line = {"lineId": unpacked["lines"][0]["id"], "quantity": 1, "passed": True}
    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=[{**line, "responsibility": "UNKNOWN"}],
    )
    clock.at(10_300)
    await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=[{**line, "grade": "A", "responsibility": "UNKNOWN"}],
    )
    await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")
    clock.at(10_400)
    await desk.do("issueRefund", FIN, ticketNumber=number, amount="50.00")
    clock.at(10_500)
    await recorded(desk, number, reached=True, satisfaction=3)
    clock.at(10_600)
    await desk.do("reopenTicket", Role.CS_MANAGER, ticketNumber=number, reason="Again")
    return number

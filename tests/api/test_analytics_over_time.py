"""Return rate over time (returnAnalytics.overTime): every bucket of the period in UTC,
zero-filled, against hand-computed numbers.

The data (all in 2025, UTC):

  shipments  O1: SKU-1 x4 on Mon 3 March 10:00    O2: SKU-2 x6 on Mon 10 March 09:00
             O3: SKU-1 x2 on Tue 1 April 12:00
  tickets    T1 O1 SKU-1 x2 created 4 March 08:00     T2 O1 SKU-1 x1 created 12 March
             T3 O2 SKU-2 x3 created 12 March, declined (no goods come back)
             T4 O3 SKU-1 x1 created 2 April
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import WarehouseKind
from backend.persistence import transaction
from backend.persistence.models import Warehouse
from tests.api.returns_helpers import Desk
from tests.api.test_analytics import _order

CS = Role.CUSTOMER_SERVICE

OVER_TIME = """
query($filter: AnalyticsFilter!, $interval: AnalyticsInterval) {
  returnAnalytics(filter: $filter) {
    overTime(interval: $interval) {
      periodStart tickets returnedUnits shippedUnits returnRate
    }
  }
}
"""


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


async def _ticket(desk: Desk, order: str, sku: str, quantity: int, created: datetime) -> str:
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber=order,
        kind="RETURN",
        reasonCode="WRONG_SIZE",
        details="",
        lines=[{"sku": sku, "quantity": quantity}],
    )
    await transaction.execute(
        "UPDATE return_ticket SET created_at = ? WHERE number = ?", [created, ticket["number"]]
    )
    return str(ticket["number"])


@pytest.fixture
async def returns(desk: Desk) -> None:
    await _order(desk, "O1", [("SKU-1", 4, "99.00")], "SF", utc(2025, 3, 3, 10))
    await _order(desk, "O2", [("SKU-2", 6, "50.00")], "SF", utc(2025, 3, 10, 9))
    await _order(desk, "O3", [("SKU-1", 2, "99.00")], "YTO", utc(2025, 4, 1, 12))
    await _ticket(desk, "O1", "SKU-1", 2, utc(2025, 3, 4, 8))
    await _ticket(desk, "O1", "SKU-1", 1, utc(2025, 3, 12))
    declined = await _ticket(desk, "O2", "SKU-2", 3, utc(2025, 3, 12))
    await desk.do("declineReturn", CS, ticketNumber=declined, code="OTHER", note="No")
    await _ticket(desk, "O3", "SKU-1", 1, utc(2025, 4, 2))


async def _buckets(gql, actor, interval: str | None, **filter: Any) -> list[tuple[Any, ...]]:
    variables: dict[str, Any] = {"filter": filter}
    if interval is not None:
        variables["interval"] = interval
    body = await gql(OVER_TIME, variables, actor)
    assert "errors" not in body, body
    return [
        (
            datetime.fromisoformat(p["periodStart"]),
            p["tickets"],
            p["returnedUnits"],
            p["shippedUnits"],
            p["returnRate"],
        )
        for p in body["data"]["returnAnalytics"]["overTime"]
    ]


async def test_months_by_default_with_the_rate_of_each(gql, actors, returns):
    found = await _buckets(
        gql,
        actors[Role.SUPERVISOR],
        None,
        createdFrom="2025-03-01T00:00:00+00:00",
        createdTo="2025-05-01T00:00:00+00:00",
    )
    assert found == [
        # T1 2 + T2 1 units (T3 declined) against O1 4 + O2 6 shipped
        (utc(2025, 3, 1), 2, 3, 10, pytest.approx(0.3)),
        (utc(2025, 4, 1), 1, 1, 2, pytest.approx(0.5)),
    ]


async def test_iso_weeks_start_on_monday(gql, actors, returns):
    found = await _buckets(
        gql,
        actors[Role.CS_MANAGER],
        "WEEK",
        createdFrom="2025-03-03T00:00:00+00:00",
        createdTo="2025-03-17T00:00:00+00:00",
    )
    assert found == [
        (utc(2025, 3, 3), 1, 2, 4, pytest.approx(0.5)),
        (utc(2025, 3, 10), 1, 1, 6, pytest.approx(1 / 6)),
    ]


async def test_every_day_is_listed_and_nothing_shipped_has_no_rate(gql, actors, returns):
    found = await _buckets(
        gql,
        actors[Role.ADMIN],
        "DAY",
        createdFrom="2025-03-03T00:00:00+00:00",
        createdTo="2025-03-06T00:00:00+00:00",
    )
    assert found == [
        (utc(2025, 3, 3), 0, 0, 4, 0.0),
        (utc(2025, 3, 4), 1, 2, 0, None),
        (utc(2025, 3, 5), 0, 0, 0, None),
    ]


async def test_buckets_are_utc_whatever_the_zone_of_the_period(gql, actors, returns):
    # 4 March 12:00 UTC given as 20:00 in UTC+8: March starts on the 1st, and counts only
    # what happened after that moment (T2, and O2's shipment)
    found = await _buckets(
        gql,
        actors[Role.ADMIN],
        "MONTH",
        createdFrom="2025-03-04T20:00:00+08:00",
        createdTo="2025-03-31T00:00:00+00:00",
    )
    assert found == [(utc(2025, 3, 1), 1, 1, 6, pytest.approx(1 / 6))]


async def test_without_a_start_the_period_starts_at_the_first_ticket(gql, actors, returns):
    found = await _buckets(gql, actors[Role.ADMIN], "MONTH")
    assert found[0][0] == utc(2025, 3, 1)
    now = datetime.now(UTC)
    assert found[-1][0] == utc(now.year, now.month, 1)
    assert len(found) == (now.year - 2025) * 12 + now.month - 3 + 1
    assert sum(p[2] for p in found) == 4  # every returned unit once
    assert sum(p[3] for p in found) == 12  # every unit shipped since March 2025
    # a filter that leaves every ticket out has no period to show
    assert await _buckets(gql, actors[Role.ADMIN], "MONTH", warehouseCode="W1", sku="SKU-3") == []


async def test_a_warehouse_without_returns_still_lists_its_zero_buckets(gql, actors, returns):
    await Warehouse.create(code="W2", name="Second", kind=WarehouseKind.OWN)
    found = await _buckets(
        gql,
        actors[Role.ADMIN],
        "MONTH",
        createdFrom="2025-03-01T00:00:00+00:00",
        createdTo="2025-05-01T00:00:00+00:00",
        warehouseCode="W2",
    )
    assert found == [(utc(2025, 3, 1), 0, 0, 0, None), (utc(2025, 4, 1), 0, 0, 0, None)]


@pytest.mark.parametrize(
    ("interval", "filter"),
    [
        # 425 days
        ("DAY", {"createdFrom": "2025-01-01T00:00:00+00:00", "createdTo": "2026-03-02T00:00:00Z"}),
        # from March 2025 to now: more than 400 days
        ("DAY", {}),
    ],
)
async def test_more_than_400_buckets_is_bad_user_input(gql, actors, returns, interval, filter):
    body = await gql(OVER_TIME, {"filter": filter, "interval": interval}, actors[Role.ADMIN])
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "interval"
    assert "more than 400 days" in error["message"]

"""The custody-fee statement (issue 5, item 5) against a ledger worked out by hand.

Custodian 顺达仓储 keeps CG1 (0.0500 per unit-day, bins CG1-A, CG1-B) and CG2 (0.1000,
bin CG2-A); CG3 belongs to another custodian (1.0000) and W1 is our own warehouse. The
period is September 2026: 30 days = 2,592,000 s. Movements (booked through the API with
the ledger's clock set):

  Aug 15         receive 10 SKU-1 into CG1-A                      opening CG1/SKU-1 10
  Aug 20         receive  6 SKU-2 into CG2-A, 5 SKU-1 into W1      opening CG2/SKU-2  6
  Aug 25         receive 100 SKU-1 into CG3                        another custodian's
  Sep  5 00:00   transfer 5 SKU-1 W1 -> CG1-A     in   +5 x 26 days      = 130
  Sep 10 12:00   receive 4 SKU-1 into CG1-A       in   +4 x 20.5 days    =  82
  Sep 15 00:00   transfer 2 SKU-1 CG1-A -> CG1-B  inside one warehouse: nothing
  Sep 20 06:00   ship 3 SKU-1 from CG1-A          out  -3 x 10.75 days   = -32.25
  Sep 25 18:00   transfer 2 SKU-2 CG2-A -> CG1-A  CG2 -2 x 5.25 = -10.5, CG1 +10.5
  Sep 30 23:59:59.6  receive 1 SKU-2 into CG2-A   in   +1 x 1 second (whole seconds)
  Oct  5         receive 7 SKU-1 into CG1-A       after the period

  CG1 SKU-1: 10 x 30 + 130 + 82 - 32.25 = 479.7500 unit-days x 0.05 = 23.9875 -> 23.99
  CG1 SKU-2: 10.5000 x 0.05 = 0.525 -> 0.53 (half-up)
  CG2 SKU-2: 6 x 30 - 10.5 + 1/86,400 = 169.50001 -> 169.5000 x 0.10 = 16.95
  statement: 659.7500 unit-days, 41.47
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import WarehouseKind, ZoneKind
from backend.persistence import models as m
from backend.persistence.queries.custody import Plan
from backend.services.inventory import custody
from tests.api.ledger_helpers import RECEIVE, SHIP, TRANSFER, ledger_ok, mutate

CUSTODIAN = "顺达仓储"
FROM, TO = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)

STATEMENT = """
query($c: String!, $from: DateTime!, $to: DateTime!, $first: Int, $after: String) {
  custodyFeeStatement(custodian: $c, periodFrom: $from, periodTo: $to) {
    custodian periodFrom periodTo unitDays amount
    lines { warehouse { code } product { sku } openingUnits closingUnits unitsIn unitsOut
            unitDays feePerUnitDay amount }
    movements(first: $first, after: $after) {
      edges { cursor node { warehouse { code } quantity movedAt unitDays
                            movement { kind product { sku } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


class LedgerClock:
    def __init__(self) -> None:
        self.value = datetime.now(UTC)


@pytest.fixture
def ledger_clock(monkeypatch: pytest.MonkeyPatch) -> LedgerClock:
    found = LedgerClock()

    class AnyDatetime(type):
        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, datetime)  # PostgreSQL answers real datetimes

    class Frozen(datetime, metaclass=AnyDatetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return found.value

    import backend.persistence.repositories.stock as stock_repo

    monkeypatch.setattr(stock_repo, "datetime", Frozen)
    return found


async def _warehouse(code: str, custodian: str, fee: str | None, kind=WarehouseKind.CONSIGNMENT):
    warehouse = await m.Warehouse.create(
        code=code,
        name=code,
        kind=kind,
        custodian=custodian,
        custody_fee_per_unit_day=Decimal(fee) if fee else None,
    )
    zone = await m.Zone.create(warehouse=warehouse, code="A", kind=ZoneKind.SELLABLE)
    for suffix in ("A", "B"):
        await m.Location.create(
            code=f"{code}-{suffix}", zone=zone, warehouse=warehouse, zone_kind=ZoneKind.SELLABLE
        )
    return warehouse


@pytest.fixture
async def ledger(gql, actors, catalogue, ledger_clock) -> None:
    await _warehouse("CG1", CUSTODIAN, "0.0500")
    await _warehouse("CG2", CUSTODIAN, "0.1000")
    await _warehouse("CG3", "Other Storage", "1.0000")
    admin = actors[Role.ADMIN]
    own = catalogue.bin(ZoneKind.SELLABLE)

    async def at(moment: datetime, document: str, **fields: Any) -> None:
        ledger_clock.value = moment
        payload = await mutate(gql, document, admin, **fields)
        assert payload["userErrors"] == [], payload

    def day(d: int, h: int = 0, month: int = 9, s: int = 0, us: int = 0) -> datetime:
        return datetime(2026, month, d, h, 0 if not s else 59, s, us, tzinfo=UTC)

    await at(day(15, month=8), RECEIVE, sku="SKU-1", locationCode="CG1-A", quantity=10)
    await at(day(20, month=8), RECEIVE, sku="SKU-2", locationCode="CG2-A", quantity=6)
    await at(day(20, month=8), RECEIVE, sku="SKU-1", locationCode=own, quantity=5)
    await at(day(25, month=8), RECEIVE, sku="SKU-1", locationCode="CG3-A", quantity=100)
    await at(
        day(5), TRANSFER, sku="SKU-1", fromLocationCode=own, toLocationCode="CG1-A", quantity=5
    )
    await at(day(10, 12), RECEIVE, sku="SKU-1", locationCode="CG1-A", quantity=4)
    await at(
        day(15), TRANSFER, sku="SKU-1", fromLocationCode="CG1-A", toLocationCode="CG1-B", quantity=2
    )
    await at(day(20, 6), SHIP, sku="SKU-1", locationCode="CG1-A", quantity=3)
    await at(
        day(25, 18),
        TRANSFER,
        sku="SKU-2",
        fromLocationCode="CG2-A",
        toLocationCode="CG1-A",
        quantity=2,
    )
    await at(day(30, 23, s=59, us=600_000), RECEIVE, sku="SKU-2", locationCode="CG2-A", quantity=1)
    await at(day(5, month=10), RECEIVE, sku="SKU-1", locationCode="CG1-A", quantity=7)
    assert await ledger_ok(gql, admin)


EXPECTED_LINES = [
    {
        "warehouse": {"code": "CG1"},
        "product": {"sku": "SKU-1"},
        "openingUnits": 10,
        "closingUnits": 16,
        "unitsIn": 9,
        "unitsOut": 3,
        "unitDays": "479.7500",
        "feePerUnitDay": "0.0500",
        "amount": "23.99",
    },
    {
        "warehouse": {"code": "CG1"},
        "product": {"sku": "SKU-2"},
        "openingUnits": 0,
        "closingUnits": 2,
        "unitsIn": 2,
        "unitsOut": 0,
        "unitDays": "10.5000",
        "feePerUnitDay": "0.0500",
        "amount": "0.53",
    },
    {
        "warehouse": {"code": "CG2"},
        "product": {"sku": "SKU-2"},
        "openingUnits": 6,
        "closingUnits": 5,
        "unitsIn": 1,
        "unitsOut": 2,
        "unitDays": "169.5000",
        "feePerUnitDay": "0.1000",
        "amount": "16.95",
    },
]


async def _statement(gql, actor, **variables: Any) -> dict[str, Any]:
    body = await gql(
        STATEMENT,
        {"c": CUSTODIAN, "from": FROM.isoformat(), "to": TO.isoformat(), **variables},
        actor,
    )
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["custodyFeeStatement"]
    return found


async def test_the_statement_matches_the_ledger_worked_out_by_hand(gql, actors, ledger):
    found = await _statement(gql, actors[Role.FINANCE], first=100)
    assert found["custodian"] == CUSTODIAN
    assert datetime.fromisoformat(found["periodFrom"]) == FROM
    assert datetime.fromisoformat(found["periodTo"]) == TO
    assert found["lines"] == EXPECTED_LINES
    assert (found["unitDays"], found["amount"]) == ("659.7500", "41.47")


@pytest.mark.parametrize("page", [1, 2, 100])
async def test_the_movements_behind_it_each_with_its_unit_days(gql, actors, ledger, page):
    moves = []
    after = None
    for _ in range(8):
        found = await _statement(gql, actors[Role.SUPERVISOR], first=page, after=after)
        connection = found["movements"]
        moves += [edge["node"] for edge in connection["edges"]]
        after = connection["pageInfo"]["endCursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
    assert [
        (
            n["warehouse"]["code"],
            n["movement"]["product"]["sku"],
            n["movement"]["kind"],
            n["quantity"],
            n["unitDays"],
        )
        for n in moves
    ] == [
        ("CG1", "SKU-1", "TRANSFER", 5, "130.0000"),
        ("CG1", "SKU-1", "RECEIPT", 4, "82.0000"),
        ("CG1", "SKU-1", "SHIPMENT", -3, "-32.2500"),
        ("CG1", "SKU-2", "TRANSFER", 2, "10.5000"),  # out of CG2 into CG1: both sides
        ("CG2", "SKU-2", "TRANSFER", -2, "-10.5000"),
        ("CG2", "SKU-2", "RECEIPT", 1, "0.0000"),  # one unit-second
    ]
    assert datetime.fromisoformat(moves[1]["movedAt"]) == datetime(2026, 9, 10, 12, tzinfo=UTC)


async def test_both_ways_to_the_opening_units_give_the_same_statement(db, ledger):
    before = await custody.statement(CUSTODIAN, FROM, TO, plan=Plan.BEFORE)
    after = await custody.statement(CUSTODIAN, FROM, TO, plan=Plan.AFTER)
    assert before.lines == after.lines
    assert before.totals == after.totals
    assert [line.amount for line in before.lines] == [
        Decimal("23.99"),
        Decimal("0.53"),
        Decimal("16.95"),
    ]


async def test_a_period_before_anything_happened_has_no_lines(gql, actors, ledger):
    body = await gql(
        STATEMENT,
        {"c": CUSTODIAN, "from": "2026-07-01T00:00:00Z", "to": "2026-08-01T00:00:00Z"},
        actors[Role.ADMIN],
    )
    found = body["data"]["custodyFeeStatement"]
    assert (found["lines"], found["unitDays"], found["amount"]) == ([], "0.0000", "0.00")
    assert found["movements"]["edges"] == []


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"c": "Nobody Storage"}, "custodian"),
        ({"to": "2026-09-01T00:00:00Z"}, "periodTo"),
        ({"from": "2025-01-01T00:00:00Z"}, "periodTo"),
    ],
    ids=["unknown custodian", "empty period", "over a year"],
)
async def test_a_bad_request_is_refused_by_name(gql, actors, ledger, variables, field):
    base = {"c": CUSTODIAN, "from": FROM.isoformat(), "to": TO.isoformat()}
    body = await gql(STATEMENT, base | variables, actors[Role.FINANCE])
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field


async def test_the_floor_may_not_read_custody_fees(gql, actors, ledger):
    body = await gql(
        STATEMENT,
        {"c": CUSTODIAN, "from": FROM.isoformat(), "to": TO.isoformat()},
        actors[Role.WAREHOUSE],
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

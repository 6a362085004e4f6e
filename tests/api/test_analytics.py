"""Return analytics (issue 5, item 2): every figure against a hand-computed expectation, on a
small set of tickets taken through the real services with controlled clocks.

The data (prices: SKU-1 99.00, SKU-2 50.00, SKU-3 80.00; SKU-1 from supplier SUP-A, SKU-3 in
category SHOES, the rest APPAREL):

  shipments  O1: SKU-1 x4, SF, at A+100     O2: SKU-2 x3, SF, at A-1d
             O3: SKU-3 x2 + SKU-1 x1, YTO, at A-1d                      -> 10 units shipped
  tickets (created at base; events at base + seconds)
  T1  A+1000   O1 SKU-1 x3  QUALITY_DEFECT  approve +100, arrive +1000, QC +1600 (2 A
               passed, 1 C failed PRODUCT), refunds 200.00 at +1900 and 97.00 at +2000,
               closed +5000; fee 12.50 paid by the merchant
  T2  A+20000  O2 SKU-2 x2  CHANGED_MIND    approve +200, arrive +2000, QC +3000 (1 B
               passed, 1 C failed CUSTOMER), refund 92.00 at +3400, closed +8000; fee 8.00
               paid by the customer
  T3  A+40000  O3 SKU-3 x1  QUALITY_DEFECT  declined +300 (not a returned unit)
  T4  A+60000  O3 SKU-1 x1  WRONG_SIZE      approved +400
  T5  A+80000  O2 SKU-2 x1  WRONG_SIZE      an exchange, still requested
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import WarehouseKind, ZoneKind
from backend.persistence import models as m
from backend.persistence import transaction
from backend.persistence.queries import analytics as analytics_queries
from tests.api.ledger_helpers import receive
from tests.api.returns_helpers import Desk, freeze_ticket_clock

CS, WH, QC, LOG, FIN = (
    Role.CUSTOMER_SERVICE,
    Role.WAREHOUSE,
    Role.QC,
    Role.LOGISTICS,
    Role.FINANCE,
)
DAY = 86_400


class Clock:
    """What `datetime.now` answers in the modules that stamp history rows and refunds."""

    def __init__(self) -> None:
        self.value = datetime.now(UTC)

    def at(self, moment: datetime) -> None:
        self.value = moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()

    freeze_ticket_clock(monkeypatch, lambda: found.value)
    return found


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


A = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)


async def _order(
    desk: Desk, number: str, lines: list[tuple[str, int, str]], courier: str, shipped: datetime
) -> None:
    admin = desk.actors[Role.ADMIN]
    sellable = desk.catalogue.bin(ZoneKind.SELLABLE)
    for sku, quantity, _ in lines:
        await receive(desk.gql, admin, sku, sellable, quantity)
    body = await desk.gql(
        "mutation($input: CreateOrderInput!) { createOrder(input: $input) {"
        " userErrors { code } } }",
        {
            "input": {
                "idempotencyKey": f"order-{number}",
                "number": number,
                "customer": {"name": "陈晓", "phone": "13800000001", "address": "上海市"},
                "lines": [
                    {"sku": sku, "quantity": quantity, "unitPricePaid": price}
                    for sku, quantity, price in lines
                ],
                "placedAt": (shipped - timedelta(hours=1)).isoformat(),
            }
        },
        desk.actors[Role.PARTNER],
    )
    assert body["data"]["createOrder"]["userErrors"] == [], body
    body = await desk.gql(
        "mutation($input: RecordShipmentInput!) { recordShipment(input: $input) {"
        " userErrors { code message } } }",
        {
            "input": {
                "idempotencyKey": f"ship-{number}",
                "orderNumber": number,
                "waybill": f"WB-{number}",
                "courier": courier,
                "shippedAt": shipped.isoformat(),
                "lines": [
                    {"sku": sku, "locationCode": sellable, "quantity": quantity}
                    for sku, quantity, _ in lines
                ],
            }
        },
        admin,
    )
    assert body["data"]["recordShipment"]["userErrors"] == [], body
    body = await desk.gql(
        "mutation($input: MarkDeliveredInput!) { markDelivered(input: $input) {"
        " userErrors { code message } } }",
        {
            "input": {
                "waybill": f"WB-{number}",
                "deliveredAt": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
            }
        },
        desk.actors[Role.LOGISTICS],
    )
    assert body["data"]["markDelivered"]["userErrors"] == [], body


async def _request(
    desk: Desk,
    clock: Clock,
    base: datetime,
    order: str,
    sku: str,
    quantity: int,
    reason: str,
    kind: str = "RETURN",
) -> str:
    clock.at(base)
    line: dict[str, Any] = {"sku": sku, "quantity": quantity}
    if kind == "EXCHANGE":
        line["wantedSku"] = "SKU-3"
    ticket = await desk.do(
        "requestReturn",
        Role.PARTNER,
        orderNumber=order,
        kind=kind,
        reasonCode=reason,
        details="analytics",
        lines=[line],
        returnWaybill=f"BACK-{order}-{sku}",
        returnCourier="YTO",
    )
    number: str = ticket["number"]
    await transaction.execute(
        "UPDATE return_ticket SET created_at = ? WHERE number = ?", [base, number]
    )
    return number


def _results(ticket: dict[str, Any], *verdicts: tuple[int, bool, str | None, str, list[str]]):
    return [
        {
            "lineId": ticket["lines"][0]["id"],
            "quantity": quantity,
            "passed": passed,
            "grade": grade,
            "responsibility": responsibility,
            "defectTags": tags,
        }
        for quantity, passed, grade, responsibility, tags in verdicts
    ]


async def _through_qc(
    desk: Desk,
    clock: Clock,
    base: datetime,
    number: str,
    *,
    arrive: int,
    qc: int,
    fee: str,
    code: str,
    verdicts: list[tuple[int, bool, str | None, str, list[str]]],
) -> dict[str, Any]:
    clock.at(base + timedelta(seconds=arrive))
    await desk.do("registerParcel", WH, code=code, courier="YTO", shippingFee=fee)
    unpacked = await desk.do(
        "unpackReturn",
        WH,
        ticketNumber=number,
        pendingLocationCode=desk.catalogue.bin(ZoneKind.PENDING),
    )
    quantity = sum(v[0] for v in verdicts)
    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=_results(unpacked, (quantity, True, None, "UNKNOWN", [])),
    )
    clock.at(base + timedelta(seconds=qc))
    await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=_results(unpacked, *verdicts),
    )
    return await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")


BASES = {
    name: A + timedelta(seconds=s)
    for name, s in {"T1": 1000, "T2": 20000, "T3": 40000, "T4": 60000, "T5": 80000}.items()
}


@pytest.fixture
async def returns(desk: Desk, clock: Clock, catalogue) -> dict[str, str]:
    """The tickets of the module docstring, by name."""
    shoes = await m.Category.create(code="SHOES", name_zh="鞋", name_en="Shoes")
    supplier = await m.Supplier.create(code="SUP-A", name="Supplier A")
    await m.Product.filter(sku="SKU-1").update(supplier_id=supplier.id)
    await m.Product.filter(sku="SKU-3").update(category_id=shoes.id, unit_price=Decimal("80"))
    await m.Warehouse.create(code="W2", name="Second", kind=WarehouseKind.OWN)
    await _order(desk, "O1", [("SKU-1", 4, "99.00")], "SF", A + timedelta(seconds=100))
    await _order(desk, "O2", [("SKU-2", 3, "50.00")], "SF", A - timedelta(days=1))
    await _order(
        desk, "O3", [("SKU-3", 2, "80.00"), ("SKU-1", 1, "99.00")], "YTO", A - timedelta(days=1)
    )
    t = {}
    b = BASES

    t["T1"] = await _request(desk, clock, b["T1"], "O1", "SKU-1", 3, "QUALITY_DEFECT")
    clock.at(b["T1"] + timedelta(seconds=100))
    await desk.do("approveReturn", CS, ticketNumber=t["T1"])
    accepted = await _through_qc(
        desk,
        clock,
        b["T1"],
        t["T1"],
        arrive=1000,
        qc=1600,
        fee="12.50",
        code="BACK-O1-SKU-1",
        verdicts=[(2, True, "A", "UNKNOWN", []), (1, False, "C", "PRODUCT", ["SEAM"])],
    )
    assert Decimal(accepted["refundDue"]) == Decimal("297.00")
    clock.at(b["T1"] + timedelta(seconds=1900))
    await desk.do("issueRefund", FIN, ticketNumber=t["T1"], amount="200.00")
    clock.at(b["T1"] + timedelta(seconds=2000))
    await desk.do("issueRefund", FIN, ticketNumber=t["T1"], amount="97.00")
    clock.at(b["T1"] + timedelta(seconds=5000))
    closed = await desk.do("closeTicket", CS, ticketNumber=t["T1"], reason="Called")
    assert closed["status"] == "CLOSED"

    t["T2"] = await _request(desk, clock, b["T2"], "O2", "SKU-2", 2, "CHANGED_MIND")
    clock.at(b["T2"] + timedelta(seconds=200))
    await desk.do("approveReturn", CS, ticketNumber=t["T2"])
    accepted = await _through_qc(
        desk,
        clock,
        b["T2"],
        t["T2"],
        arrive=2000,
        qc=3000,
        fee="8.00",
        code="BACK-O2-SKU-2",
        verdicts=[(1, True, "B", "UNKNOWN", []), (1, False, "C", "CUSTOMER", ["STAIN"])],
    )
    assert Decimal(accepted["refundDue"]) == Decimal("92.00")  # 2 x 50.00 less 8.00
    clock.at(b["T2"] + timedelta(seconds=3400))
    await desk.do("issueRefund", FIN, ticketNumber=t["T2"], amount="92.00")
    clock.at(b["T2"] + timedelta(seconds=8000))
    closed = await desk.do("closeTicket", CS, ticketNumber=t["T2"], reason="Called")
    assert closed["status"] == "CLOSED"

    t["T3"] = await _request(desk, clock, b["T3"], "O3", "SKU-3", 1, "QUALITY_DEFECT")
    clock.at(b["T3"] + timedelta(seconds=300))
    await desk.do("declineReturn", CS, ticketNumber=t["T3"], code="OTHER", note="No photos")

    t["T4"] = await _request(desk, clock, b["T4"], "O3", "SKU-1", 1, "WRONG_SIZE")
    clock.at(b["T4"] + timedelta(seconds=400))
    await desk.do("approveReturn", CS, ticketNumber=t["T4"])

    t["T5"] = await _request(desk, clock, b["T5"], "O2", "SKU-2", 1, "WRONG_SIZE", "EXCHANGE")
    return t


EVERYTHING = """
query($filter: AnalyticsFilter!) {
  returnAnalytics(filter: $filter) {
    totals { tickets units shippedUnits returnRate }
    byReason: pareto(dimension: REASON) { ...row }
    byProduct: pareto(dimension: PRODUCT) { ...row }
    byCategory: pareto(dimension: CATEGORY) { ...row }
    byCourier: pareto(dimension: COURIER) { ...row }
    bySupplier: pareto(dimension: SUPPLIER) { ...row }
    inspections {
      outcomes { stage units passedUnits failedUnits passRate }
      gradedUnits grades { grade units share }
      customerDamage { inspectedUnits customerUnits share }
    }
    cycleTimes { stage tickets medianSeconds p90Seconds averageSeconds }
  }
  returnMoneyAnalytics(filter: $filter) {
    shippingFees { payer tickets amount }
    refunds { refunds tickets amount }
  }
}
fragment row on ParetoRow {
  key nameEn units tickets shippedUnits share cumulativeShare returnRate
}
"""


async def _figures(gql, actor, **filter: Any) -> dict[str, Any]:
    body = await gql(EVERYTHING, {"filter": filter}, actor)
    assert "errors" not in body, body
    return {**body["data"]["returnAnalytics"], "money": body["data"]["returnMoneyAnalytics"]}


def _rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            r["key"],
            r["units"],
            r["tickets"],
            r["shippedUnits"],
            pytest.approx(r["share"]),
            pytest.approx(r["cumulativeShare"]),
            None if r["returnRate"] is None else pytest.approx(r["returnRate"]),
        )
        for r in rows
    ]


def _expected(*rows: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return [
        (key, units, tickets, shipped, share, cumulative, rate)
        for key, units, tickets, shipped, share, cumulative, rate in rows
    ]


def _stages(figures: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        s["stage"]: (s["tickets"], s["medianSeconds"], s["p90Seconds"], s["averageSeconds"])
        for s in figures["cycleTimes"]
    }


async def test_every_figure_matches_the_hand_computed_numbers(gql, actors, returns):
    f = await _figures(gql, actors[Role.SUPERVISOR])
    # T1 3 + T2 2 + T4 1 + T5 1 returned units (T3 was declined) of 10 shipped
    assert f["totals"] == {"tickets": 4, "units": 7, "shippedUnits": 10, "returnRate": 0.7}

    # Pareto: units desc, ties by tickets; shares of 7, cumulative; rates against shipped
    assert _rows(f["byReason"]) == _expected(
        ("QUALITY_DEFECT", 3, 1, 10, 3 / 7, 3 / 7, 0.3),
        ("WRONG_SIZE", 2, 2, 10, 2 / 7, 5 / 7, 0.2),
        ("CHANGED_MIND", 2, 1, 10, 2 / 7, 1.0, 0.2),
    )
    assert f["byReason"][0]["nameEn"] == "Product defect"
    assert _rows(f["byProduct"]) == _expected(
        ("SKU-1", 4, 2, 5, 4 / 7, 4 / 7, 0.8),
        ("SKU-2", 3, 2, 3, 3 / 7, 1.0, 1.0),
    )
    assert _rows(f["byCategory"]) == _expected(("APPAREL", 7, 4, 8, 1.0, 1.0, 7 / 8))
    assert _rows(f["byCourier"]) == _expected(
        ("SF", 6, 3, 7, 6 / 7, 6 / 7, 6 / 7),
        ("YTO", 1, 1, 3, 1 / 7, 1.0, 1 / 3),
    )
    # SKU-2 has no supplier: its group is null, compared with SKU-2 and SKU-3 shipped
    assert _rows(f["bySupplier"]) == _expected(
        ("SUP-A", 4, 2, 5, 4 / 7, 4 / 7, 0.8),
        (None, 3, 2, 5, 3 / 7, 1.0, 0.6),
    )

    inspections = f["inspections"]
    assert inspections["outcomes"] == [
        {"stage": "INITIAL", "units": 5, "passedUnits": 5, "failedUnits": 0, "passRate": 1.0},
        {"stage": "QC", "units": 5, "passedUnits": 3, "failedUnits": 2, "passRate": 0.6},
    ]
    assert inspections["gradedUnits"] == 5
    assert inspections["grades"] == [
        {"grade": "A", "units": 2, "share": 0.4},
        {"grade": "B", "units": 1, "share": 0.2},
        {"grade": "C", "units": 2, "share": 0.4},
    ]
    assert inspections["customerDamage"] == {
        "inspectedUnits": 5,
        "customerUnits": 1,
        "share": 0.2,
    }

    # nearest rank: median = ceil(n/2)-th, p90 = ceil(0.9 n)-th smallest
    assert _stages(f) == {
        # 100, 200, 300, 400: ranks 2 and 4
        "APPLICATION_TO_DECISION": (4, 200.0, 400.0, 250.0),
        # 600, 1000: ranks 1 and 2
        "ARRIVAL_TO_QC": (2, 600.0, 1000.0, 800.0),
        # 1900 - 1600, 3400 - 3000
        "QC_TO_REFUND": (2, 300.0, 400.0, 350.0),
        "WHOLE_TICKET": (2, 5000.0, 8000.0, 6500.0),
    }

    assert f["money"] == {
        "shippingFees": [
            # T2 8.00, T4 and T5 nothing (customer reasons); T3 declined is left out
            {"payer": "CUSTOMER", "tickets": 3, "amount": "8.00"},
            {"payer": "MERCHANT", "tickets": 1, "amount": "12.50"},
        ],
        "refunds": {"refunds": 3, "tickets": 2, "amount": "389.00"},
    }


async def test_each_filter_narrows_the_set(gql, actors, returns):
    boss = actors[Role.CS_MANAGER]
    # the period: T1 and T2; shipments of O1 only
    f = await _figures(
        gql,
        boss,
        createdFrom=A.isoformat(),
        createdTo=(A + timedelta(seconds=30000)).isoformat(),
    )
    assert f["totals"] == {"tickets": 2, "units": 5, "shippedUnits": 4, "returnRate": 1.25}
    # 100, 200: the median is the 1st, p90 the 2nd
    assert _stages(f)["APPLICATION_TO_DECISION"] == (2, 100.0, 200.0, 150.0)
    # the same instant in another time zone is the same period
    east = A.astimezone(timezone(timedelta(hours=8)))
    f8 = await _figures(
        gql,
        boss,
        createdFrom=east.isoformat(),
        createdTo=(east + timedelta(seconds=30000)).isoformat(),
    )
    assert f8["totals"] == f["totals"]

    f = await _figures(gql, boss, sku="SKU-1")
    assert f["totals"] == {"tickets": 2, "units": 4, "shippedUnits": 5, "returnRate": 0.8}
    assert [r["key"] for r in f["byProduct"]] == ["SKU-1"]
    assert f["inspections"]["grades"] == [
        {"grade": "A", "units": 2, "share": 2 / 3},
        {"grade": "B", "units": 0, "share": 0.0},
        {"grade": "C", "units": 1, "share": 1 / 3},
    ]
    assert f["inspections"]["customerDamage"]["share"] == 0.0
    assert f["money"]["refunds"] == {"refunds": 2, "tickets": 1, "amount": "297.00"}

    f = await _figures(gql, boss, categoryCode="SHOES")
    assert f["totals"] == {"tickets": 0, "units": 0, "shippedUnits": 2, "returnRate": 0.0}
    assert f["byProduct"] == []
    assert _stages(f)["APPLICATION_TO_DECISION"] == (1, 300.0, 300.0, 300.0)  # T3
    assert _stages(f)["WHOLE_TICKET"] == (0, None, None, None)

    f = await _figures(gql, boss, reasonCode="CHANGED_MIND")
    assert f["totals"] == {"tickets": 1, "units": 2, "shippedUnits": 10, "returnRate": 0.2}
    assert f["money"]["shippingFees"][0] == {"payer": "CUSTOMER", "tickets": 1, "amount": "8.00"}
    assert f["money"]["shippingFees"][1] == {"payer": "MERCHANT", "tickets": 0, "amount": "0.00"}
    assert f["money"]["refunds"] == {"refunds": 1, "tickets": 1, "amount": "92.00"}

    f = await _figures(gql, boss, kinds=["EXCHANGE"])
    assert f["totals"]["units"] == 1
    assert [r["key"] for r in f["byReason"]] == ["WRONG_SIZE"]

    f = await _figures(gql, boss, sources=["REFUSED"])
    assert f["totals"]["units"] == 0
    assert f["inspections"]["outcomes"][1]["units"] == 0

    f = await _figures(gql, boss, warehouseCode="W1")
    assert f["totals"] == {"tickets": 4, "units": 7, "shippedUnits": 10, "returnRate": 0.7}
    f = await _figures(gql, boss, warehouseCode="W2")
    assert f["totals"] == {"tickets": 0, "units": 0, "shippedUnits": 0, "returnRate": None}
    assert f["money"]["refunds"] == {"refunds": 0, "tickets": 0, "amount": "0.00"}


async def test_the_figures_are_sql_aggregates_one_statement_each(
    gql, actors, returns, monkeypatch: pytest.MonkeyPatch
):
    """No per-ticket work: every figure is one statement, whatever the number of tickets."""
    statements: list[str] = []
    real = analytics_queries.transaction

    class Counting:
        current = staticmethod(real.current)
        postgres = staticmethod(real.postgres)

        @staticmethod
        async def fetch(sql: str, values: Any = ()) -> list[dict[str, Any]]:
            statements.append(sql)
            return await real.fetch(sql, values)

    monkeypatch.setattr(analytics_queries, "transaction", Counting)
    await _figures(gql, actors[Role.ADMIN], sku="SKU-1")
    # the SKU looked up once per root field; totals, five Pareto lists, inspections, cycle
    # times, fees, refunds
    assert len(statements) == 2 + 1 + 5 + 1 + 1 + 1 + 1


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        (
            {"createdFrom": "2026-02-01T00:00:00+00:00", "createdTo": "2026-01-01T00:00:00+00:00"},
            "createdFrom must be before createdTo",
        ),
        ({"sku": "NO-SUCH-SKU"}, "No sku NO-SUCH-SKU"),
        ({"warehouseCode": "W9"}, "No warehouseCode W9"),
        ({"categoryCode": "NOPE"}, "No categoryCode NOPE"),
        ({"reasonCode": "NOPE"}, "No reasonCode NOPE"),
        ({"sku": "bad code!"}, "letters, digits"),
    ],
)
async def test_a_bad_filter_is_bad_user_input(gql, actors, catalogue, filter, message):
    for field in (
        "returnAnalytics { totals { units } }",
        "returnMoneyAnalytics { refunds { amount } }",
    ):
        name, selection = field.split(" ", 1)
        body = await gql(
            f"query($f: AnalyticsFilter!) {{ {name}(filter: $f) {selection} }}",
            {"f": filter},
            actors[Role.ADMIN],
        )
        assert body["data"] is None, body
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
        assert message in error["message"]


async def test_a_pareto_list_is_capped(gql, actors, returns):
    query = (
        "query($n: Int) { returnAnalytics(filter: {}) {"
        " pareto(dimension: PRODUCT, first: $n) { key cumulativeShare } } }"
    )
    body = await gql(query, {"n": 1}, actors[Role.SUPERVISOR])
    assert body["data"]["returnAnalytics"]["pareto"] == [
        {"key": "SKU-1", "cumulativeShare": pytest.approx(4 / 7)}
    ]
    body = await gql(query, {"n": 0}, actors[Role.SUPERVISOR])
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("role", "figures", "money"),
    [
        (Role.ADMIN, True, True),
        (Role.SUPERVISOR, True, True),
        (Role.CS_MANAGER, True, True),
        (Role.CS_DIRECTOR, True, True),
        (Role.FINANCE, False, True),
        (Role.CUSTOMER_SERVICE, False, False),
        (Role.WAREHOUSE, False, False),
        (Role.QC, False, False),
        (Role.LOGISTICS, False, False),
        (Role.PARTNER, False, False),
    ],
)
async def test_who_may_read_the_analytics(gql, actors, catalogue, role, figures, money):
    for name, selection, allowed in (
        ("returnAnalytics", "totals { units }", figures),
        ("returnMoneyAnalytics", "refunds { amount }", money),
    ):
        body = await gql(f"{{ {name}(filter: {{}}) {{ {selection} }} }}", None, actors[role])
        if allowed:
            assert "errors" not in body, body
        else:
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body


SATISFACTION = """
query($filter: AnalyticsFilter!) { returnAnalytics(filter: $filter) { satisfaction {
  calls tickets reachedCalls unreachable ratedCalls averageScore scores { score calls } } } }
"""


async def test_satisfaction_is_averaged_over_the_reached_follow_up_calls(gql, actors, desk):
    from tests.api.test_follow_up import in_follow_up, recorded

    happy = await in_follow_up(desk, "SO-SAT-1")
    unhappy = await in_follow_up(desk, "SO-SAT-2")
    silent = await in_follow_up(desk, "SO-SAT-3")
    await recorded(desk, happy, reached=True, satisfaction=5, feedback="Great")
    await recorded(desk, unhappy, reached=False)  # no answer, then reached
    await recorded(desk, unhappy, reached=True, satisfaction=2, feedback="Slow refund")
    for _ in range(3):  # the third failed call ends it as unreachable
        await recorded(desk, silent, reached=False)

    body = await gql(SATISFACTION, {"filter": {}}, actors[Role.SUPERVISOR])
    assert "errors" not in body, body
    found = body["data"]["returnAnalytics"]["satisfaction"]
    assert {k: v for k, v in found.items() if k != "scores"} == {
        "calls": 6,
        "tickets": 3,
        "reachedCalls": 2,
        "unreachable": 1,
        "ratedCalls": 2,
        "averageScore": 3.5,
    }
    assert [s["calls"] for s in found["scores"]] == [0, 1, 0, 0, 1]  # scores 1..5
    # A filter that leaves the tickets out leaves their calls out.
    body = await gql(SATISFACTION, {"filter": {"reasonCode": "WRONG_SIZE"}}, actors[Role.ADMIN])
    assert body["data"]["returnAnalytics"]["satisfaction"]["calls"] == 0
    assert body["data"]["returnAnalytics"]["satisfaction"]["averageScore"] is None

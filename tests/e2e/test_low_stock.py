"""The low-stock list on the handheld: products at or below their reorder point with the
figures the API computes, and a product going low while the screen is open appears at once
(the lowStockAlert subscription), marked as new."""

from __future__ import annotations

from tests.e2e.flows import HeldList, gql, mutate, new_key, sellable_stock, shoot, sign_in

LEVELS = (
    "query($s: String) { stockLevels(filter: {sku: $s, zoneKind: SELLABLE}, first: 100)"
    " { nodes { available location { code warehouse { code } } } } }"
)
LOW = (
    "query($w: String) { lowStock(warehouseCode: $w, first: 100) { nodes {"
    " product { sku } warehouse { code } available reorderPoint suggestedQuantity } } }"
)


def sellable(server: str, sku: str, location: str) -> tuple[str, int]:
    """The warehouse of `location` and the product's available sellable units in it."""
    levels = gql(server, "admin", LEVELS, {"s": sku})["stockLevels"]["nodes"]
    warehouse = next(
        lv["location"]["warehouse"]["code"] for lv in levels if lv["location"]["code"] == location
    )
    total = sum(
        lv["available"] for lv in levels if lv["location"]["warehouse"]["code"] == warehouse
    )
    return warehouse, total


def set_policy(server: str, sku: str, warehouse: str, point: int) -> None:
    given = {
        "idempotencyKey": new_key("policy"),
        "sku": sku,
        "warehouseCode": warehouse,
        "reorderPoint": point,
        "safetyStock": 1,
    }
    mutate(server, "supervisor", "setReorderPolicy", "SetReorderPolicyInput", given)


def test_low_stock_lists_the_api_figures_and_a_new_alert_live(page, server, artifacts):  # type: ignore[no-untyped-def]
    low, later = sellable_stock(server, 2)
    warehouse, available = sellable(server, low["sku"], low["locationCode"])
    set_policy(server, low["sku"], warehouse, available + 5)  # low from the start
    later_warehouse, later_available = sellable(server, later["sku"], later["locationCode"])
    set_policy(server, later["sku"], later_warehouse, later_available - 1)  # one above it

    sign_in(page, "warehouse")
    page.click("#open-low-stock")
    page.wait_for_selector(f"#low-list li[data-sku='{low['sku']}']")
    assert page.locator(f"#low-list li[data-sku='{later['sku']}']").count() == 0
    api = {
        (n["product"]["sku"], n["warehouse"]["code"]): n
        for n in gql(server, "warehouse", LOW, {"w": None})["lowStock"]["nodes"]
    }
    shown = page.locator("#low-list li").evaluate_all(
        "ls => ls.map(l => [l.dataset.sku, l.dataset.warehouse, Number(l.dataset.available),"
        " Number(l.dataset.suggested)])"
    )
    assert [(s, w) for s, w, _, _ in shown] == list(api)  # the API's order: most short first
    for sku, code, units, suggested in shown:
        assert (units, suggested) == (
            api[sku, code]["available"],
            api[sku, code]["suggestedQuantity"],
        )
    row = page.inner_text(f"#low-list li[data-sku='{low['sku']}']")
    assert f"再订货点 {available + 5}" in row

    # Stock leaves: the second product goes to its reorder point and shows up by itself.
    page.wait_for_function("!document.querySelector('#connection')")
    page.wait_for_timeout(500)  # the subscription is open
    ship = {
        "idempotencyKey": new_key("ship-low"),
        "sku": later["sku"],
        "locationCode": later["locationCode"],
        "quantity": 1,
        "reference": "E2E-LOW",
    }
    mutate(server, "warehouse", "shipStock", "ShipStockInput", ship)
    fresh = page.locator(f"#low-list li[data-sku='{later['sku']}'][data-new='1']")
    fresh.wait_for(timeout=10_000)
    assert page.get_attribute("#low-alerts", "data-alerts") == "1"
    assert fresh.get_attribute("data-available") == str(later_available - 1)
    assert "刚刚低于再订货点" in fresh.inner_text()
    shoot(page, artifacts / "low-stock-zh.png", full_page=True)


def test_a_late_list_for_the_earlier_warehouse_does_not_replace_the_chosen_one(page, server):  # type: ignore[no-untyped-def]
    levels = gql(
        server,
        "admin",
        "{ stockLevels(filter: {zoneKind: SELLABLE}, first: 100) { nodes { available"
        " product { sku } location { code warehouse { code } } } } }",
    )["stockLevels"]["nodes"]
    one_each: dict[str, tuple[str, str]] = {}  # warehouse -> a SKU in stock there, its bin
    for level in levels:
        if level["available"] > 0:
            where = (level["product"]["sku"], level["location"]["code"])
            one_each.setdefault(level["location"]["warehouse"]["code"], where)
    assert len(one_each) >= 2, "the demo data has sellable stock in two warehouses"
    for warehouse, (sku, location) in list(one_each.items())[:2]:
        set_policy(server, sku, warehouse, sellable(server, sku, location)[1] + 5)
    chosen, (chosen_sku, _bin) = list(one_each.items())[1]
    sign_in(page, "warehouse")
    whole_list = HeldList(page, "lowStock", "warehouseCode")  # answered after the choice
    page.click("#open-low-stock")
    page.wait_for_function("() => document.querySelectorAll('#low-warehouse option').length > 2")
    page.select_option("#low-warehouse", chosen)
    page.wait_for_selector(f"#low-list[data-warehouse={chosen}] li[data-sku='{chosen_sku}']")
    whole_list.release()
    shown = page.locator("#low-list li").evaluate_all("ls => ls.map(l => l.dataset.warehouse)")
    assert set(shown) == {chosen}

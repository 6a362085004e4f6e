"""The supervisors' dashboard on the handheld: the headline figures and the four charts show
exactly what returnAnalytics answers for the filter the screen asked for (period presets, a
warehouse), and the export buttons download the same filter's tickets as a file."""

from __future__ import annotations

import io
import json
import zipfile

from tests.e2e.conftest import db_rows
from tests.e2e.flows import gql, in_follow_up, mutate, new_key, shoot, sign_in

EXPORTS = (
    "SELECT e.format, e.downloads, u.username FROM ticket_export e"
    " JOIN app_user u ON u.id = e.requested_by_id ORDER BY e.id DESC LIMIT 1"
)


def dashboard_requests(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """The dashboard queries the page sends: {query, variables} each."""
    sent: list[dict] = []

    def seen(request) -> None:  # type: ignore[no-untyped-def]
        if request.url.endswith("/graphql") and request.method == "POST":
            body = json.loads(request.post_data or "{}")
            if body.get("query", "").startswith("query Dashboard"):
                sent.append(body)

    page.on("request", seen)
    return sent


def loaded(page, preset: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"#dash-figures[data-preset='{preset}'][data-loading='0']")


def rated_call(server: str) -> None:
    """A follow-up call with a score, so the satisfaction chart has a bar."""
    number = in_follow_up(server, "dash")["number"]
    call = {
        "idempotencyKey": new_key("call"),
        "ticketNumber": number,
        "reached": True,
        "satisfaction": 5,
    }
    mutate(server, "customer-service", "recordFollowUp", "RecordFollowUpInput", call)


def attrs(page, selector: str, *names: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return page.locator(selector).evaluate_all(
        "(els, names) => els.map(e => names.map(n => e.dataset[n]))", list(names)
    )


def num(value: str) -> float | None:
    return None if value == "" else float(value)


def test_the_charts_show_the_figures_the_api_gives(page, server, artifacts):  # type: ignore[no-untyped-def]
    rated_call(server)
    sign_in(page, "supervisor")
    page.click("#lang")
    page.wait_for_selector("h1:text('Warehouse returns desk')")
    sent = dashboard_requests(page)
    page.click("#open-dashboard")
    loaded(page, "30")
    # 90 days are drawn by week: the view waits for the answer to a query asking for weeks
    with page.expect_response(
        lambda r: (
            r.url.endswith("/graphql")
            and '"interval":"WEEK"' in (r.request.post_data or "").replace(" ", "")
        )
    ) as week:
        page.click("#dash-filter button[data-preset='90']")
    ninety = [json.loads(week.value.request.post_data or "{}")]
    loaded(page, "90")
    shoot(page, artifacts / "dashboard-en.png", full_page=True)

    api = gql(server, "supervisor", ninety[-1]["query"], ninety[-1]["variables"])["returnAnalytics"]
    totals = api["totals"]
    assert page.inner_text("#total-tickets dd") == f"{totals['tickets']:,}"
    rate = totals["returnRate"]
    assert page.inner_text("#total-return-rate dd") == ("–" if rate is None else f"{rate:.1%}")
    share = api["inspections"]["customerDamage"]["share"]
    assert page.inner_text("#total-customer-damage dd") == (
        "–" if share is None else f"{share:.1%}"
    )
    average = api["satisfaction"]["averageScore"]
    assert page.inner_text("#total-satisfaction dd") == f"{average:.1f} / 5"

    pareto = attrs(page, "#pareto-rows li", "key", "units")
    assert pareto == [[r["key"] or "", str(r["units"])] for r in api["pareto"]]
    assert api["pareto"], "the demo data and the tests' tickets have returns"
    bars = attrs(page, "#pareto-chart g.bar", "units")
    assert [int(b[0]) for b in bars] == [r["units"] for r in api["pareto"]]
    periods = attrs(page, "#rate-chart g.bar", "period", "rate")
    assert [(p, num(r)) for p, r in periods] == [
        (p["periodStart"], p["returnRate"]) for p in api["overTime"]
    ]
    cycle = attrs(page, "#cycle-rows li", "stage", "median", "p90")
    assert [(s, num(m), num(p)) for s, m, p in cycle] == [
        (c["stage"], c["medianSeconds"], c["p90Seconds"]) for c in api["cycleTimes"]
    ]
    scores = attrs(page, "#satisfaction-chart g.bar", "score", "calls")
    assert [(int(s), int(c)) for s, c in scores] == [
        (s["score"], s["calls"]) for s in api["satisfaction"]["scores"]
    ]
    # Each chart is an image with a spoken summary.
    for chart in page.locator("svg.chart[role=img]").all():
        assert chart.get_attribute("aria-label")

    # A warehouse narrows the figures: the query carries it.
    before = len(sent)
    page.select_option("#dash-warehouse", "SH1")
    page.wait_for_selector("#dash-figures[data-warehouse='SH1'][data-loading='0']")
    narrowed = [body["variables"]["filter"].get("warehouseCode") for body in sent[before:]]
    assert "SH1" in narrowed, narrowed


def test_export_buttons_download_the_tickets_of_the_filter(page, server, server_db):  # type: ignore[no-untyped-def]
    sign_in(page, "supervisor")
    page.click("#open-dashboard")
    loaded(page, "30")
    page.click("#dash-filter button[data-preset='7']")
    loaded(page, "7")
    for button, content_type, member in (
        ("#export-csv", "application/zip", "tickets.csv"),
        (
            "#export-xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xl/workbook.xml",
        ),
    ):
        with (
            page.expect_response(lambda r: "/exports/" in r.url) as answered,
            page.expect_download() as saved,
        ):
            page.click(button)
        response = answered.value
        assert response.status == 200
        assert response.headers["content-type"] == content_type
        download = saved.value  # the blob the page saved: the body the server streamed
        with open(download.path(), "rb") as file:
            body = file.read()
        assert len(body) > 100
        assert member in zipfile.ZipFile(io.BytesIO(body)).namelist()  # a real archive
        fmt = button.removeprefix("#export-").upper()
        assert download.suggested_filename.endswith(".zip" if fmt == "CSV" else ".xlsx")
        assert db_rows(server_db, EXPORTS) == [(fmt, 1, "supervisor")]
        page.wait_for_selector("#flash", state="hidden")
    exports = gql(
        server,
        "supervisor",
        "{ ticketExports(first: 2) { nodes { format filter { createdFrom } } } }",
    )
    assert [e["format"] for e in exports["ticketExports"]["nodes"]] == ["XLSX", "CSV"]

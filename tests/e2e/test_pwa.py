"""The handheld PWA's foundation in a real browser (Debian chromium, 360x640 touch):
sign-in, the live "my queue", wedge scanning with feedback, both languages, the service
worker offline, installability. Screenshots of each main screen go to var/e2e-artifacts/."""

from __future__ import annotations

import json
import re
import tempfile

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM_FLAGS, ROOT, graphql_as

FRONTEND = ROOT / "frontend"


def sign_in(page, username: str = "warehouse") -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo-2026")
    page.click("#login button[type=submit]")
    page.wait_for_selector("#home")
    page.wait_for_selector("#queue[data-stale='0']")


def wedge(page, code: str) -> None:  # type: ignore[no-untyped-def]
    """A keyboard-wedge scanner: a burst of key presses into the focused field, then Enter."""
    page.keyboard.type(code, delay=2)
    page.keyboard.press("Enter")


def scans_sent(page) -> list[str]:  # type: ignore[no-untyped-def]
    sent: list[str] = []

    def seen(request) -> None:  # type: ignore[no-untyped-def]
        if request.url.endswith("/graphql") and request.method == "POST":
            body = json.loads(request.post_data or "{}")
            if "scan(code" in body.get("query", ""):
                sent.append(body["variables"]["code"])

    page.on("request", seen)
    return sent


def test_sign_in_shows_the_role_home_with_the_scan_field_focused(page, artifacts):  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.locator("h1").inner_text() == "仓库退换货"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.screenshot(path=str(artifacts / "sign-in-zh.png"))
    sign_in(page)
    assert page.locator("#home").get_attribute("data-role") == "WAREHOUSE"
    assert "仓库部" in page.locator("#who").inner_text()
    scan = page.locator("#scan-input")
    assert scan.get_attribute("inputmode") == "none"
    page.wait_for_function("document.activeElement?.id === 'scan-input'", timeout=5_000)
    assert int(page.locator("#queue").get_attribute("data-total")) >= 1
    page.screenshot(path=str(artifacts / "home-zh.png"))
    # Manual entry raises the soft keyboard (inputmode text) and keeps the focus in the field.
    page.click("#manual-toggle")
    assert scan.get_attribute("inputmode") == "text"
    page.wait_for_function("document.activeElement.id === 'scan-input'")
    page.click("#manual-toggle")
    assert scan.get_attribute("inputmode") == "none"
    # Every button on the home screen is a big target.
    for box in page.locator("button:visible").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect()).map(r => [r.width, r.height])"
    ):
        assert box[0] >= 48, box
        assert box[1] >= 48, box
    page.click("#sign-out")
    page.wait_for_selector("#login")
    assert page.evaluate("localStorage.getItem('token')") is None


def test_wrong_password_is_named(page):  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("input[name=username]", "warehouse")
    page.fill("input[name=password]", "not-the-password")
    page.click("#login button[type=submit]")
    page.wait_for_selector("#login-error:text('用户名或密码错误')")


def test_my_queue_updates_live_when_another_user_moves_a_ticket(page, server, artifacts):  # type: ignore[no-untyped-def]
    sign_in(page)
    before = int(page.locator("#queue").get_attribute("data-total"))
    page.wait_for_function("!document.querySelector('#connection')")
    # Wait until the subscription is open, so the change below is heard live.
    page.wait_for_timeout(500)
    # Customer service approves the demo application; logistics registers its parcel:
    # the ticket is RECEIVED and joins the warehouse queue.
    requested = graphql_as(
        server, "customer-service", "{ returnTickets(statuses: [REQUESTED]) { nodes { number } } }"
    )["returnTickets"]["nodes"][0]["number"]
    graphql_as(
        server,
        "customer-service",
        "mutation($i: TicketNoteInput!) { approveReturn(input: $i) { userErrors { message } } }",
        {"i": {"idempotencyKey": "e2e-approve-1", "ticketNumber": requested}},
    )
    registered = graphql_as(
        server,
        "logistics",
        "mutation($i: RegisterParcelInput!) { registerParcel(input: $i) "
        "{ ticket { number status } userErrors { message } } }",
        {"i": {"idempotencyKey": "e2e-register-1", "code": requested}},
    )["registerParcel"]
    assert registered["ticket"]["status"] == "RECEIVED", registered
    page.wait_for_selector(f"#queue[data-total='{before + 1}']", timeout=10_000)
    assert page.locator(f"#queue li[data-number='{requested}']").count() == 1
    page.screenshot(path=str(artifacts / "home-queue-live.png"))


@pytest.mark.parametrize(
    ("code", "kind", "shown"),
    [
        ("6900000000001", "PRODUCT", "APP-001-BLK-S"),  # product barcode
        ("APP-002-BLK-M", "PRODUCT", "T恤 黑色 M"),  # SKU: the name is shown
        ("ＳＨ１－Ａ－０１", "LOCATION", "SH1-A-01"),  # full-width input, normalised
        ("RT2026000002", "TICKET", "已拆包"),  # ticket number and its status
        ("SF000090009", "WAYBILL", "RT2026000004"),  # a waybill and its return ticket
    ],
)
def test_a_wedge_scan_shows_what_the_code_is_with_a_green_flash(page, artifacts, code, kind, shown):  # type: ignore[no-untyped-def]
    sign_in(page)
    wedge(page, code)
    result = page.locator(f"#scan-result[data-kind={kind}]")
    result.wait_for()
    assert shown in result.inner_text()
    page.wait_for_selector("#flash[data-kind=ok]", state="attached")
    if kind in {"PRODUCT", "TICKET"} and code.startswith(("69", "RT")):
        page.wait_for_selector("#flash:visible")
        page.screenshot(path=str(artifacts / f"scan-{kind.lower()}.png"))
    page.wait_for_selector("#flash", state="hidden")
    name = re.sub(r"[^A-Za-z0-9]+", "-", code.encode("ascii", "ignore").decode()) or "fullwidth"
    page.screenshot(path=str(artifacts / f"scan-result-{kind.lower()}-{name}.png"))
    # The field is empty and keeps the focus for the next scan.
    assert page.locator("#scan-input").input_value() == ""
    assert page.evaluate("document.activeElement.id") == "scan-input"


def test_an_unknown_code_is_a_named_error_with_a_red_flash(page, artifacts):  # type: ignore[no-untyped-def]
    sign_in(page)
    wedge(page, "NO-SUCH-CODE-42")
    page.wait_for_selector("#flash.flash-error:visible")
    assert "未知条码：NO-SUCH-CODE-42" in page.locator("#flash").inner_text()
    page.screenshot(path=str(artifacts / "scan-unknown-flash.png"))
    assert "未知条码" in page.locator("#scan-result[data-kind=UNKNOWN]").inner_text()


def test_tab_ends_a_scan_and_a_repeat_within_the_delay_is_ignored(page):  # type: ignore[no-untyped-def]
    sign_in(page)
    sent = scans_sent(page)
    page.keyboard.type("SH1-A-01", delay=2)
    page.keyboard.press("Tab")  # some scanners end with Tab
    wedge(page, "SH1-A-01")  # the same code again at once: ignored
    page.wait_for_selector("#scan-result[data-kind=LOCATION]")
    page.wait_for_timeout(300)
    assert sent == ["SH1-A-01"]
    assert page.evaluate("document.activeElement.id") == "scan-input"
    # After the delay (800 ms by default) the same code is a new scan.
    page.wait_for_timeout(900)
    wedge(page, "SH1-A-01")
    page.wait_for_timeout(300)
    assert sent == ["SH1-A-01", "SH1-A-01"]


def test_the_language_switches_and_is_remembered(page, artifacts):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.click("#lang")
    page.wait_for_selector("h1:text('Warehouse returns desk')")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Warehouse" in page.locator("#who").inner_text()
    assert "My queue" in page.locator("#queue").inner_text()
    wedge(page, "RT2026000002")
    page.wait_for_selector("#scan-result[data-kind=TICKET]:has-text('Unpacked')")
    page.wait_for_selector("#flash", state="hidden")
    page.screenshot(path=str(artifacts / "home-en.png"))
    page.reload()
    page.wait_for_selector("#home")
    assert page.locator("h1").inner_text() == "Warehouse returns desk"
    page.click("#lang")
    page.wait_for_selector("h1:text('仓库退换货')")
    assert page.evaluate("localStorage.getItem('lang')") == "zh-CN"


def test_both_dictionaries_have_the_same_keys_and_placeholders():
    zh = json.loads((FRONTEND / "i18n" / "zh-CN.json").read_text(encoding="utf-8"))
    en = json.loads((FRONTEND / "i18n" / "en.json").read_text(encoding="utf-8"))
    assert set(zh) == set(en)
    for key in zh:
        assert set(re.findall(r"\{\w+\}", zh[key])) == set(re.findall(r"\{\w+\}", en[key])), key
    # Every key the code asks for exists (static keys; status., role. and zone. are enums).
    used = set()
    for path in (FRONTEND / "js").rglob("*.js"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.-]+)["']""", path.read_text(encoding="utf-8")))
    used |= set(re.findall(r'data-i18n="([\w.-]+)"', (FRONTEND / "index.html").read_text()))
    assert used - set(zh) == set()


def test_the_service_worker_precaches_every_shell_file():
    sw = (FRONTEND / "sw.js").read_text(encoding="utf-8")
    listed = set(re.findall(r'^\s*"(/[^"]*)",$', sw, re.MULTILINE))
    on_disk = {
        "/" + str(p.relative_to(FRONTEND))
        for p in FRONTEND.rglob("*")
        if p.is_file()
        and p.suffix in {".html", ".css", ".js", ".mjs", ".json", ".png", ".webmanifest"}
        and p.name != "sw.js"
    }
    assert listed - {"/"} == on_disk


def test_the_service_worker_serves_the_shell_offline(page, artifacts):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.wait_for_selector("body[data-sw=ready]")
    page.reload()
    page.wait_for_selector("#home")
    assert page.evaluate("!!navigator.serviceWorker.controller")
    # Live data never comes from the cache.
    cached = page.evaluate(
        """async () => { const urls = [];
             for (const name of await caches.keys()) {
               const cache = await caches.open(name);
               for (const r of await cache.keys()) urls.push(new URL(r.url).pathname);
             } return urls; }"""
    )
    assert "/index.html" in cached
    assert not [u for u in cached if u.startswith(("/graphql", "/photos", "/labels"))]
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector("#home")
        assert page.locator("h1").inner_text() == "仓库退换货"
        page.wait_for_selector("#connection[data-state=offline]")
        # The last known queue is shown, marked as possibly out of date.
        assert page.locator("#queue[data-stale='1']").count() == 1
        page.screenshot(path=str(artifacts / "home-offline.png"))
        wedge(page, "SH1-A-01")
        page.wait_for_selector("#flash.flash-error:visible")
    finally:
        page.context.set_offline(False)


def test_a_waiting_new_version_is_offered_not_swapped(page):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.wait_for_selector("body[data-sw=ready]")
    page.reload()
    page.wait_for_selector("#home")
    page.evaluate("caches.open('shell-an-old-version')")
    # A new worker script (here: the same file under a new URL) installs and then waits.
    page.evaluate("navigator.serviceWorker.register('/sw.js?next=1', { scope: '/' })")
    page.wait_for_selector("#update:not([hidden])", timeout=10_000)
    waiting = page.evaluate("navigator.serviceWorker.getRegistration().then(r => !!r.waiting)")
    assert waiting, "the new version must wait, not swap mid-task"
    assert "next=1" not in page.evaluate("navigator.serviceWorker.controller.scriptURL")
    page.screenshot(path=str(ARTIFACTS / "update-banner.png"))
    # Tapping reload activates it and reloads the page under the new version.
    page.click("#update-reload")
    page.wait_for_function(
        "navigator.serviceWorker.controller?.scriptURL.endsWith('next=1')", timeout=10_000
    )
    page.wait_for_selector("#home")
    page.wait_for_selector("#update[hidden]", state="attached")
    version = re.search(r'const VERSION = "([^"]+)"', (FRONTEND / "sw.js").read_text()).group(1)
    assert page.evaluate("caches.keys()") == [version]  # old caches deleted on activate


def test_the_app_is_installable(playwright, server, chromium_executable):  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_executable, args=CHROMIUM_FLAGS
        )
        try:
            page = context.new_page()
            page.goto(server + "/")
            page.wait_for_selector("body[data-sw=ready]")
            manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
            assert manifest["display"] == "standalone"
            assert manifest["lang"] == "zh-CN"
            assert {i["purpose"] for i in manifest["icons"]} == {"any", "maskable"}
            cdp = context.new_cdp_session(page)
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            assert errors == []
        finally:
            context.close()


def test_first_load_is_under_100_kb_gzipped(page, server, artifacts):  # type: ignore[no-untyped-def]
    """Everything a first visit fetches: the page's own requests (measured on the wire) and
    the service worker's precache of the whole shell; gzip -9 of each file is the budget."""
    import gzip

    loaded: list = []
    page.on("requestfinished", lambda request: loaded.append(request))
    page.goto("/")
    page.wait_for_selector("body[data-sw=ready]")
    page.wait_for_load_state("networkidle")
    wire = 0
    paths = set()
    for request in loaded:
        sizes = request.sizes()
        wire += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        path = request.url.removeprefix(server)
        paths.add("/index.html" if path == "/" else path)
    sw = (FRONTEND / "sw.js").read_text(encoding="utf-8")
    paths.add("/sw.js")
    paths |= set(re.findall(r'^\s*"(/[^"]+)",$', sw, re.MULTILINE))
    gzipped = sum(len(gzip.compress((FRONTEND / p.lstrip("/")).read_bytes(), 9)) for p in paths)
    raw = sum((FRONTEND / p.lstrip("/")).stat().st_size for p in paths)
    (artifacts / "first-load.txt").write_text(
        f"page requests on the wire (as sent, gzip where it pays, with headers): {wire} bytes\n"
        f"page + precached shell: {raw} bytes raw, {gzipped} bytes gzip -9 per file\n"
    )
    assert gzipped < 100_000, gzipped


def test_the_warehouse_registers_arriving_parcels_one_scan_after_another(page, server, artifacts):  # type: ignore[no-untyped-def]
    # An approved application whose parcel is on its way, made through the API.
    lines = graphql_as(
        server,
        "customer-service",
        '{ order(number: "SO-2026-00001") { lines { product { sku } } } }',
    )["order"]["lines"]
    applied = graphql_as(
        server,
        "customer-service",
        "mutation($i: RequestReturnInput!) { requestReturn(input: $i) "
        "{ ticket { number } userErrors { message } } }",
        {
            "i": {
                "idempotencyKey": "e2e-arrival-request",
                "orderNumber": "SO-2026-00001",
                "kind": "RETURN",
                "reasonCode": "QUALITY_DEFECT",
                "lines": [{"sku": lines[-1]["product"]["sku"], "quantity": 1}],
            }
        },
    )["requestReturn"]
    number = applied["ticket"]["number"]
    graphql_as(
        server,
        "customer-service",
        "mutation($i: TicketNoteInput!) { approveReturn(input: $i) { userErrors { message } } }",
        {"i": {"idempotencyKey": "e2e-arrival-approve", "ticketNumber": number}},
    )

    sign_in(page)
    page.click("#open-arrivals")
    page.wait_for_selector("#arrivals")
    # The task screen opens with the scan field focused (its effect runs just after render).
    page.wait_for_function("document.activeElement?.id === 'scan-input'", timeout=5_000)
    wedge(page, number)
    page.wait_for_selector(f"#arrived li[data-number='{number}']")
    assert number in page.inner_text("#arrival-result")
    # A parcel nobody applied for is registered as an exception, never lost (Art. 26.1).
    page.wait_for_timeout(900)
    wedge(page, "ZTO-E2E-STRAY-1")
    page.wait_for_selector("#arrived li[data-exception='1']")
    # Scanning the first parcel again is a named error, not a second registration.
    page.wait_for_timeout(900)
    wedge(page, number)
    page.wait_for_selector("#arrival-result.result-error")
    assert f"重复扫描：{number} 已登记" in page.inner_text("#arrival-result")
    page.screenshot(path=str(artifacts / "arrivals.png"))

    found = graphql_as(
        server,
        "customer-service",
        "query($n: String) { returnTicket(number: $n) { status history { action } } "
        'returnTickets(search: "ZTO-E2E-STRAY-1") { nodes { source status } } }',
        {"n": number},
    )
    assert found["returnTicket"]["status"] == "RECEIVED"
    assert [e["action"] for e in found["returnTicket"]["history"]].count("RECEIVE") == 1
    assert found["returnTickets"]["nodes"] == [{"source": "EXCEPTION", "status": "EXCEPTION"}]

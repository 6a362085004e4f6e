"""The handheld PWA's foundation in a real browser (Debian chromium, 360x640 touch):
sign-in, the live "my queue", wedge scanning with feedback, both languages, the service
worker offline, installability. Screenshots of each main screen go to var/e2e-artifacts/."""

from __future__ import annotations

import json
import re
import tempfile
import uuid

import pytest

from tests.chromium import CHROMIUM_FLAGS
from tests.e2e.conftest import ARTIFACTS, ROOT
from tests.e2e.flows import (
    codes_sent,
    gql,
    mutate,
    shoot,
    sign_in,
    ticket_at,
    wait_for_scan_field,
    wedge,
)

FRONTEND = ROOT / "frontend"


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
    wait_for_scan_field(page)
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
    # Logistics registers an approved parcel: the ticket is RECEIVED and joins the
    # warehouse queue.
    approved = ticket_at(server, "live-queue", "APPROVED")["number"]
    mutate(
        server,
        "logistics",
        "registerParcel",
        "RegisterParcelInput",
        {"idempotencyKey": f"e2e-register-{approved}", "code": approved},
    )
    page.wait_for_selector(f"#queue[data-total='{before + 1}']", timeout=10_000)
    page.screenshot(path=str(artifacts / "home-queue-live.png"))
    if page.locator("#open-queue").count():  # more than the five oldest: the whole queue
        page.click("#open-queue")
    page.wait_for_selector(f"li[data-number='{approved}']")


@pytest.mark.parametrize(
    ("code", "lands_on", "shown"),
    [
        ("6900000000001", "#stock[data-kind=PRODUCT]", "APP-001-BLK-S"),  # product barcode
        ("APP-002-BLK-M", "#stock[data-kind=PRODUCT]", "T恤 黑色 M"),  # SKU: the name is shown
        ("ＳＨ１－Ａ－０１", "#stock[data-kind=LOCATION]", "SH1-A-01"),  # full-width, normalised
        ("RT2026000002", "#ticket .ticket-summary[data-number=RT2026000002]", "已拆包"),
        ("SF000090009", "#ticket .ticket-summary[data-number=RT2026000004]", "拒收件"),
        ("SF000010001", "#scan-result[data-kind=WAYBILL]", "SO-2026-00001"),  # no ticket
    ],
)
def test_a_wedge_scan_goes_where_the_code_belongs_with_a_green_flash(  # type: ignore[no-untyped-def]
    page, artifacts, code, lands_on, shown
):
    sign_in(page)
    wedge(page, code)
    page.wait_for_selector("#flash[data-kind=ok]", state="attached")
    if code.startswith(("69", "RT")):
        page.wait_for_selector("#flash:visible")
        page.screenshot(path=str(artifacts / f"scan-flash-{code[:2].lower()}.png"))
    destination = page.locator(lands_on)
    destination.wait_for()
    assert shown in destination.inner_text()
    name = re.sub(r"[^A-Za-z0-9]+", "-", code.encode("ascii", "ignore").decode()) or "fullwidth"
    shoot(page, artifacts / f"scan-{name}.png")
    # The field is empty and has the focus for the next scan, wherever the scan led.
    wait_for_scan_field(page)
    assert page.locator("#scan-input").input_value() == ""


def test_an_unknown_code_is_a_named_error_with_a_red_flash(page, artifacts):  # type: ignore[no-untyped-def]
    sign_in(page)
    wedge(page, "NO-SUCH-CODE-42")
    page.wait_for_selector("#flash.flash-error:visible")
    assert "未知条码：NO-SUCH-CODE-42" in page.locator("#flash").inner_text()
    page.screenshot(path=str(artifacts / "scan-unknown-flash.png"))
    assert "未知条码" in page.locator("#scan-result[data-kind=UNKNOWN]").inner_text()


def test_tab_ends_a_scan_and_a_repeat_within_the_delay_is_ignored(page):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.click("#open-arrivals")
    wait_for_scan_field(page)
    sent = codes_sent(page, "registerParcel")
    code = f"ZTO-TAB-{uuid.uuid4().hex[:8].upper()}"
    page.keyboard.type(code, delay=2)
    page.keyboard.press("Tab")  # some scanners end with Tab
    wedge(page, code)  # the same code again at once: a double read, ignored
    page.wait_for_selector(f"#arrived li[data-exception='1'] >> text={code}")
    page.wait_for_timeout(300)
    assert sent == [code]
    assert page.evaluate("document.activeElement.id") == "scan-input"
    # After the delay (800 ms by default) the same code is a new scan: named as a duplicate.
    page.wait_for_timeout(900)
    wedge(page, code)
    page.wait_for_selector("#arrival-result.result-error")
    assert sent == [code, code]
    assert page.locator("#arrived li").count() == 1


def test_the_repeat_delay_is_set_on_the_device(page):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.click("#scanner-settings summary")
    page.select_option("#repeat-delay", "0")  # never ignore a repeat
    assert page.evaluate("localStorage.getItem('scanRepeatDelayMs')") == "0"
    page.click("#open-arrivals")
    wait_for_scan_field(page)
    sent = codes_sent(page, "registerParcel")
    code = f"ZTO-REPEAT-{uuid.uuid4().hex[:8].upper()}"
    wedge(page, code)
    wedge(page, code)  # at once: with no delay, a second scan (named as a duplicate)
    page.wait_for_selector("#arrival-result.result-error")
    assert sent == [code, code]


def test_a_double_read_across_a_screen_change_is_not_a_scan_of_its_own(page):  # type: ignore[no-untyped-def]
    """The first read opens the bin's stock screen while the scanner is still typing the
    second: the rest of that burst lands in the new screen's field and must not be taken
    for a code (it was "1" + Enter, an unknown code, before)."""
    sign_in(page)
    page.evaluate(
        """() => { window.flashes = [];
             new MutationObserver(() => window.flashes.push(document.getElementById("flash")
               .dataset.kind)).observe(document.getElementById("flash"), { attributes: true }); }"""
    )
    page.keyboard.type("SH1-A-01", delay=2)
    page.keyboard.press("Enter")
    page.keyboard.type("SH1-A-01", delay=15)  # slow enough to straddle the screen change
    page.keyboard.press("Enter")
    page.wait_for_selector("#stock[data-kind=LOCATION]")
    page.wait_for_timeout(1_000)
    assert page.url.endswith("#/stock/SH1-A-01")
    assert "error" not in page.evaluate("window.flashes")


def test_the_language_switches_and_is_remembered(page, artifacts):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.click("#lang")
    page.wait_for_selector("h1:text('Warehouse returns desk')")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Warehouse" in page.locator("#who").inner_text()
    assert "My queue" in page.locator("#queue").inner_text()
    page.screenshot(path=str(artifacts / "home-en.png"))
    wedge(page, "RT2026000002")
    page.wait_for_selector("#ticket .ticket-summary:has-text('Unpacked')")
    shoot(page, artifacts / "ticket-en.png")
    page.goto("/")
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


def sw_list(name: str) -> set[str]:
    """The paths in sw.js's `const NAME = [ ... ];` block."""
    sw = (FRONTEND / "sw.js").read_text(encoding="utf-8")
    block = re.search(rf"const {name} = \[\n(.*?)\n\];", sw, re.DOTALL)
    assert block, name
    return set(re.findall(r'^\s*"(/[^"]*)",$', block.group(1), re.MULTILINE))


def test_the_service_worker_precaches_every_shell_file():
    shell, screens = sw_list("SHELL"), sw_list("SCREENS")
    on_disk = {
        "/" + str(p.relative_to(FRONTEND))
        for p in FRONTEND.rglob("*")
        if p.is_file()
        and p.suffix in {".html", ".css", ".js", ".mjs", ".json", ".png", ".webmanifest"}
        and p.name != "sw.js"
        and not p.is_relative_to(FRONTEND / "vendor" / "barcode-detector")  # cached on use
    }
    assert not shell & screens
    assert (shell | screens) - {"/"} == on_disk


def test_every_task_screen_is_cached_after_sign_in_and_opens_offline(page, artifacts):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.wait_for_selector("body[data-sw=ready]")
    screens = sorted(sw_list("SCREENS"))
    page.wait_for_function(
        """async (urls) => { const cache = await caches.open((await caches.keys())
             .find((name) => name.startsWith("shell-")));
           return (await Promise.all(urls.map((u) => cache.match(u)))).every(Boolean); }""",
        arg=screens,
        timeout=15_000,
    )
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector("#home")
        page.click("#open-transfer")  # never opened online: its module comes from the cache
        page.wait_for_selector("#transfer")
        page.goto("/#/outbox")
        page.wait_for_selector("#outbox")
        page.screenshot(path=str(artifacts / "offline-screen.png"))
    finally:
        page.context.set_offline(False)


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
    """Everything a first visit fetches before anyone signs in: the page's own requests
    (measured on the wire) and the service worker's precache of the shell; gzip -9 of each
    file is the budget. The task screens follow after sign-in (reported, not budgeted)."""
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
    paths.add("/sw.js")
    paths |= sw_list("SHELL") - {"/"}

    def gz(files: set[str]) -> int:
        return sum(len(gzip.compress((FRONTEND / p.lstrip("/")).read_bytes(), 9)) for p in files)

    gzipped = gz(paths)
    raw = sum((FRONTEND / p.lstrip("/")).stat().st_size for p in paths)
    (artifacts / "first-load.txt").write_text(
        f"page requests on the wire (as sent, gzip where it pays, with headers): {wire} bytes\n"
        f"page + precached shell: {raw} bytes raw, {gzipped} bytes gzip -9 per file\n"
        f"task screens cached after sign-in: {gz(sw_list('SCREENS'))} bytes gzip -9 per file\n"
    )
    assert gzipped < 100_000, gzipped


def test_the_warehouse_registers_arriving_parcels_one_scan_after_another(page, server, artifacts):  # type: ignore[no-untyped-def]
    # An approved application whose parcel is on its way, made through the API.
    lines = gql(
        server,
        "customer-service",
        '{ order(number: "SO-2026-00001") { lines { product { sku } } } }',
    )["order"]["lines"]
    application = {
        "idempotencyKey": "e2e-arrival-request",
        "orderNumber": "SO-2026-00001",
        "kind": "RETURN",
        "reasonCode": "QUALITY_DEFECT",
        "lines": [{"sku": lines[-1]["product"]["sku"], "quantity": 1}],
    }
    applied = mutate(
        server,
        "customer-service",
        "requestReturn",
        "RequestReturnInput",
        application,
        "ticket { number }",
    )
    number = applied["ticket"]["number"]
    approval = {"idempotencyKey": "e2e-arrival-approve", "ticketNumber": number}
    mutate(server, "customer-service", "approveReturn", "TicketNoteInput", approval)

    sign_in(page)
    page.click("#open-arrivals")
    page.wait_for_selector("#arrivals")
    # The task screen opens with the scan field focused (its effect runs just after render).
    wait_for_scan_field(page)
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

    found = gql(
        server,
        "customer-service",
        "query($n: String) { returnTicket(number: $n) { status history { action } } "
        'returnTickets(search: "ZTO-E2E-STRAY-1") { nodes { source status } } }',
        {"n": number},
    )
    assert found["returnTicket"]["status"] == "RECEIVED"
    assert [e["action"] for e in found["returnTicket"]["history"]].count("RECEIVE") == 1
    assert found["returnTickets"]["nodes"] == [{"source": "EXCEPTION", "status": "EXCEPTION"}]

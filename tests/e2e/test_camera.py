"""Camera scanning on phones, in Debian chromium with a fake camera that films a Code 128 label of
a demo product barcode. Headless Linux chromium has no native BarcodeDetector, so these runs use
the vendored decoder, loaded only when the camera opens; a stubbed native detector shows that
the decoder is then never fetched."""

from __future__ import annotations

import re

import barcode
import pytest

from tests.chromium import CHROMIUM_FLAGS
from tests.e2e.conftest import ROOT
from tests.e2e.flows import sign_in, wedge

FRONTEND = ROOT / "frontend"
DECODER = "/vendor/barcode-detector/"
PRODUCT_BARCODE = "6900000000001"  # the demo product APP-001-BLK-S

# Keeps every camera stream the page opens, to check that all their tracks are stopped.
KEEP_STREAMS = """
  window.cameraStreams = [];
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    window.cameraStreams.push(stream);
    return stream;
  };
"""

# Records each flash (kind and text): on a busy machine a 700 ms flash can come and go unseen.
KEEP_FLASHES = """
  window.flashes = [];
  addEventListener("DOMContentLoaded", () => {
    const flash = document.getElementById("flash");
    const seen = () => {
      if (!flash.hidden) window.flashes.push([flash.dataset.kind, flash.textContent]);
    };
    new MutationObserver(seen).observe(flash, { attributes: true, childList: true });
  });
"""

# A native BarcodeDetector that reads `window.nativeCode` once the test sets it.
NATIVE_DETECTOR = """
  window.BarcodeDetector = class {
    static async getSupportedFormats() {
      return ["code_128", "ean_13", "ean_8", "code_39", "qr_code", "upc_a", "itf", "data_matrix"];
    }
    async detect(source) {
      window.detectedFrom = source.tagName;
      return window.nativeCode ? [{ rawValue: window.nativeCode, format: "code_128" }] : [];
    }
  };
"""


def barcode_video(code: str, path) -> None:  # type: ignore[no-untyped-def]
    """A 640x480 Y4M video (a few identical frames, which chromium loops) of `code` as a
    Code 128 label: black bars on white, 4 px a module, the quiet zones around it."""
    width, height, module = 640, 480, 4
    modules = barcode.get_barcode_class("code128")(code).build()[0]
    bars = b"".join((b"\x00" if m == "1" else b"\xff") * module for m in modules)
    left = (width - len(bars)) // 2
    row = b"\xff" * left + bars + b"\xff" * (width - left - len(bars))
    white = b"\xff" * width
    luma = white * 140 + row * 200 + white * (height - 340)
    chroma = b"\x80" * (width // 2 * height // 2 * 2)  # no colour
    frame = b"FRAME\n" + luma + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 5)


@pytest.fixture(scope="module")
def camera_browser(playwright, chromium_executable, tmp_path_factory):  # type: ignore[no-untyped-def]
    video = tmp_path_factory.mktemp("camera") / "product-barcode.y4m"
    barcode_video(PRODUCT_BARCODE, video)
    fake_camera = [
        "--use-fake-ui-for-media-stream",  # allow the camera without a prompt
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(
        executable_path=chromium_executable, args=[*CHROMIUM_FLAGS, *fake_camera]
    )
    yield browser
    browser.close()


def phone(browser, server, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=server,
        **options,
    )
    context.add_init_script(KEEP_STREAMS)
    context.add_init_script(KEEP_FLASHES)
    return context


def wait_camera_off(page) -> None:  # type: ignore[no-untyped-def]
    """Every camera stream the page opened has all its tracks stopped (soon)."""
    page.wait_for_function(
        "window.cameraStreams.length > 0 && window.cameraStreams"
        ".every((s) => s.getTracks().every((t) => t.readyState === 'ended'))",
        timeout=5_000,
    )


def decoder_cache(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """async () => {
             const names = (await caches.keys()).filter((name) => name.startsWith('decoder-'));
             const urls = [];
             for (const name of names) {
               const cache = await caches.open(name);
               for (const r of await cache.keys()) urls.push(new URL(r.url).pathname);
             }
             return urls.sort(); }"""
    )


def answer_to(page, scan) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """How the home screen answers one scan: the flash's kind and text, and the route it opens."""
    seen = page.evaluate("window.flashes.length")
    scan()
    page.wait_for_function(f"window.flashes.length > {seen}", timeout=15_000)
    page.wait_for_selector("#flash", state="hidden")
    return (*page.evaluate(f"window.flashes[{seen}]"), page.evaluate("location.hash"))


def back_home(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("#home")


def test_the_camera_reads_a_barcode_with_the_decoder_loaded_only_then(  # type: ignore[no-untyped-def]
    camera_browser, server, artifacts
):
    context = phone(camera_browser, server)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        sign_in(page)
        page.wait_for_selector("body[data-sw=ready]")
        page.wait_for_load_state("networkidle")
        assert not [url for url in requested if DECODER in url], "decoder fetched on first load"
        assert decoder_cache(page) == []
        assert page.get_attribute("#camera-open", "aria-label") == "用摄像头扫描"

        by_wedge = answer_to(page, lambda: wedge(page, PRODUCT_BARCODE))
        back_home(page)
        by_camera = answer_to(page, lambda: page.click("#camera-open"))
        assert by_camera == by_wedge
        assert by_camera[:2] == ("ok", "已识别\nAPP-001-BLK-S")
        page.screenshot(path=str(artifacts / "camera-scan-product.png"))
        wait_camera_off(page)

        # The decoder came from our own origin and is now cached for offline use.
        assert all(url.startswith(server) for url in requested)
        assert f"{server}{DECODER}zxing_reader.wasm" in requested
        assert f"{DECODER}zxing_reader.wasm" in decoder_cache(page)

        # Offline, the camera still reads the code; only the lookup fails (a named error).
        context.set_offline(True)
        page.goto("/")
        page.wait_for_selector("#home")
        kind, text, _ = answer_to(page, lambda: page.click("#camera-open"))
        assert (kind, text) == ("error", "网络错误，请重试")
        wait_camera_off(page)
    finally:
        context.close()


def test_a_native_barcode_detector_is_used_and_the_decoder_never_fetched(  # type: ignore[no-untyped-def]
    camera_browser, server, artifacts
):
    context = phone(camera_browser, server)
    context.add_init_script(NATIVE_DETECTOR)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        sign_in(page)
        page.click("#camera-open")
        page.wait_for_selector("#camera-status:text('将条码或二维码置于画面内')")
        page.screenshot(path=str(artifacts / "camera-open.png"))
        # Closing turns the camera off and gives the focus back to the scan field.
        page.click("#camera-close")
        page.wait_for_selector("#camera", state="detached")
        wait_camera_off(page)
        assert page.evaluate("document.activeElement.id") == "scan-input"

        page.click("#camera-open")
        page.wait_for_function("window.detectedFrom === 'VIDEO'")
        # A full-width read is normalised, like a wedge scan.
        read = "window.nativeCode = 'ＳＨ１－Ａ－０１'"
        kind, text, _ = answer_to(page, lambda: page.evaluate(read))
        assert (kind, text) == ("ok", "已识别\nSH1-A-01")
        wait_camera_off(page)
        assert not [url for url in requested if DECODER in url]
        assert decoder_cache(page) == []
    finally:
        context.close()


def test_a_denied_camera_is_named(camera_browser, server):  # type: ignore[no-untyped-def]
    context = phone(camera_browser, server)
    context.add_init_script(
        "navigator.mediaDevices.getUserMedia = () =>"
        " Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    page = context.new_page()
    try:
        sign_in(page)
        page.click("#camera-open")
        page.wait_for_selector("#camera-status[role=alert]:has-text('摄像头权限被拒绝')")
        page.click("#camera-close")
        page.wait_for_selector("#camera", state="detached")
    finally:
        context.close()


def test_a_decoder_that_failed_to_load_is_named_and_loads_on_the_next_try(  # type: ignore[no-untyped-def]
    camera_browser, server
):
    # No service worker, so that page.route sees the decoder's requests.
    context = phone(camera_browser, server, service_workers="block")
    wasm = f"**{DECODER}zxing_reader.wasm"
    context.route(wasm, lambda route: route.abort())
    page = context.new_page()
    try:
        sign_in(page)
        page.click("#camera-open")
        page.wait_for_selector("#camera-status[role=alert]:has-text('条码识别组件加载失败')")
        wait_camera_off(page)
        page.click("#camera-close")
        page.wait_for_selector("#camera", state="detached")
        context.unroute(wasm)
        kind, text, _ = answer_to(page, lambda: page.click("#camera-open"))
        assert (kind, text) == ("ok", "已识别\nAPP-001-BLK-S")
    finally:
        context.close()


def test_no_camera_button_without_get_user_media(camera_browser, server):  # type: ignore[no-untyped-def]
    context = phone(camera_browser, server)
    context.add_init_script("Object.defineProperty(navigator, 'mediaDevices', {value: undefined})")
    page = context.new_page()
    try:
        sign_in(page)
        assert page.locator("#camera-open").count() == 0
    finally:
        context.close()


def test_the_decoder_cache_is_named_after_the_vendored_version():
    versions = (FRONTEND / "vendor" / "VERSIONS").read_text(encoding="utf-8")
    version = re.search(r"^barcode-detector (\S+) ", versions, re.MULTILINE).group(1)
    sw = (FRONTEND / "sw.js").read_text(encoding="utf-8")
    assert f'const DECODER_CACHE = "decoder-v{version}";' in sw

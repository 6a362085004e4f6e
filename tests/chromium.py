"""Debian's chromium for the browser tests, the scan-to-flash benchmark and Lighthouse: where
it is and the headless flags that work on these machines (STACK-NOTES)."""

from __future__ import annotations

import shutil

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str | None:
    """The chromium executable, or None when it is not installed."""
    return shutil.which("chromium")

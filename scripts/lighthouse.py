"""`make lighthouse`: Lighthouse 12.2.3 (pinned in package.json, run from the local
node_modules with ``npx --no-install``) on Debian's Chromium, against the real server, on
the real signed-in screens (issue 4, item 8).

What it does:
  1. migrates and seeds a fresh SQLite database and starts ``python -m backend.cli serve``
     on 127.0.0.1 (APP_MODE=production) with the benchmarks' ``bench_server``;
  2. for each page of ``PAGES`` signs in as that page's demo user (password
     ``<username>-demo-2026``) through the sign-in form, with Playwright, in a Chromium
     profile folder of its own; the app keeps the bearer token (and the user) in
     localStorage, which stays in that profile;
  3. runs the Lighthouse CLI on that same profile (``--chrome-flags=--user-data-dir=...``).
     Lighthouse's own storage reset is kept on: in 12.x it clears only the service worker,
     Cache Storage, file systems, shader cache and the HTTP cache, never localStorage or
     IndexedDB, so each run is a cold first load (nothing served from a cache or a service
     worker) of a signed-in user. That is why ``--disable-storage-reset`` is not used;
  4. checks the scores and prints a table; the JSON and HTML reports go to var/lighthouse/.

Settings: Lighthouse's default mobile preset, i.e. no ``--preset`` and no ``--form-factor``
flags: formFactor "mobile", screen emulation 412x823 at DPR 1.75 (Moto G Power), the
mobile user agent, ``throttlingMethod: simulate`` with ``rttMs 150``,
``throughputKbps 1638.4`` (slow 4G) and ``cpuSlowdownMultiplier 4``. Categories:
performance, accessibility, best-practices. Chromium runs headless (``--headless=new``)
with the browser tests' flags and ``--accept-lang=zh-CN`` (the handhelds' language).

A page whose load made no /graphql request was not signed in: that is reported as a
failure too. Exit status: 0 all scores >= MIN_SCORE, 1 a score below, 2 the run could not
be made (no chromium, no node_modules, the server did not start, Lighthouse failed).
Each page is audited ``--runs`` times (default 3) and the median run by performance score
is the one reported and kept as var/lighthouse/<page>.report.{json,html}.

    .venv/bin/python -m scripts.lighthouse            # all pages
    .venv/bin/python -m scripts.lighthouse --page home
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.server import BenchServer, BenchSetupError, bench_server
from tests.chromium import CHROMIUM_FLAGS, chromium

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "var" / "lighthouse"
MIN_SCORE = 95
CATEGORIES = ("performance", "accessibility", "best-practices")

# The screens to audit: (name, demo user, path). "{qc_ticket}" is replaced by the number of
# the demo ticket waiting for QC (status INITIAL_INSPECTED).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("home", "warehouse", "/"),
    ("inspection-qc", "qc", "/#/ticket/{qc_ticket}/inspect-qc"),
)

# The browser tests' flags, plus the handhelds' language (navigator.languages; headless
# ignores --lang).
LIGHTHOUSE_FLAGS = [*CHROMIUM_FLAGS, "--accept-lang=zh-CN"]
LIGHTHOUSE_TIMEOUT_S = 240
# Runs per page: the simulated throttling scales the CPU time it observes by 4, so another
# process busy on this 2-core machine moves the performance score by several points; the
# median of 3 runs (Lighthouse's own advice for variance) steadies it.
RUNS = 3


class SetupError(RuntimeError):
    """The run could not be made."""


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- server


def qc_ticket(srv: BenchServer) -> str:
    """The demo ticket waiting for QC (INITIAL_INSPECTED)."""
    nodes = srv.graphql(
        "{ returnTickets(statuses: [INITIAL_INSPECTED], first: 5) { nodes { number } } }"
    )["returnTickets"]["nodes"]
    if not nodes:
        raise SetupError("the demo data has no INITIAL_INSPECTED ticket")
    return str(nodes[0]["number"])


def chromium_path() -> str:
    path = os.environ.get("CHROME_PATH") or chromium() or "/usr/bin/chromium"
    if not Path(path).exists():
        raise SetupError("Debian's chromium is needed: apt-get install -y chromium")
    return path


def sign_in(executable: str, profile: Path, url: str, username: str) -> None:
    """Sign in through the form, in a persistent profile: the token stays in localStorage."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            args=LIGHTHOUSE_FLAGS,
            viewport={"width": 360, "height": 640},
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(f"{url}/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", f"{username}-demo-2026")
            page.click("#login button[type=submit]")
            page.wait_for_selector("#home", timeout=15_000)
            page.wait_for_selector("#queue[data-stale='0']", timeout=15_000)
            if not page.evaluate("localStorage.getItem('token')"):
                raise SetupError(f"{username}: no token in localStorage after sign-in")
        finally:
            context.close()


@dataclass
class Outcome:
    name: str
    user: str
    url: str
    scores: dict[str, int]
    transfer_bytes: int
    requests: int
    lcp_ms: float
    tbt_ms: float
    signed_in: bool
    report: Path
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return self.signed_in and all(s >= MIN_SCORE for s in self.scores.values())


def lighthouse(executable: str, profile: Path, url: str, name: str) -> dict[str, Any]:
    if not (ROOT / "node_modules" / ".bin" / "lighthouse").exists():
        raise SetupError("node_modules missing: npm ci --ignore-scripts (make lighthouse does)")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    flags = " ".join([*LIGHTHOUSE_FLAGS, f"--user-data-dir={profile}"])
    command = [
        "npx",
        "--no-install",
        "lighthouse",
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={OUTPUT / name}",
        f"--chrome-flags={flags}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": executable}
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIGHTHOUSE_TIMEOUT_S,
        check=False,
    )
    report = OUTPUT / f"{name}.report.json"
    if done.returncode != 0 or not report.exists():
        raise SetupError(f"lighthouse failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def summarise(name: str, user: str, url: str, lhr: dict[str, Any]) -> Outcome:
    if lhr.get("runtimeError"):
        raise SetupError(f"{name}: Lighthouse runtime error {lhr['runtimeError']}")
    audits = lhr["audits"]
    scores = {}
    for category in CATEGORIES:
        score = lhr["categories"][category]["score"]
        scores[category] = -1 if score is None else round(score * 100)
    items = (audits.get("network-requests", {}).get("details") or {}).get("items", [])
    signed_in = any(str(i.get("url", "")).endswith("/graphql") for i in items)
    return Outcome(
        name=name,
        user=user,
        url=url,
        scores=scores,
        transfer_bytes=int(audits["total-byte-weight"]["numericValue"]),
        requests=len(items),
        lcp_ms=float(audits["largest-contentful-paint"]["numericValue"]),
        tbt_ms=float(audits["total-blocking-time"]["numericValue"]),
        signed_in=signed_in,
        report=OUTPUT / f"{name}.report.html",
        warnings=[str(w) for w in lhr.get("runWarnings", [])],
    )


def failing_audits(lhr: dict[str, Any]) -> list[str]:
    """Audits that cost points in the checked categories: 'category: id (score) title'."""
    out = []
    for category in CATEGORIES:
        for ref in lhr["categories"][category]["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("weight", 0) > 0 and score is not None and score < 1:
                out.append(f"{category}: {ref['id']} ({score:.2f}) {audit['title']}")
    return out


def _table(outcomes: list[Outcome]) -> str:
    head = ("page", "user", "perf", "a11y", "bp", "transfer B", "requests", "LCP ms", "TBT ms", "")
    rows = [head]
    for o in outcomes:
        rows.append(
            (
                o.name,
                o.user,
                str(o.scores["performance"]),
                str(o.scores["accessibility"]),
                str(o.scores["best-practices"]),
                f"{o.transfer_bytes:,}",
                str(o.requests),
                f"{o.lcp_ms:,.0f}",
                f"{o.tbt_ms:,.0f}",
                ("PASS" if o.ok else "FAIL") + ("" if o.signed_in else " (not signed in)"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < 2 or i == len(row) - 1 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lighthouse", description=__doc__.split("\n\n")[0])
    ap.add_argument("--page", action="append", help="only these pages (by name)")
    ap.add_argument(
        "--runs",
        type=int,
        default=RUNS,
        help="Lighthouse runs per page; the median by performance score counts (%(default)s)",
    )
    args = ap.parse_args(argv)
    pages = [p for p in PAGES if not args.page or p[0] in args.page]
    outcomes: list[Outcome] = []
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.5:
        _say(f"warning: load average {load:.2f} before the run; performance scores will be low")
    try:
        executable = chromium_path()
        with tempfile.TemporaryDirectory(prefix="warehouse-lighthouse-") as scratch:
            folder = Path(scratch)
            with bench_server() as srv:
                base = f"http://{srv.host}:{srv.port}"
                needs_ticket = any("{qc_ticket}" in path for _, _, path in pages)
                names = {"qc_ticket": qc_ticket(srv)} if needs_ticket else {}
                for name, user, path in pages:
                    url = base + path.format(**names)
                    profile = folder / f"profile-{name}"
                    _say(f"{name}: signing in as {user} ...")
                    sign_in(executable, profile, base, user)
                    runs = []
                    for k in range(args.runs):
                        stem = name if args.runs == 1 else f"{name}-run{k + 1}"
                        _say(f"{name}: lighthouse {url} (run {k + 1}/{args.runs}) ...")
                        lhr = lighthouse(executable, profile, url, stem)
                        runs.append((lhr["categories"]["performance"]["score"] or 0, k, lhr))
                    # The median run by performance score stands for the page.
                    _, k, lhr = sorted(runs, key=lambda r: (r[0], r[1]))[len(runs) // 2]
                    if args.runs > 1:
                        _say(f"  performance per run: {[round(r[0] * 100) for r in runs]}")
                        for suffix in (".report.json", ".report.html"):
                            shutil.copyfile(
                                OUTPUT / f"{name}-run{k + 1}{suffix}", OUTPUT / f"{name}{suffix}"
                            )
                    outcome = summarise(name, user, path.format(**names), lhr)
                    outcomes.append(outcome)
                    for warning in outcome.warnings:
                        _say(f"  warning: {warning}")
                    for line in failing_audits(lhr):
                        _say(f"  lost points: {line}")
    except (SetupError, BenchSetupError, subprocess.TimeoutExpired) as exc:
        _say(f"lighthouse could not run: {exc}")
        return 2
    _say(
        f"\nLighthouse 12.2.3, mobile preset (simulated slow 4G, 4x CPU), min score {MIN_SCORE};"
        " transfer = total bytes of the cold first load"
    )
    _say(_table(outcomes))
    _say(f"\nreports: {OUTPUT}/<page>.report.html and .report.json")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())

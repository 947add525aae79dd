"""Dashboards under load: 20 sessions at once, in headless Chromium, against the dashboards' server on a
programme of ~1M events. Prints figures; asserts nothing.

The server is the one `peerpulse serve` starts (same command and options, trusted-header sign-in), with
a hook (tests/benchmarks/page_timings.py) that records, for every page it draws, the seconds spent
reading data (the serving file, names and texts) and in all. After one warm-up visit of each page (the
server's first runs import its modules), 20 browser sessions start within two seconds of each other (4
programme leads, 8 facilitators, 8 members, each a different person) and each opens its role's pages
one after another, --visits times, pausing 2-5 s between pages as a person reading them would. Every
visit is a navigation that starts a new Streamlit session.

- **page data**: per page drawn by the server during the load (p50, p95). Target <= 100 ms p95.
- **first render**: from navigation to the page's title on screen, and to the page fully drawn (its
  script finished), for each session's first page (a new browser context), and for all visits. Target
  <= 1.5 s p95.

Bounded: --sessions (20) x --visits (5) page loads, each given at most 60 s; loopback only.
Run: `.venv/bin/python tests/benchmarks/dashboards_load.py --store .bench1m`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import CACHE, REPO, env_for, materialized_copy, seeded_store

LEAD = "programme.lead@example.org"
TIMEOUT_MS = 60_000


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def people(home: Path, facilitators: int, members: int) -> dict[str, list[str]]:
    """Emails of distinct facilitators (of current groups) and active members who have commitments."""
    from domain.application import open_application
    from domain.config import Settings
    from tests.e2e.test_dashboards_browser import serving

    facilitating = [
        r[0]
        for r in serving(
            home, "SELECT DISTINCT member_id FROM group_facilitators WHERE current ORDER BY 1 LIMIT ?", facilitators
        )
    ]
    members_ = [
        r[0]
        for r in serving(
            home,
            "SELECT DISTINCT c.member_id FROM member_commitments c JOIN group_members m USING (member_id, group_id) "
            "WHERE m.active ORDER BY 1 LIMIT ?",
            members,
        )
    ]
    with open_application(Settings(home=home)) as app:
        return {
            "facilitator": [app.member(m).email for m in facilitating],
            "member": [app.member(m).email for m in members_],
        }


def start_server(home: Path, record: Path, port: int) -> subprocess.Popen:
    from entrypoints.serving import command
    from tests.e2e.test_dashboards_browser import HEADER

    argv = command("127.0.0.1", port)
    at = argv.index("-m")
    argv[at : at + 2] = ["-c", "from tests.benchmarks.page_timings import main; main()", str(record)]
    env = env_for(home, PEERPULSE_TRUSTED_HEADER=HEADER, PEERPULSE_LEADS=LEAD)
    server = subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the dashboards' server did not start")


async def visit(page, address: str) -> tuple[float, float]:
    started = time.perf_counter()
    await page.goto(address, timeout=TIMEOUT_MS)
    await page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    title = time.perf_counter() - started
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    return title, time.perf_counter() - started


async def session(browser, base: str, role: str, email: str, visits: int, delay: float, rng, found: list) -> None:
    from tests.e2e.test_dashboards_browser import HEADER, PAGES, url

    await asyncio.sleep(delay)
    context = await browser.new_context(extra_http_headers={HEADER: email}, viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        for number in range(visits):
            path, _ = PAGES[role][number % len(PAGES[role])]
            title, done = await visit(page, url(base, role, path))
            exceptions = await page.locator('[data-testid="stException"]').count()
            found.append(
                {"role": role, "path": path, "first": number == 0, "title": title, "done": done, "errors": exceptions}
            )
            await asyncio.sleep(rng.uniform(2, 5))
    finally:
        await context.close()


async def load(base: str, who: list[tuple[str, str]], visits: int, record: Path) -> list[dict]:
    from playwright.async_api import async_playwright

    from tests.e2e.test_dashboards_browser import CHROMIUM, CHROMIUM_ARGS, PAGES, url

    rng = random.Random(11)
    found: list[dict] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for role, email in {role: email for role, email in who}.items():  # warm-up: each page once
                context = await browser.new_context(extra_http_headers={"X-Forwarded-Email": email})
                page = await context.new_page()
                for path, _ in PAGES[role]:
                    await visit(page, url(base, role, path))
                await context.close()
            record.write_text("")  # the load starts here
            await asyncio.gather(
                *(session(browser, base, role, email, visits, rng.uniform(0, 2), rng, found) for role, email in who)
            )
        finally:
            await browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=None, help="a seeded PEERPULSE_HOME (default: seed ~1M events)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--visits", type=int, default=5, help="pages each session opens (default 5)")
    args = parser.parse_args()
    store = args.store.resolve() if args.store else seeded_store(args.events)
    home = materialized_copy(store, CACHE / "dashboards-load")
    leads = max(1, args.sessions // 5)
    rest = args.sessions - leads
    found_people = people(home, rest // 2, rest - rest // 2)
    who = [("lead", LEAD)] * leads + [("facilitator", e) for e in found_people["facilitator"]]
    who += [("member", e) for e in found_people["member"]]
    record = home / "page_timings.txt"

    from tests.conftest import free_port

    port = free_port()
    server = start_server(home, record, port)
    try:
        visits = asyncio.run(load(f"http://127.0.0.1:{port}", who, args.visits, record))
    finally:
        import os
        import signal

        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    runs = [tuple(map(float, line.split())) for line in record.read_text().splitlines() if line.strip()]
    data, scripts = [d for d, _ in runs], [s for _, s in runs]
    first = [v for v in visits if v["first"]]
    print(
        f"programme: {store} ({home}); {len(who)} sessions at once, {len(visits)} page loads, {len(runs)} pages drawn"
    )
    print(
        f"page data per page drawn: p50 {quantile(data, 0.5) * 1000:,.0f} ms, "
        f"p95 {quantile(data, 0.95) * 1000:,.0f} ms (target <= 100 ms p95); "
        f"whole script p50 {quantile(scripts, 0.5) * 1000:,.0f} ms, p95 {quantile(scripts, 0.95) * 1000:,.0f} ms"
    )
    for label, chosen in (("first page of each session", first), ("every page load", visits)):
        titles, done = [v["title"] for v in chosen], [v["done"] for v in chosen]
        print(
            f"{label} ({len(chosen)}): title p50 {quantile(titles, 0.5):.2f} s, p95 {quantile(titles, 0.95):.2f} s; "
            f"fully drawn p50 {quantile(done, 0.5):.2f} s, p95 {quantile(done, 0.95):.2f} s (target <= 1.5 s p95)"
        )
    print(f"pages with an error shown: {sum(1 for v in visits if v['errors'])}")


if __name__ == "__main__":
    main()

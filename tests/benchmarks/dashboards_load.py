"""Dashboards under load: 20 sessions at once against the dashboards' server on a programme of ~1M events,
over Streamlit's own websocket, with one real Chromium session among them. Prints figures; asserts nothing.

The server is the one `peerpulse serve` starts (same command and options, trusted-header sign-in), with
a hook (tests/benchmarks/page_timings.py) that records, for every page it draws, the seconds spent
reading data (the serving file, names and texts) and in all. After one warm-up visit of each page (the
server's first runs import its modules), 20 sessions start within two seconds of each other (4
programme leads, 8 facilitators, 8 members, each a different person) and each opens its role's pages
one after another, --visits times, pausing 2-5 s between pages as a person reading them would. Each
page is a new Streamlit session, asked for over the websocket exactly as the browser asks (20 Chromium
tabs would load the 2-core machine more than the server does); meanwhile one Chromium session opens
pages in new browser contexts, timing what a person sees.

- **page data**: per page drawn by the server during the load (p50, p95). Target <= 100 ms p95.
- **first render**: to the page's title and to its last element, for each session's first page and for
  all pages (websocket), and to the title on screen and the page fully drawn in Chromium. Target <= 1.5 s
  p95.

Bounded: --sessions (20) x --visits (5) page loads, each given at most 60 s; loopback only.
Run: `.venv/bin/python tests/benchmarks/dashboards_load.py --store .bench1m`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import CACHE, REPO, env_for, materialized_copy, seeded_store

LEAD = "programme.lead@example.org"
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", 60_000))


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


async def websocket_visit(port: int, email: str, page_name: str) -> tuple[float, float, bool]:
    """One page in a new Streamlit session, as the browser asks for it over the websocket: the seconds
    until the page's title arrived and until its script finished (every element sent), and whether
    the page showed an error."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from tests.e2e.test_dashboards_browser import HEADER

    started = time.perf_counter()
    title = None
    error = False
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream",
        subprotocols=["streamlit"],
        additional_headers={HEADER: email},
        max_size=None,
        open_timeout=TIMEOUT_MS / 1000,
        ping_interval=None,  # a page is one request and its answer; no keep-alive needed
    ) as ws:
        rerun = BackMsg()
        rerun.rerun_script.page_name = page_name
        rerun.rerun_script.query_string = ""
        rerun.rerun_script.context_info.url = f"http://127.0.0.1:{port}/{page_name}"
        await ws.send(rerun.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT_MS / 1000))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element.WhichOneof("type")
                if element == "heading" and title is None:
                    title = time.perf_counter() - started
                error = error or element == "exception"
            if kind == "script_finished":
                done = time.perf_counter() - started
                return (title if title is not None else done), done, error


def page_name(role: str, path: str) -> str:
    """What the browser asks for: the role's default page has no name of its own (it is the root URL)."""
    from tests.e2e.test_dashboards_browser import PAGES

    return "" if path == PAGES[role][0][0] else path


async def session(port: int, role: str, email: str, visits: int, delay: float, rng, found: list) -> None:
    from tests.e2e.test_dashboards_browser import PAGES

    await asyncio.sleep(delay)
    for number in range(visits):
        path, _ = PAGES[role][number % len(PAGES[role])]
        try:
            title, done, error = await websocket_visit(port, email, page_name(role, path))
        except (TimeoutError, OSError) as e:  # counted, not hidden: the page did not arrive in time
            found.append({"role": role, "path": path, "first": number == 0, "failed": type(e).__name__})
            continue
        found.append({"role": role, "path": path, "first": number == 0, "title": title, "done": done, "errors": error})
        await asyncio.sleep(rng.uniform(2, 5))


async def browser_probe(base: str, who: list[tuple[str, str]], visits: int, found: list) -> None:
    """One real browser session among the load: a new Chromium context for each page, timed to the
    title on screen and to the page fully drawn."""
    from playwright.async_api import async_playwright

    from tests.e2e.test_dashboards_browser import CHROMIUM, CHROMIUM_ARGS, HEADER, PAGES, url

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for number in range(visits):
                role, email = who[number % len(who)]
                path, _ = PAGES[role][number % len(PAGES[role])]
                context = await browser.new_context(extra_http_headers={HEADER: email})
                page = await context.new_page()
                started = time.perf_counter()
                await page.goto(url(base, role, path), timeout=TIMEOUT_MS)
                await page.wait_for_selector("h1", timeout=TIMEOUT_MS)
                title = time.perf_counter() - started
                await page.wait_for_selector(
                    '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS
                )
                found.append({"title": title, "done": time.perf_counter() - started})
                await context.close()
                await asyncio.sleep(1)
        finally:
            await browser.close()


async def load(port: int, who: list[tuple[str, str]], visits: int, record: Path) -> tuple[list[dict], list[dict]]:
    from tests.e2e.test_dashboards_browser import PAGES

    rng = random.Random(11)
    for role, email in dict(who).items():  # warm-up: each page once (the server's first runs import modules)
        for path, _ in PAGES[role]:
            await websocket_visit(port, email, page_name(role, path))
    record.write_text("")  # the load starts here
    found: list[dict] = []
    probe: list[dict] = []
    await asyncio.gather(
        browser_probe(f"http://127.0.0.1:{port}", who, visits, probe),
        *(session(port, role, email, visits, rng.uniform(0, 2), rng, found) for role, email in who),
    )
    return found, probe


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
        visits, probe = asyncio.run(load(port, who, args.visits, record))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
    runs = [tuple(map(float, line.split())) for line in record.read_text().splitlines() if line.strip()]
    data, scripts = [r[0] for r in runs], [r[1] for r in runs]
    figures, names = [r[2] for r in runs], [r[3] for r in runs]
    failed = [v for v in visits if "failed" in v]
    visits = [v for v in visits if "failed" not in v]
    first = [v for v in visits if v["first"]]
    print(f"programme: {store} ({home})")
    print(
        f"{len(who)} sessions at once over Streamlit's websocket ({leads} leads, {len(found_people['facilitator'])} "
        f"facilitators, {len(found_people['member'])} members), {len(visits)} page loads, and one Chromium "
        f"session ({len(probe)} page loads): {len(runs)} pages drawn by the server"
    )
    print(
        f"page data per page drawn: p50 {quantile(data, 0.5) * 1000:,.0f} ms, "
        f"p95 {quantile(data, 0.95) * 1000:,.0f} ms (target <= 100 ms p95); "
        f"whole script p50 {quantile(scripts, 0.5) * 1000:,.0f} ms, p95 {quantile(scripts, 0.95) * 1000:,.0f} ms"
    )
    print(
        f"  of the page data: figures (serving file) p95 {quantile(figures, 0.95) * 1000:,.0f} ms, "
        f"names and texts (event store) p95 {quantile(names, 0.95) * 1000:,.0f} ms"
    )
    for label, chosen in (
        ("first page of each session (websocket)", first),
        ("every page (websocket, each a new session)", visits),
        ("every page in Chromium, under that load", probe),
    ):
        titles, done = [v["title"] for v in chosen], [v["done"] for v in chosen]
        print(
            f"{label} ({len(chosen)}): title p50 {quantile(titles, 0.5):.2f} s, p95 {quantile(titles, 0.95):.2f} s; "
            f"fully drawn p50 {quantile(done, 0.5):.2f} s, p95 {quantile(done, 0.95):.2f} s (target <= 1.5 s p95)"
        )
    print(
        f"pages that showed an error: {sum(1 for v in visits if v['errors'])}; pages that did not arrive within "
        f"{TIMEOUT_MS // 1000} s: {len(failed)}"
    )


if __name__ == "__main__":
    main()

"""A whole session (import -> materialize -> serve -> erase) with every log captured: no name, email or
commitment text in any log line, Dagster run log or URL; names and texts on screen only for the viewers
entitled to them, and nowhere once the member is erased."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import unquote

import pytest

from tests.e2e.test_dashboards_browser import (
    HEADER,
    LEAD,
    PAGES,
    PEERPULSE,
    base_env,
    dashboards_server,
    serving,
    url,
    visitor,
)

pytestmark = pytest.mark.slow


def run(env: dict, *args: str) -> str:
    done = subprocess.run([PEERPULSE, *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout + done.stderr


def main_text(me) -> str:
    return me.page.locator('[data-testid="stMain"]').text_content()  # with the cells tables keep for screen readers


def test_a_whole_session_keeps_personal_data_out_of_logs_and_off_unentitled_screens(tmp_path, browser):
    home = tmp_path / "home"
    env = base_env(home, PEERPULSE_LOG_LEVEL="DEBUG")  # Dagster's whole run log, metadata included
    jsonl = tmp_path / "programme.jsonl"
    logs = [
        run(env, "seed", "--groups", "3", "--months", "12", "--seed", "21", "--jsonl", str(jsonl)),
        run(env, "import", str(jsonl)),
        run(env, "materialize"),
    ]

    commands = [json.loads(line) for line in jsonl.read_text().splitlines()]
    people = {c["member"]: c for c in commands if c["type"] == "register_member"}
    # A facilitator of one group only (their page opens on it), and the members of that group.
    facilitator, group = serving(
        home,
        "SELECT member_id, any_value(group_id) FROM group_facilitators WHERE current "
        "GROUP BY 1 HAVING count(*) = 1 ORDER BY 1 LIMIT 1",
    )[0]
    candidates = [
        r[0]
        for r in serving(
            home,
            "SELECT m.member_id FROM group_members m JOIN member_commitments c USING (member_id, group_id) "
            "WHERE m.group_id = ? AND m.active AND m.member_id <> ? GROUP BY 1 ORDER BY count(*) DESC, 1",
            group,
            facilitator,
        )
    ]

    server_log = tmp_path / "server.log"
    serve_env = base_env(home, PEERPULSE_TRUSTED_HEADER=HEADER, PEERPULSE_LEADS=LEAD)
    urls: list[str] = []
    with dashboards_server(serve_env, log_to=server_log) as base:
        with visitor(browser, people[facilitator]["email"]) as held:  # a facilitator keeps this page open
            held.open(url(base, "facilitator", "group_next_meeting"))
            shown = main_text(held)
            urls += held.requests

            def own_texts_of(member: str) -> list[str]:
                texts = [c["text"] for c in commands if c["type"] == "make_commitment" and c["member"] == member]
                others = {c["text"] for c in commands if c["type"] == "make_commitment" and c["member"] != member}
                return [t for t in texts if t not in others]  # template texts several members share prove nothing

            # The member to erase: one the facilitator's page shows by name and by a commitment text.
            named = [m for m in candidates if people[m]["name"] in shown and any(t in shown for t in own_texts_of(m))]
            assert named, "the facilitator sees their group's members by name, and what they committed to"
            member = named[0]
            name, email = people[member]["name"], people[member]["email"]
            own_texts = own_texts_of(member)
            secrets = [name, email, *own_texts]
            with visitor(browser, email) as me:
                me.open(url(base, "member", "my_commitments"))
                # the tables draw on a canvas, with the cells a screen reader reads in the page (hidden)
                shown = lambda: me.page.locator('[data-testid="stMain"]').text_content()  # noqa: E731
                me.page.wait_for_function(
                    "texts => texts.some(t => document.querySelector('[data-testid=stMain]').textContent.includes(t))",
                    arg=own_texts,
                    timeout=20_000,
                )
                assert any(t in shown() for t in own_texts), "a member sees their own commitments"
                urls += me.requests
            with visitor(browser, LEAD) as me:
                for path, _ in PAGES["lead"]:
                    me.open(url(base, "lead", path))
                    shown = main_text(me)
                    assert not [s for s in secrets if s in shown], "a lead never sees names or commitment texts"
                urls += me.requests

            logs.append(run(env, "erase-member", member, "--yes"))

            # The same running server, the same open page, reloaded: the member's data is gone from it.
            held.page.reload()
            held.open(held.page.url)
            shown = main_text(held)
            assert name not in shown and not [t for t in own_texts if t in shown]
            urls += held.requests
        with visitor(browser, email) as me:
            me.open(base)
            assert "My commitments" not in main_text(me), "an erased member is nobody now"
            urls += me.requests

    logs.append(server_log.read_text())
    everything = "\n".join(logs)
    assert "materialize" in everything.lower() or "published" in everything  # the logs were captured
    leaked = [s for s in secrets if s.lower() in everything.lower()]
    assert leaked == [], "personal data in the logs"
    in_urls = [s for s in secrets if any(s.lower() in unquote(u).lower() for u in urls)]
    assert in_urls == [], "personal data in a URL"

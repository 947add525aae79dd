"""The dashboards in-process (Streamlit's AppTest), on a seeded programme built by the real warehouse.

Identity comes from `at.user`, as OpenID Connect sign-in gives it (an [auth] section in the secrets).
Each page's figures are checked against the serving file read directly, and every role's reach against
what it is entitled to: a member's pages load only that member's rows, a facilitator's only their
groups', a lead's never a name or a text; query parameters change nothing.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboards import ui
from domain import ids
from domain.application import open_application
from domain.config import Settings
from tests.conftest import REPO
from warehouse import formatting as fmt

APP = REPO / "dashboards" / "app.py"
AS_OF = date(2026, 6, 30)
LEAD = "Programme.Lead@Example.org"  # PEERPULSE_LEADS matches emails case-insensitively
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "x",
    "client_secret": "x",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}

LEAD_PAGES = ("views/programme_portfolio.py", "views/programme_trends.py", "views/programme_retention.py")
FACILITATOR_PAGES = (
    "views/group_next_meeting.py",
    "views/group_airtime.py",
    "views/record_meeting.py",
    "views/correct_meeting.py",
)
MEMBER_PAGES = ("views/my_commitments.py", "views/my_attendance.py", "views/my_check_in.py")
ADMIN_PAGES = ("views/admin_groups.py", "views/admin_members.py")
EMAILS_PAGE = ("views/my_emails.py",)  # for anyone PeerPulse emails: leads, facilitators, members


@dataclass
class Person:
    member_id: str
    name: str
    email: str


@dataclass
class Programme:
    settings: Settings
    people: dict[str, Person]  # member id -> person
    texts: dict[str, str]  # commitment id -> text
    group_names: dict[str, str]

    def serving(self, sql: str, *params: object) -> pl.DataFrame:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"ATTACH '{self.settings.serving_path}' AS s (READ_ONLY)")
            con.execute("USE s")
            return con.sql(sql, params=list(params)).pl() if params else con.sql(sql).pl()
        finally:
            con.close()

    def facilitators(self) -> dict[str, tuple[str, ...]]:
        rows = self.serving(
            "SELECT member_id, list(group_id ORDER BY group_id) AS groups FROM group_facilitators "
            "WHERE current GROUP BY ALL"
        )
        return {r["member_id"]: tuple(r["groups"]) for r in rows.iter_rows(named=True)}

    def members(self) -> list[str]:
        return self.serving("SELECT DISTINCT member_id FROM group_members ORDER BY member_id")["member_id"].to_list()

    def plain_member(self) -> Person:
        """A member who facilitates nothing and is active, with commitments and airtime."""
        found = self.serving(
            "SELECT m.member_id FROM group_members m JOIN member_commitments c USING (member_id) "
            "WHERE m.active AND m.member_id NOT IN (SELECT member_id FROM group_facilitators) "
            "AND m.member_id IN (SELECT member_id FROM meeting_airtime) GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1"
        )
        return self.people[found["member_id"][0]]


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("PEERPULSE_")]:
        del os.environ[key]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def seed_and_publish(home: Path, groups: int = 4, months: int = 12, seed: int = 9) -> Settings:
    from entrypoints.seeding import seed_programme
    from pipelines.refresh import refresh

    settings = Settings(home=home)
    seed_programme(groups=groups, months=months, seed=seed, until=AS_OF)
    refresh(settings, as_of=AS_OF, full=True, say=lambda _: None)
    return settings


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> Iterator[Programme]:
    home = tmp_path_factory.mktemp("dashboards") / "home"
    with environment(
        {
            "PEERPULSE_HOME": str(home),
            "PEERPULSE_LEADS": f"someone@else.org, {LEAD}",
            "PEERPULSE_TODAY": AS_OF.isoformat(),
        }
    ):
        settings = seed_and_publish(home)
        found = Programme(settings, {}, {}, {})
        with open_application(settings) as app:
            for member_id in found.members() + list(found.facilitators()):
                person = app.member(member_id)
                found.people[member_id] = Person(member_id, person.name, person.email)
            for commitment_id in found.serving("SELECT commitment_id FROM member_commitments")["commitment_id"]:
                found.texts[commitment_id] = app.commitment(commitment_id).text
            for group_id in found.serving("SELECT group_id FROM groups")["group_id"]:
                found.group_names[group_id] = app.group(group_id).name
        st.cache_data.clear()
        yield found


def signed_in(email: str, page: str | None = None, query_params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True, "iat": int(time.time())}
    at.query_params.update(query_params or {})
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser: text, table cells and chart data."""
    parts = []

    def walk(node) -> None:
        if getattr(node, "type", None) == "dataframe":
            parts.append(node.value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        children = getattr(node, "children", None) or {}
        for child in children.values() if isinstance(children, dict) else children:
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def shown_text(markdown: str) -> str:
    """What Markdown escaped by `ui.text` reads as on the page."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(ui.JOINER, "")


def metrics(at: AppTest) -> dict[str, str]:
    return {shown_text(m.label): shown_text(m.value) for m in at.metric}


def navigation(at: AppTest) -> set[str]:
    return {
        Path(str(info.get("script_path"))).name for info in at._registered_pages.values() if info.get("script_path")
    }


@contextmanager
def recorded_queries(monkeypatch, fresh: bool = True) -> Iterator[list[pl.DataFrame]]:
    """Every frame the data module reads from the serving file while the block runs (`fresh`: caches
    emptied first; else what is already cached is not read again, and so not recorded)."""
    from warehouse.db import ServingReader

    frames: list[pl.DataFrame] = []
    real = ServingReader.query

    def recording(reader: ServingReader, sql: str, params=()) -> pl.DataFrame:
        frame = real(reader, sql, params)
        frames.append(frame)
        return frame

    if fresh:
        st.cache_data.clear()
    monkeypatch.setattr(ServingReader, "query", recording)
    try:
        yield frames
    finally:
        monkeypatch.setattr(ServingReader, "query", real)


# -- who sees which pages ------------------------------------------------------------------------
def test_each_role_is_offered_its_own_pages_only(programme):
    facilitator, groups = next(iter(programme.facilitators().items()))
    member = programme.plain_member()
    assert navigation(signed_in(LEAD.lower())) == {Path(p).name for p in LEAD_PAGES + EMAILS_PAGE}
    assert navigation(signed_in(programme.people[facilitator].email)) >= {Path(p).name for p in FACILITATOR_PAGES}
    assert navigation(signed_in(member.email)) == {Path(p).name for p in MEMBER_PAGES + EMAILS_PAGE}


def test_an_unknown_email_sees_a_polite_page_and_nothing_else(programme):
    at = signed_in("stranger@nowhere.example")
    assert navigation(at) == {"not_registered.py"}
    assert "not registered" in at.info[0].value
    for page in LEAD_PAGES + FACILITATOR_PAGES + MEMBER_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_signed_out_viewer_is_offered_sign_in_only(programme):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert navigation(at) == {"sign_in.py"}
    assert at.button[0].label == "Sign in"


def test_an_unverified_email_is_not_trusted(programme):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": LEAD, "email_verified": False, "iat": int(time.time())}
    at.run()
    assert navigation(at) == {"sign_in.py"}
    assert at.title[0].value == "Email address not verified"
    assert {b.key for b in at.button} == {"sign_in", "sign_out"}  # another account, or out


def test_a_session_ends_after_session_hours(programme):
    for issued, hours in ((time.time() - 8 * 3600 - 1, None), (time.time() - 3600, 0.5), (None, None)):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.secrets["auth"] = AUTH
        if hours is not None:
            at.secrets["peerpulse"] = {"session_hours": hours}
        at.user = {"is_logged_in": True, "email": LEAD, "email_verified": True} | ({"iat": issued} if issued else {})
        at.run()
        assert navigation(at) == {"sign_in.py"}, (issued, hours)
        assert at.title[0].value == "Your session has ended"
    at.secrets["peerpulse"] = {"session_hours": 2}
    at.user = {"is_logged_in": True, "email": LEAD, "email_verified": True, "iat": int(time.time()) - 3600}
    at.run()
    assert navigation(at) == {Path(p).name for p in LEAD_PAGES + EMAILS_PAGE}


@pytest.mark.parametrize(
    ("outcome", "title"),
    [("failed", "Sign-in did not complete"), ("unavailable", "Sign-in is unavailable"), ("anything", "PeerPulse")],
)
def test_a_sign_in_that_did_not_complete_says_so_once(programme, outcome, title):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.query_params["sign_in"] = outcome
    at.run()
    assert at.title[0].value == title
    assert "sign_in" not in at.query_params  # a reload does not show it again
    assert not at.exception


def test_lead_and_admin_roles_come_from_the_providers_claim(programme):
    member = programme.plain_member()

    def claimed(email: str, groups: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.secrets["auth"] = AUTH
        at.secrets["peerpulse"] = {"roles": {"claim": "groups", "lead": ["pp-leads"], "admin": ["pp-admins"]}}
        at.user = {"is_logged_in": True, "email": email, "email_verified": True, "iat": int(time.time())}
        if groups is not None:
            at.user = dict(at.user) | {"groups": groups}
        at.run()
        assert not at.exception and not at.error
        return at

    stranger = "someone.new@example.org"
    assert navigation(claimed(stranger, ["staff", "pp-leads"])) == {Path(p).name for p in LEAD_PAGES + EMAILS_PAGE}
    lead_and_member = LEAD_PAGES + MEMBER_PAGES + EMAILS_PAGE
    assert navigation(claimed(member.email, ["pp-leads"])) == {Path(p).name for p in lead_and_member}
    assert navigation(claimed(stranger, ["pp-other"])) == {"not_registered.py"}
    assert navigation(claimed(stranger, None)) == {"not_registered.py"}
    # PEERPULSE_LEADS, the fallback
    assert navigation(claimed(LEAD, None)) == {Path(p).name for p in LEAD_PAGES + EMAILS_PAGE}

    admin = claimed(stranger, ["pp-admins"])  # an admin and nothing else: the rosters, no figures
    assert navigation(admin) == {Path(p).name for p in ADMIN_PAGES}
    both = {Path(p).name for p in LEAD_PAGES + ADMIN_PAGES + EMAILS_PAGE}
    assert navigation(claimed(stranger, ["pp-admins", "pp-leads"])) == both


def test_admins_are_named_in_configuration(programme, monkeypatch):
    monkeypatch.setenv("PEERPULSE_ADMINS", "Root@Example.org")
    assert navigation(signed_in("root@example.org")) == {Path(p).name for p in ADMIN_PAGES}
    assert navigation(signed_in(LEAD)) == {Path(p).name for p in LEAD_PAGES + EMAILS_PAGE}


def test_more_than_one_sign_in_source_signs_nobody_in(programme, monkeypatch):
    monkeypatch.setenv("PEERPULSE_TRUSTED_HEADER", "X-Forwarded-Email")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": LEAD, "email_verified": True, "iat": int(time.time())}
    at.run()
    assert navigation(at) == {"signed_out.py"}
    assert "more than one way of signing in" in at.warning[0].value


def at_text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in list(at.title) + list(at.info))


def test_without_any_sign_in_configured_nobody_sees_anything(programme):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.user = {"email": LEAD}  # Streamlit's default user when no [auth] is configured: not a sign-in
    at.run()
    assert navigation(at) == {"signed_out.py"}
    assert "not set up" in at.warning[0].value


def test_a_member_typing_a_lead_or_facilitator_url_lands_on_their_own_page(programme):
    facilitator = next(iter(programme.facilitators()))
    member = programme.plain_member()
    for owner, page in [(LEAD, LEAD_PAGES[0]), (programme.people[facilitator].email, FACILITATOR_PAGES[0])]:
        at = signed_in(owner, page)
        at.user = {"is_logged_in": True, "email": member.email, "iat": int(time.time())}  # now a member's session
        at.run()
        assert not at.exception
        assert at.title[0].value == "My commitments"
        text = page_text(at)
        assert "Programme portfolio" not in text and "next meeting" not in text


# -- programme lead ------------------------------------------------------------------------------
def test_portfolio_shows_the_warehouse_figures(programme):
    at = signed_in(LEAD, LEAD_PAGES[0])
    latest = programme.serving(
        "SELECT h.*, g.active_members FROM group_health h JOIN groups g USING (group_id) WHERE g.active_members > 0 "
        "QUALIFY row_number() OVER (PARTITION BY group_id ORDER BY month DESC) = 1"
    )
    shown = metrics(at)
    for tier in fmt.TIERS:
        assert shown[fmt.tier(tier)] == str(latest.filter(pl.col("tier") == tier).height)
    high = programme.serving(
        "SELECT count(*) AS n FROM dropout_risk JOIN groups USING (group_id) "
        "WHERE level = 'high' AND active_members > 0"
    )
    assert shown["High dropout risk"] == str(high["n"][0])

    table = at.dataframe[0].value
    assert len(table) == latest.height
    by_name = {programme.group_names[r["group_id"]]: r for r in latest.iter_rows(named=True)}
    for _, row in table.iterrows():
        expected = by_name[row["Group"]]
        assert row["Health"] == pytest.approx(expected["health_score"])
        assert row["Tier"] == fmt.tier(expected["tier"])
        assert row["Attendance"] == fmt.percent(expected["attendance_rate"])
        assert row["Follow-through"] == fmt.percent(expected["follow_through_rate"])
        assert row["12-month retention"] == fmt.percent(expected["retention_12m"])
    ranks = [list(fmt.TIERS).index(by_name[g]["tier"]) for g in table["Group"]]
    assert ranks == sorted(ranks), "groups at risk come first"


def test_trends_and_retention_show_the_warehouse_figures(programme):
    at = signed_in(LEAD, LEAD_PAGES[1])
    last = programme.serving("SELECT max(month) AS m FROM group_health")["m"][0]
    median = programme.serving("SELECT median(attendance_rate) AS v FROM group_health WHERE month = ?", last)["v"][0]
    assert metrics(at)[f"Attendance, median group ({fmt.month(last)})"] == fmt.percent(median)

    at = signed_in(LEAD, LEAD_PAGES[2])
    shown = metrics(at)
    for month in (3, 6, 12):
        survival = programme.serving(
            "SELECT survival FROM retention_curve WHERE scope = 'programme' AND cohort = 'all' AND month = ?", month
        )["survival"]
        assert shown[f"Still a member after {month} months"] == (
            fmt.percent(survival[0]) if len(survival) else fmt.NO_DATA
        )
    # four groups over a year: too little history to measure a warning on, and the page says so, shows what
    # the method did on synthetic programmes instead, and says what the check-in list uses meanwhile
    [own] = programme.serving(
        "SELECT * FROM dropout_evaluation WHERE source = 'programme' AND cadence = 'all' AND in_use"
    ).iter_rows(named=True)
    assert (own["model"], own["enough_history"]) == ("absence_rate_last_6", False)
    text = shown_text(page_text(at))
    assert "still too short to measure a dropout warning" in text and "synthetic programmes" in text
    synthetic = programme.serving(
        "SELECT model, auc FROM dropout_evaluation WHERE source = 'synthetic_strong' AND model = 'dropout_model'"
    ).row(0, named=True)
    assert fmt.auc(synthetic["auc"]) in text
    assert "medium from 50" in text and "high from 80" in text  # the levels, from dropout_levels


@contextmanager
def published_as_if(programme: Programme, *statements: str) -> Iterator[None]:
    """The serving file with `statements` applied, swapped in as a publication would be, then put back."""
    path = programme.settings.serving_path
    saved, changed = path.with_name("saved.duckdb"), path.with_name("changed.duckdb")
    saved.write_bytes(path.read_bytes())
    changed.write_bytes(path.read_bytes())
    with duckdb.connect(str(changed)) as con:
        for statement in statements:
            con.execute(statement)
    os.replace(changed, path)
    try:
        yield
    finally:
        os.replace(saved, path)


def test_with_enough_history_the_page_sets_the_score_beside_its_best_baseline(programme):
    # the seeded programme is too young to judge a score on: publish as if its held-out year had been
    programme_rows = "UPDATE dropout_evaluation SET enough_history = true, compared_with = 'rating_last_3'"
    with published_as_if(
        programme,
        f"{programme_rows}, in_use = model = 'dropout_model' WHERE source = 'programme'",
        f"{programme_rows}, auc = 0.74, auc_low = 0.70, auc_high = 0.78, auc_gain = 0.04, auc_gain_low = 0.01, "
        "auc_gain_high = 0.07, recall_30d = 0.42, alerts_per_facilitator_month = 0.98, spells = 2150, "
        "dropouts = 170 WHERE source = 'programme' AND model = 'dropout_model' AND cadence = 'all'",
        f"{programme_rows}, auc = 0.70, auc_low = 0.65, auc_high = 0.73 "
        "WHERE source = 'programme' AND model = 'rating_last_3' AND cadence = 'all'",
        "UPDATE dropout_model SET calibrated = true, model = 'dropout_model'",
    ):
        at = signed_in(LEAD, LEAD_PAGES[2])
        shown = metrics(at)
        text = shown_text(page_text(at))
    assert shown["The fitted score, ROC AUC"] == "0.74"
    assert shown["Best baseline: mean of the last 3 ratings"] == "0.70"
    assert shown["Dropouts warned in time"] == "42%" and shown["Check-ins a facilitator-month"] == "1.0"
    assert "own history" in text and "2150" in text and "170" in text
    # the gain's interval is above 0: "clearly better", and no more
    plain = text.replace("\\", "")  # the proto repr keeps Markdown's escapes of + and .
    assert "clearly better than the best simple baseline" in plain and "+0.04, 95% interval +0.01 to +0.07" in plain
    assert "synthetic programmes where" not in text  # the programme's own evidence, not the generator's


def test_a_lead_never_sees_a_member_name_or_a_commitment_text(programme):
    text = "\n".join(page_text(signed_in(LEAD, page)) for page in LEAD_PAGES)
    assert "Programme portfolio" in text
    for person in programme.people.values():
        assert person.name not in text and person.email not in text
    for commitment in programme.texts.values():
        assert commitment not in text


# -- facilitator ---------------------------------------------------------------------------------
def test_next_meeting_page_shows_what_to_prepare(programme):
    facilitator, groups = next(iter(programme.facilitators().items()))
    at = signed_in(programme.people[facilitator].email, FACILITATOR_PAGES[0])
    group_id = next(g for g in groups if programme.group_names[g] in at.title[0].value)
    overview = programme.serving("SELECT * FROM groups WHERE group_id = ?", group_id).row(0, named=True)
    cadence = {"weekly": "7 days", "biweekly": "14 days", "monthly": "1 month", "quarterly": "3 months"}[
        overview["cadence"]
    ]
    expected = programme.serving(f"SELECT CAST(DATE '{overview['last_held_on']}' + INTERVAL {cadence} AS DATE) AS d")[
        "d"
    ][0]
    next_meeting = max(expected, AS_OF)
    due = programme.serving(
        "SELECT c.* FROM member_commitments c JOIN group_members m USING (group_id, member_id) "
        "WHERE c.group_id = ? AND c.status = 'open' AND c.due_on <= ? AND m.active "
        "ORDER BY c.due_on, c.made_on, c.commitment_id",
        group_id,
        next_meeting,
    )
    shown = metrics(at)
    assert shown["Follow-ups due"] == str(due.height)
    drifting = programme.serving(
        "SELECT count(*) AS n FROM dropout_risk WHERE group_id = ? AND level IN ('high', 'medium')", group_id
    )
    assert shown["To check in with"] == str(drifting["n"][0])
    if due.height:
        # one list item per commitment due, in due order: who, what (as text), and when
        items = [m.value for m in at.markdown if m.value.startswith("- **") and "due " in m.value]
        assert len(items) == due.height
        for item, (member_id, commitment_id, due_on) in zip(
            items, due.select("member_id", "commitment_id", "due_on").rows(), strict=True
        ):
            assert item.startswith(
                f"- **{ui.text(programme.people[member_id].name)}**: {ui.text(programme.texts[commitment_id])}"
            )
            assert f"due {ui.text(fmt.day(due_on))}" in item


def test_airtime_page_shows_the_last_meeting(programme):
    facilitator, groups = next(iter(programme.facilitators().items()))
    at = signed_in(programme.people[facilitator].email, FACILITATOR_PAGES[1])
    group_id = next(g for g in groups if programme.group_names[g] in at.title[0].value)
    last = programme.serving(
        "SELECT airtime_gini, top_speaker_share FROM meeting_summary WHERE group_id = ? AND airtime_gini IS NOT NULL "
        "ORDER BY held_on DESC LIMIT 1",
        group_id,
    ).row(0, named=True)
    shown = metrics(at)
    assert shown["Airtime Gini, last meeting"] == fmt.gini(last["airtime_gini"])
    assert shown["Top speaker's share, last meeting"] == fmt.percent(last["top_speaker_share"])


def test_a_facilitator_of_several_groups_switches_between_them(programme):
    facilitator, groups = max(programme.facilitators().items(), key=lambda item: len(item[1]))
    assert len(groups) > 1, "the seeded programme has a facilitator of several groups"
    at = signed_in(programme.people[facilitator].email, FACILITATOR_PAGES[0])
    for group_id in groups:
        at.sidebar.selectbox[0].select(group_id).run()
        assert programme.group_names[group_id] in at.title[0].value
        at.switch_page(FACILITATOR_PAGES[1]).run()  # the choice carries over to the airtime page
        assert at.title[0].value == f"Airtime in {programme.group_names[group_id]}"
        at.switch_page(FACILITATOR_PAGES[0]).run()


def test_a_facilitator_sees_only_their_groups(programme, monkeypatch):
    facilitators = programme.facilitators()
    for facilitator, groups in facilitators.items():
        email = programme.people[facilitator].email
        for page in FACILITATOR_PAGES:
            with recorded_queries(monkeypatch) as frames:
                at = signed_in(email, page)
            loaded = {g for f in frames if "group_id" in f.columns for g in f["group_id"]}
            assert loaded <= set(groups) | set(
                programme.serving("SELECT group_id FROM group_members WHERE member_id = ?", facilitator)["group_id"]
            )
            if len(groups) > 1:
                chooser = at.sidebar.selectbox[0]
                assert chooser.label == "Group"
                assert set(chooser.options) == {programme.group_names[g] for g in groups}
            text = page_text(at)
            others = programme.serving(
                "SELECT DISTINCT member_id FROM group_members WHERE NOT list_contains(?, group_id) "
                "AND member_id NOT IN (SELECT member_id FROM group_members WHERE list_contains(?, group_id))",
                list(groups),
                list(groups),
            )["member_id"]
            mine = programme.serving(
                "SELECT DISTINCT member_id FROM group_members WHERE list_contains(?, group_id)", list(groups)
            )["member_id"]
            visible = {programme.people[m].name for m in [*mine, facilitator]}
            for other in others:
                # two people may share a name (the programme has two Chloé Merciers): only a name nobody
                # the facilitator may see carries would betray someone else
                if other != facilitator and programme.people[other].name not in visible:
                    assert programme.people[other].name not in text


# -- member --------------------------------------------------------------------------------------
def test_member_pages_show_the_warehouse_figures(programme):
    member = programme.plain_member()
    at = signed_in(member.email, MEMBER_PAGES[0])
    mine = programme.serving("SELECT * FROM member_commitments WHERE member_id = ?", member.member_id)
    counted = mine.filter((pl.col("status") != "open") | pl.col("overdue"))
    shown = metrics(at)
    assert shown["Follow-through"] == fmt.percent(
        counted["outcome_score"].fill_null(0).mean() if counted.height else None
    )
    assert shown["Open"] == str(mine.filter(pl.col("status") == "open").height)
    assert shown["Overdue"] == str(mine.filter(pl.col("overdue")).height)
    every = at.dataframe[-1].value
    assert sorted(every["Commitment"]) == sorted(programme.texts[c] for c in mine["commitment_id"])

    at = signed_in(member.email, MEMBER_PAGES[1])
    attendance = programme.serving("SELECT status FROM meeting_attendance WHERE member_id = ?", member.member_id)
    attended = attendance.filter(pl.col("status").is_in(["present", "late"])).height
    shown = metrics(at)
    assert shown["Meetings attended"] == f"{attended} of {attendance.height}"
    assert shown["Attendance"] == fmt.percent(attended / attendance.height)
    last = programme.serving(
        "SELECT share, dominance_ratio FROM meeting_airtime WHERE member_id = ? ORDER BY held_on DESC LIMIT 1",
        member.member_id,
    ).row(0, named=True)
    assert shown["Your share, last meeting"] == fmt.percent(last["share"])
    assert shown["Times a fair share, last meeting"] == fmt.ratio(last["dominance_ratio"])


def test_every_row_a_member_loads_is_their_own(programme, monkeypatch):
    facilitators = programme.facilitators()
    checked = 0
    for member_id in programme.members():
        if member_id in facilitators:
            continue  # their facilitator pages are checked above
        person = programme.people[member_id]
        others = [p for m, p in programme.people.items() if m != member_id]
        own = {
            programme.texts[c]
            for c in programme.serving("SELECT commitment_id FROM member_commitments WHERE member_id = ?", member_id)[
                "commitment_id"
            ]
        }
        # Each member's queries are cached under their own id, so their first visit reads everything it
        # shows; a query not scoped to the member would be read (and caught) on the first one.
        with recorded_queries(monkeypatch, fresh=False) as frames:
            at = signed_in(person.email)  # their first page: My commitments
            texts = [page_text(at)]
            at.switch_page(MEMBER_PAGES[1]).run()
            assert not at.exception and not at.error
            texts.append(page_text(at))
        assert at.title[0].value == "My attendance and airtime"
        for frame in frames:
            assert "member_id" in frame.columns, frame.columns
            assert set(frame["member_id"]) <= {member_id}
        for text in texts:
            assert not [p.name for p in others if p.name in text and p.name != person.name]
            assert not [t for t in programme.texts.values() if t in text and t not in own]
        checked += 1
    assert checked >= 20


def test_query_parameters_change_nothing(programme):
    facilitator = next(iter(programme.facilitators()))
    member = programme.plain_member()
    forged = {
        "email": LEAD,
        "user": LEAD,
        "member": facilitator,
        "group": "g0001",
        "page": "programme_portfolio",
        "embed": "true",
        "role": "lead",
    }
    for email, page in [
        (member.email, MEMBER_PAGES[0]),
        (member.email, MEMBER_PAGES[1]),
        (programme.people[facilitator].email, FACILITATOR_PAGES[0]),
        (LEAD, LEAD_PAGES[0]),
    ]:
        plain = page_text(signed_in(email, page))
        with_params = page_text(signed_in(email, page, query_params=forged))
        assert with_params == plain


def test_nothing_published_yet_is_explained(tmp_path):
    with environment({"PEERPULSE_HOME": str(tmp_path / "empty"), "PEERPULSE_LEADS": LEAD}):
        at = signed_in(LEAD)
    assert at.title[0].value == "Nothing to show yet"
    assert "peerpulse materialize" in at.info[0].value


# -- demo sign-in --------------------------------------------------------------------------------
@contextmanager
def demo_server(address: str | None) -> Iterator[None]:
    """As `peerpulse demo` starts the app: PEERPULSE_DEMO=1, Streamlit bound to `address`."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", address)
    os.environ["PEERPULSE_DEMO"] = "1"
    try:
        yield
    finally:
        del os.environ["PEERPULSE_DEMO"]
        config.set_option("server.address", before)


def test_demo_sign_in_lets_a_visitor_try_each_role_on_loopback(programme):
    from dashboards.identity import DEMO_PERSONA_KEY

    with demo_server("127.0.0.1"):
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        assert navigation(at) == {"demo_sign_in.py"}
        assert "Demo" in at.sidebar.warning[0].value
        roles = {b.key.removeprefix("persona-"): b for b in at.button}
        assert {"Programme lead", "Facilitator", "Member"} <= set(roles)
        roles["Member"].click().run()
        assert navigation(at) == {Path(p).name for p in MEMBER_PAGES + EMAILS_PAGE}
        at.button(key="sign_out").click().run()
        assert navigation(at) == {"demo_sign_in.py"}
        next(b for b in at.button if b.key == "persona-Programme lead").click().run()
        assert navigation(at) == {Path(p).name for p in LEAD_PAGES + EMAILS_PAGE}

        # only a persona the demo offers, never any address put into the session
        persona = programme.plain_member().member_id  # chosen by the same rule as the demo's member persona
        other = next(m for m in reversed(programme.members()) if m != persona and m not in programme.facilitators())
        for someone in (LEAD, programme.people[other].email):
            at = AppTest.from_file(str(APP), default_timeout=60)
            at.session_state[DEMO_PERSONA_KEY] = someone
            at.run()
            assert navigation(at) == {"demo_sign_in.py"}


def test_demo_sign_in_does_not_exist_off_loopback(programme):
    from dashboards.identity import DEMO_LEAD_EMAIL, DEMO_PERSONA_KEY

    for address in ("0.0.0.0", None, "192.168.1.10"):
        with demo_server(address):
            at = AppTest.from_file(str(APP), default_timeout=60)
            at.session_state[DEMO_PERSONA_KEY] = DEMO_LEAD_EMAIL
            at.run()
            assert navigation(at) == {"signed_out.py"}, address
            assert "127.0.0.1" in at.caption[0].value


def test_each_person_turns_their_own_emails_off_and_the_link_alone_changes_nothing(programme):
    member = programme.plain_member()
    at = signed_in(member.email, "views/my_emails.py", query_params={"kind": "nudge"})
    assert [t.label for t in at.toggle] == ["Commitment reminders"]  # a plain member gets nudges only
    assert all(t.value for t in at.toggle)
    assert "You came from a Commitment reminders email" in at.info[0].value
    with open_application(programme.settings) as app:
        assert app.turned_off(f"member:{member.member_id}") == frozenset()  # opening the link turned nothing off

    at.toggle[0].set_value(False)
    at.button[0].click().run()
    assert not at.exception and not at.error
    with open_application(programme.settings) as app:
        assert app.turned_off(f"member:{member.member_id}") == {"nudge"}
        recorded = app.history([ids.message_preferences_id(f"member:{member.member_id}")])
        assert {(r.who, r.via) for r in recorded} == {(f"member:{member.member_id}", "browser")}

    lead = signed_in(LEAD, "views/my_emails.py")  # a lead named in PEERPULSE_LEADS, not a registered member
    assert [t.label for t in lead.toggle] == ["Weekly programme digest"]
    lead.toggle[0].set_value(False)
    lead.button[0].click().run()
    with open_application(programme.settings) as app:
        assert app.turned_off(app.recipient_for(email=LEAD)) == {"digest"}
        assert app.recipient_for(email=LEAD).startswith("person:")  # a keyed digest, never the address
    assert signed_in(LEAD, "views/my_emails.py").toggle[0].value is False


def test_when_the_baseline_beat_the_fitted_score_the_page_says_the_list_uses_the_baseline(programme):
    programme_rows = "UPDATE dropout_evaluation SET enough_history = true, compared_with = 'rating_last_3'"
    with published_as_if(
        programme,
        f"{programme_rows}, in_use = model = 'rating_last_3' WHERE source = 'programme'",
        f"{programme_rows}, auc = 0.54, auc_low = 0.50, auc_high = 0.58, auc_gain = -0.01, auc_gain_low = -0.05, "
        "auc_gain_high = 0.03 WHERE source = 'programme' AND model = 'dropout_model' AND cadence = 'all'",
        f"{programme_rows}, auc = 0.55, auc_low = 0.51, auc_high = 0.59, recall_30d = 0.1 "
        "WHERE source = 'programme' AND model = 'rating_last_3' AND cadence = 'all'",
    ):
        at = signed_in(LEAD, LEAD_PAGES[2])
        plain = shown_text(page_text(at)).replace("\\", "")
    assert "The fitted score did no better than **mean of the last 3 ratings**" in plain
    assert "-0.01, 95% interval -0.05 to +0.03" in plain and "uses that baseline instead" in plain

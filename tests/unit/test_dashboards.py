"""The dashboards' pure parts, with no server and no files: formatting, chart builders, entitlements,
and the `serve` command line."""

from __future__ import annotations

import argparse
from datetime import date

import altair as alt
import polars as pl
import pytest

from dashboards import charts, people
from dashboards.data import serving
from dashboards.data.serving import ask
from dashboards.viewer import NotEntitled, Viewer
from domain.errors import ConfigurationError
from warehouse import formatting as fmt
from warehouse.queries import facilitator, identity, lead, member

LEAD = Viewer(email="lead@example.org", is_lead=True)
FACILITATOR = Viewer(email="f@example.org", member_id="f1", facilitates=("g1",), member_of=("g2",))
MEMBER = Viewer(email="m@example.org", member_id="m1", member_of=("g1",))
STRANGER = Viewer(email="who@example.org")


# -- formatting ----------------------------------------------------------------------------------
def test_figures_read_the_way_people_read_them():
    assert fmt.percent(0.853) == "85%"
    assert fmt.percent(1.0) == "100%"
    assert fmt.percent(None) == fmt.NO_DATA  # NULL is "no data", never 0
    assert fmt.day(date(2026, 3, 3)) == "3 Mar 2026"
    assert fmt.weekday(date(2026, 3, 3)) == "Tue 3 Mar 2026"
    assert fmt.month(date(2026, 3, 1)) == "Mar 2026"
    assert fmt.gini(0.2549) == "0.25"
    assert fmt.times_fair_share(2.449) == "2.4× a fair share"
    assert fmt.count(1, "meeting") == "1 meeting" and fmt.count(3, "meeting") == "3 meetings"
    assert fmt.tier("at_risk") == "🟠 At risk" and fmt.tier(None) == fmt.NO_DATA


def test_dropout_reasons_are_said_in_words_in_the_warehouse_order():
    said = fmt.reasons("consecutive_absences,going_quiet")
    assert said.index("in a row") < said.index("quiet")
    assert "_" not in said
    assert fmt.reasons("") == fmt.NO_DATA
    assert fmt.reasons("a_new_signal") == "a new signal"  # a code the dashboards do not know yet still reads


def test_every_code_the_dropout_warning_publishes_has_words():
    from warehouse import dropout

    assert set(dropout.FEATURES.values()) | set(dropout.BASELINE_REASONS.values()) <= set(fmt.REASONS)
    assert {s.name for s in dropout.SCORERS} == set(fmt.MODELS)
    assert set(dropout.FEATURES) | set(dropout.BASELINES) <= set(fmt.TERMS)


# -- chart builders ------------------------------------------------------------------------------
def test_every_chart_builder_makes_a_valid_chart_from_warehouse_shaped_frames():
    months = [date(2026, m, 1) for m in (1, 2, 3)]
    meetings = [date(2026, 1, 5), date(2026, 2, 2)]
    components = pl.DataFrame(
        {
            "group_id": ["g1"] * 6,
            "group": ["North"] * 6,
            "month": [months[0]] * 6,
            "component": charts.COMPONENTS,
            "score": [70.0, 80.0, None, 60.0, 90.0, 75.0],
        }
    )
    tiers = pl.DataFrame(
        {
            "tier": ["high_risk", "at_risk", "fit", "healthy"],
            "min_score": [0.0, 50.0, 65.0, 80.0],
            "tier_order": [1, 2, 3, 4],
        }
    )
    built = [
        charts.component_heatmap(components, ["North"]),
        charts.health_trend(components, tiers),
        charts.tier_mix(pl.DataFrame({"month": months, "tier": ["fit", "at_risk", "healthy"], "groups": [3, 1, 2]})),
        charts.programme_trend(
            pl.DataFrame(
                {
                    "month": months,
                    "figure": ["Attendance"] * 3,
                    "lower_quartile": [0.7] * 3,
                    "median": [0.8] * 3,
                    "upper_quartile": [0.9] * 3,
                    "groups": [4] * 3,
                }
            )
        ),
        charts.retention_curves(
            pl.DataFrame(
                {
                    "cohort": ["all", "all"],
                    "month": [0, 1],
                    "survival": [1.0, 0.9],
                    "at_risk": [10, 9],
                    "dropouts": [0, 1],
                }
            )
        ),
        charts.evaluation_intervals(
            pl.DataFrame(
                {
                    "model": ["The fitted score", "Mean of the last 3 ratings"],
                    "auc": [0.74, 0.70],
                    "auc_low": [0.70, None],
                    "auc_high": [0.78, None],
                    "in_use": [True, False],
                }
            )
        ),
        charts.model_terms(pl.DataFrame({"figure": ["Mean of the last 3 ratings"], "coefficient": [-0.5]})),
        charts.attendance_heatmap(
            pl.DataFrame({"member": ["Ann", "Bob"], "held_on": meetings, "status": ["present", "absent"]})
        ),
        charts.airtime_shares(
            pl.DataFrame(
                {
                    "member": ["Ann", "Bob"],
                    "held_on": [meetings[0]] * 2,
                    "share": [0.7, 0.3],
                    "dominance_ratio": [1.4, 0.6],
                    "seconds": [700.0, 300.0],
                }
            )
        ),
        charts.gini_trend(
            pl.DataFrame({"held_on": meetings, "airtime_gini": [0.2, None], "top_speaker_share": [0.4, None]})
        ),
        charts.lorenz_curve(pl.DataFrame({"member": ["Ann", "Bob"], "share": [0.7, 0.3]})),
        charts.commitment_timeline(
            pl.DataFrame(
                {
                    "label": ["a", "b"],
                    "made_on": meetings,
                    "due_on": [date(2026, 2, 1)] * 2,
                    "closed_on": [date(2026, 2, 2), None],
                    "status": ["done", "open"],
                    "times_carried_forward": [0, 1],
                }
            )
        ),
        charts.attendance_strip(pl.DataFrame({"held_on": meetings, "status": ["present", "late"]})),
        charts.airtime_against_fair_share(
            pl.DataFrame({"held_on": meetings, "share": [0.2, 0.1], "fair_share": [0.1, 0.1]})
        ),
    ]
    for chart in built:
        assert isinstance(chart, alt.TopLevelMixin)
        spec = chart.to_dict()
        assert "$schema" in spec


def test_lorenz_curve_runs_from_nobody_to_everybody_quietest_first():
    spec = charts.lorenz_curve(pl.DataFrame({"member": ["Ann", "Bob", "Cy"], "share": [0.6, 0.1, 0.3]})).to_dict()
    points = next(v for v in spec["datasets"].values() if len(v) == 4)
    assert [p["people"] for p in points] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert [p["airtime"] for p in points] == pytest.approx([0, 0.1, 0.4, 1.0])
    assert [p["member"] for p in points] == ["", "Bob", "Cy", "Ann"]


def test_charts_with_a_row_per_person_size_to_their_rows():
    grid = pl.DataFrame(
        {"member": [f"m{i}" for i in range(10)], "held_on": [date(2026, 1, 5)] * 10, "status": ["present"] * 10}
    )
    spec = charts.attendance_heatmap(grid).to_dict()
    assert spec["autosize"]["type"] == "fit-x"  # Streamlit would otherwise squeeze the rows into the height
    assert spec["height"] >= 10 * 20


# -- entitlements --------------------------------------------------------------------------------
def test_each_role_is_entitled_to_its_own_scope_only():
    LEAD.require_lead()
    with pytest.raises(NotEntitled):
        FACILITATOR.require_lead()
    FACILITATOR.require_facilitator_of("g1")
    for viewer in (LEAD, MEMBER, FACILITATOR):
        with pytest.raises(NotEntitled):
            viewer.require_facilitator_of("g2")
    assert MEMBER.require_member() == "m1"
    with pytest.raises(NotEntitled):
        LEAD.require_member()
    assert not STRANGER.has_a_role and LEAD.has_a_role and MEMBER.is_member and not MEMBER.is_facilitator


def test_data_functions_refuse_before_they_read(monkeypatch):
    def no_reading(*_):
        raise AssertionError("read the warehouse for a viewer not entitled to it")

    from warehouse.db import ServingReader

    monkeypatch.setattr(serving, "current", lambda: "publication")
    monkeypatch.setattr(ServingReader, "query", no_reading)
    for refused in (
        lambda: ask(MEMBER, lead.portfolio),
        lambda: ask(FACILITATOR, lead.retention),
        lambda: ask(MEMBER, lead.dropout_evaluation),
        lambda: ask(FACILITATOR, lead.health_validation),
        lambda: ask(MEMBER, facilitator.commitments_due, "g1", date(2026, 1, 1)),
        lambda: ask(FACILITATOR, facilitator.airtime, "g2"),
        lambda: ask(LEAD, facilitator.drifting_members, "g1"),
        lambda: ask(FACILITATOR, facilitator.group_overviews, ("g1", "g2")),  # one group not theirs
        lambda: ask(FACILITATOR, facilitator.next_meeting, "g2", date(2026, 1, 1)),
        lambda: ask(LEAD, member.commitments, "m1"),
        lambda: ask(STRANGER, member.airtime, None),
        lambda: ask(MEMBER, member.airtime, "m2"),  # another member's rows, asked by id
        lambda: ask(MEMBER, member.commitments_falling_due, date(2026, 1, 1), date(2026, 1, 8)),  # the sender's
        lambda: ask(LEAD, identity.demo_people),  # the product's own look-up, never a viewer's
    ):
        with pytest.raises(NotEntitled):
            refused()


def test_names_and_texts_only_for_who_may_see_them(monkeypatch):
    monkeypatch.setattr(people, "_store_version", lambda: "v")
    monkeypatch.setattr(people, "_group_names", lambda ids: {i: {"g1": "North", "g2": "South"}[i] for i in ids})
    monkeypatch.setattr(
        people,
        "_group_members",
        lambda group_id, _: {"g1": frozenset({"m1", "m2", "f1"}), "g2": frozenset({"f1", "m3"})}[group_id],
    )
    monkeypatch.setattr(people, "_names", lambda ids, _: {i: f"Name of {i}" for i in ids})
    texts = {"c1": ("m1", "g1", "Hire a COO"), "c2": ("m2", "g1", "Sell the boat"), "c3": ("m3", "g2", "Move abroad")}
    monkeypatch.setattr(people, "_commitments", lambda ids, _: {i: texts[i] for i in ids})

    assert people.member_names(FACILITATOR, "g1", ["m2", "m1"]) == {"m1": "Name of m1", "m2": "Name of m2"}
    with pytest.raises(NotEntitled):
        people.member_names(FACILITATOR, "g1", ["m3"])  # someone from another group
    with pytest.raises(NotEntitled):
        people.member_names(FACILITATOR, "g2", ["m3"])  # a group they are a member of, not the facilitator of
    with pytest.raises(NotEntitled):
        people.member_names(LEAD, "g1", ["m1"])  # a lead never sees a person's name

    assert people.commitment_texts(FACILITATOR, ["c1", "c2"]) == {"c1": "Hire a COO", "c2": "Sell the boat"}
    assert people.commitment_texts(MEMBER, ["c1"]) == {"c1": "Hire a COO"}
    for viewer, ids in ((MEMBER, ["c2"]), (LEAD, ["c1"]), (FACILITATOR, ["c3"])):
        with pytest.raises(NotEntitled):
            people.commitment_texts(viewer, ids)

    assert people.group_names(LEAD, ["g1", "g2"]) == {"g1": "North", "g2": "South"}
    assert people.group_names(FACILITATOR, ["g1", "g2"]) == {"g1": "North", "g2": "South"}
    with pytest.raises(NotEntitled):
        people.group_names(MEMBER, ["g2"])


# -- peerpulse serve -----------------------------------------------------------------------------
def test_serve_listens_on_loopback_by_default_with_usage_statistics_off():
    from entrypoints import serving as cli

    parser = argparse.ArgumentParser()
    cli.add_parsers(parser.add_subparsers())
    args = parser.parse_args(["serve"])
    assert (args.host, args.port, args.demo) == ("127.0.0.1", 8501, False)
    command = cli.command("127.0.0.1", 8600)
    for option in (
        "--browser.gatherUsageStats=false",
        "--server.address=127.0.0.1",
        "--server.port=8600",
        "--client.showErrorDetails=none",
        "--server.headless=true",
    ):
        assert option in command


def test_the_demo_sign_in_runs_only_on_loopback(monkeypatch):
    from entrypoints import serving as cli

    with pytest.raises(ConfigurationError, match="127.0.0.1"):
        cli.serve(host="0.0.0.0", port=8600, demo=True)
    monkeypatch.setenv("PEERPULSE_DEMO", "1")
    assert "PEERPULSE_DEMO" not in cli.environment(demo=False)  # never inherited: only `--demo` turns it on
    assert cli.environment(demo=True)["PEERPULSE_DEMO"] == "1"


def test_serve_reads_exactly_the_secrets_file_it_checked(tmp_path):
    from domain.config import SECRETS, Config, read_secrets
    from entrypoints import serving as cli

    secrets = tmp_path / "secrets.toml"
    assert f"--secrets.files={secrets}" in cli.command("127.0.0.1", 8600, secrets)
    assert f"--secrets.files={SECRETS}" in cli.command("127.0.0.1", 8600)
    assert read_secrets(tmp_path / "none.toml") == {}
    assert Config.load(environ={"PEERPULSE_SECRETS": str(secrets)}).secrets_path == secrets  # as Dagster finds it
    secrets.write_text('[auth]\ncookie_secret = "s3cret-value\n')
    with pytest.raises(ConfigurationError, match="not valid TOML") as e:
        read_secrets(secrets)
    assert "s3cret" not in str(e.value)


def test_serve_refuses_a_sign_in_that_cannot_work_before_it_starts(tmp_path, monkeypatch):
    from entrypoints import serving as cli

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\ncookie_secret = "short"\n'
        'client_id = "c"\nclient_secret = "s"\nserver_metadata_url = "https://login.example.org/.well-known/x"\n'
    )
    monkeypatch.setattr(cli.subprocess, "Popen", lambda *a, **k: pytest.fail("Streamlit was started"))
    monkeypatch.setenv("PEERPULSE_TRUSTED_HEADER", "X-Forwarded-Email")
    with pytest.raises(ConfigurationError) as e:
        cli.serve(port=8600, secrets=secrets)
    for problem in ("more than one sign-in source", "PEERPULSE_TRUSTED_HEADER", "OpenID Connect"):
        assert problem in str(e.value)
    assert "cookie_secret is too weak" in str(e.value) and "redirect_uri" in str(e.value)
    assert "short" not in str(e.value)

"""The insight judged on programmes nobody tuned it on: the dropout warning, the dominance alerts and the
health score (issue 12; docs/metrics.md cites what this prints).

Seeds held-out synthetic programmes (seeds that neither the tests nor the tuning used) under each
precursor, through `peerpulse seed` and `peerpulse materialize` exactly as a user would, then prints:

1. `dropout_evaluation` of each programme (the model and the baselines, pooled and per cadence, 95%
   group-bootstrap intervals, recall per dropout and alerts per facilitator-month), and the mean over
   the seeds, which is what `dropout_evaluation`'s synthetic rows hold;
2. the dominance alerts against the speakers the generator planted (`synthetic.planted_speakers`):
   precision and recall per member, false alerts per 50 airtime meetings, for the rule before issue 12
   and the rule now;
3. `health_validation`: each component's and the score's AUC against 2 or more losses in the next six
   months, and each tier's loss rate, for the weights and cuts before issue 12 and now.

    .venv/bin/python tests/benchmarks/insight_evaluation.py [--groups 200] [--months 30]
        [--seeds 9101 9102 9103] [--precursors strong weak late none]

Programmes are seeded once into $PEERPULSE_BENCH_DIR (default /tmp/peerpulse-bench) and reused; the
warehouse is rebuilt on every run. About 40 s per programme to seed and 30 s to materialize, on 2 cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from synthetic import PRECURSORS, planted_speakers
from tests.benchmarks.common import CACHE, PEERPULSE, env_for
from warehouse import evaluation

UNTIL = "2025-12-31"
OLD_WEIGHTS = {"attendance": 0.25, "follow_through": 0.25, "airtime_balance": 0.20, "retention": 0.15, "rating": 0.15}
OLD_CUTS = {"at_risk": 50.0, "fit": 65.0, "healthy": 80.0}


def programme(groups: int, months: int, seed: int, precursor: str) -> Path:
    home = CACHE / f"insight-{precursor}-{groups}g-{months}m-s{seed}"
    if not (home / ".complete").exists():
        subprocess.run(["rm", "-rf", str(home)], check=True)
        print(f"seeding {home.name} (once) ...", file=sys.stderr)
        arguments = ["--groups", str(groups), "--months", str(months), "--seed", str(seed), "--until", UNTIL]
        subprocess.run(
            [PEERPULSE, "seed", *arguments, "--precursor", precursor],
            env=env_for(home),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (home / ".complete").touch()
    for built in home.glob("*.duckdb*"):
        built.unlink()
    print(f"materializing {home.name} ...", file=sys.stderr)
    done = subprocess.run(
        [PEERPULSE, "materialize", "--as-of", UNTIL], env=env_for(home), capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"materialize failed for {home}:\n{done.stderr}")
    return home


def show(frame: pl.DataFrame) -> None:
    with pl.Config(tbl_rows=100, tbl_cols=20, tbl_width_chars=200, float_precision=3, tbl_hide_dataframe_shape=True):
        print(frame)


# -- 1. the dropout warning ------------------------------------------------------------------------------


def dropout(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(
        "SELECT model, cadence, auc, auc_low, auc_high, auc_gain, auc_gain_low, auc_gain_high, spells, dropouts, "
        "removals, recall_30d, alerts_per_facilitator_month, in_use, enough_history, compared_with "
        "FROM dropout_evaluation WHERE source = 'programme' ORDER BY cadence <> 'all', cadence, auc DESC NULLS LAST"
    ).pl()


SPELL_MAXIMUM = """
    -- the design landmarks avoid: one score per spell, its highest over the held-out year (up to 30 days
    -- before leaving, before 3 missed in a row), against whether it dropped out then
    WITH held_out AS (SELECT min(landmark) AS start FROM (
        SELECT DISTINCT landmark FROM dropout_landmarks WHERE evaluation_landmark ORDER BY landmark DESC LIMIT 4)),
    spell AS (
        SELECT s.*, h.start FROM memberships s CROSS JOIN held_out h
        WHERE (s.left_on IS NULL OR s.left_on > h.start) AND s.joined_on < getvariable('as_of') - 30
          AND (s.leave_reason IS NULL OR s.leave_reason = 'dropped_out')
    )
    SELECT coalesce(s.leave_reason = 'dropped_out' AND s.left_on > s.start + 30, false) AS dropped,
           max(p.absence_rate_last_6) AS absence, max(p.rules_score) AS rules
    FROM spell s JOIN member_risk_signals p USING (group_id, member_id, spell_no)
    WHERE p.on_roster AND p.held_on >= s.start AND p.missed_in_a_row < 3
      AND p.held_on <= coalesce(s.left_on, getvariable('as_of')) - 30
    GROUP BY s.group_id, s.member_id, s.spell_no, s.leave_reason, s.left_on, s.start
"""


def spell_maximum(con: duckdb.DuckDBPyConnection) -> dict:
    con.execute(f"SET VARIABLE as_of = DATE '{UNTIL}'")
    spells = con.sql(SPELL_MAXIMUM).pl()
    dropped = spells["dropped"].to_numpy()
    return {
        "spells": spells.height,
        "dropouts": int(dropped.sum()),
        "absence_rate_last_6_auc": evaluation.auc(spells["absence"].to_numpy(), dropped),
        "rules_v1_auc": evaluation.auc(spells["rules"].to_numpy(), dropped),
    }


def calibration(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The held-out fit's probabilities against what happened: at the held-out evaluation landmarks, by
    level, the mean probability of dropping out within 90 days and the share that did (`outcome_90d`,
    `removed` and other leaves left out, as in the fit)."""
    from warehouse import dropout

    levels = dict(con.execute("SELECT level, min_probability FROM dropout_levels").fetchall())
    points = con.sql(
        f"SELECT group_id, member_id, meeting_id, held_on, meeting_no, spell_no, {', '.join(dropout.POINT_COLUMNS)} "
        "FROM member_risk_signals WHERE on_roster"
    ).pl()
    data = dropout.split(con.sql("SELECT * FROM dropout_landmarks").pl(), points)
    fitted = dropout.fit(data.training, tuple(dropout.FEATURES))
    held_out = dropout.with_figures(
        con.sql(
            f"SELECT * FROM dropout_landmarks WHERE evaluation_landmark AND landmark >= '{data.held_out_from}'"
        ).pl(),
        points,
        "meeting_id",
    ).filter(pl.col("outcome_90d").is_in(["dropped_out", "stayed"]))
    p = dropout.probability(fitted, held_out, tuple(dropout.FEATURES))
    level = np.where(p >= levels["high"], "high", np.where(p >= levels["medium"], "medium", "low"))
    dropped = (held_out["outcome_90d"] == "dropped_out").to_numpy()
    return [
        {
            "level": name,
            "points": int((level == name).sum()),
            "mean_probability": float(p[level == name].mean()) if (level == name).any() else None,
            "dropped_out_within_90_days": float(dropped[level == name].mean()) if (level == name).any() else None,
            "share_of_dropouts": float(dropped[level == name].sum() / dropped.sum()),
        }
        for name in ("high", "medium", "low")
    ]


MEANS = ["auc", "auc_low", "auc_high", "auc_gain", "auc_gain_low", "auc_gain_high", "recall_30d"]


def dropout_constants(precursor: str, every: pl.DataFrame) -> list[str]:
    """dropout_evaluation's synthetic rows: the pooled rows, averaged over the programmes (counts summed)."""
    pooled = (
        every.filter(pl.col("cadence") == "all")
        .group_by("model")
        .agg(
            pl.col(*MEANS, "alerts_per_facilitator_month").mean(),
            pl.col("spells", "dropouts", "removals").sum(),
            (pl.col("in_use").sum() * 2 > pl.len()).alias("in_use"),
            pl.col("compared_with").mode().first(),
        )
        .sort("model")
    )
    return [
        f"    ('{precursor}', '{r['model']}', {_sql(r['auc'])}, {_sql(r['auc_low'])}, {_sql(r['auc_high'])}, "
        f"{_sql(r['auc_gain'])}, {_sql(r['auc_gain_low'])}, {_sql(r['auc_gain_high'])}, {r['spells']}, "
        f"{r['dropouts']}, {r['removals']}, {_sql(r['recall_30d'])}, {_sql(r['alerts_per_facilitator_month'])}, "
        f"{str(r['in_use']).lower()}, {_sql(r['compared_with'])})"
        for r in pooled.iter_rows(named=True)
    ]


def health_constants(precursor: str, frames: list[pl.DataFrame]) -> list[str]:
    """health_validation's synthetic rows, averaged over the programmes (counts summed)."""
    rows = (
        pl.concat(frames)
        .group_by("kind", "figure")
        .agg(
            pl.col("weight").first(),
            pl.col("auc", "auc_low", "auc_high", "loss_rate", "loss_rate_low", "loss_rate_high").mean(),
            pl.col("group_months", "with_losses").sum(),
        )
        .sort("kind", "figure")
    )
    return [
        f"    ('{precursor}', '{r['kind']}', '{r['figure']}', {_sql(r['weight'])}, {_sql(r['auc'])}, "
        f"{_sql(r['auc_low'])}, {_sql(r['auc_high'])}, {r['group_months']}, {r['with_losses']}, "
        f"{_sql(r['loss_rate'])}, {_sql(r['loss_rate_low'])}, {_sql(r['loss_rate_high'])})"
        for r in rows.iter_rows(named=True)
    ]


def _sql(value) -> str:
    if value is None:
        return "NULL"
    return f"'{value}'" if isinstance(value, str) else f"{value:.4f}"


# -- 2. dominance, against the planted speakers ----------------------------------------------------------

OLD_RULE = """
    -- the rule before issue 12: >= 2.0 at m and at one of the group's two previous airtime meetings
    WITH dominant_turn AS (
        SELECT a.group_id, a.member_id, a.meeting_id, m.airtime_no,
               lag(m.airtime_no) OVER (PARTITION BY a.group_id, a.member_id ORDER BY m.airtime_no) AS previous
        FROM meeting_airtime a JOIN meetings m USING (meeting_id)
        WHERE a.dominance_ratio >= 2.0
    )
    SELECT group_id, member_id, meeting_id FROM dominant_turn WHERE airtime_no - previous <= 2
"""


def dominance(con: duckdb.DuckDBPyConnection, planted: dict[tuple[str, str], float]) -> list[dict]:
    dominant = {key for key, multiple in planted.items() if multiple >= 2.0}
    presented = {
        (g, m, meeting)
        for g, m, meeting in con.sql("SELECT group_id, member_id, meeting_id FROM meeting_attendance WHERE presented")
        .pl()
        .rows()
    }
    airtime_meetings = con.execute("SELECT count(*) FROM meetings WHERE has_airtime").fetchall()[0][0]
    groups = {g for (g,) in con.sql("SELECT group_id FROM groups").fetchall()}
    found = []
    for rule, sql in (("before", OLD_RULE), ("now", "SELECT group_id, member_id, meeting_id FROM dominance_alerts")):
        alerts = con.sql(sql).pl().rows()
        alerted = {(g, m) for g, m, _ in alerts}
        false = [(g, m, meeting) for g, m, meeting in alerts if (g, m) not in dominant]
        clean_groups = groups - {g for g, _ in dominant}
        found.append(
            {
                "rule": rule,
                "planted_dominant": len(dominant),
                "alerted_members": len(alerted),
                "precision": len(alerted & dominant) / len(alerted) if alerted else None,
                "recall": len(alerted & dominant) / len(dominant) if dominant else None,
                "false_alerts_per_50_meetings": 50 * len(false) / airtime_meetings,
                "false_alerts_where_presenting": sum(a in presented for a in false) / len(false) if false else None,
                "groups_without_dominant_alerted": len({g for g, _, _ in false} & clean_groups) / len(clean_groups),
                "alerted_below_threshold": len({k for k in alerted if k in planted and planted[k] < 2.0}),
                "planted_below_threshold": sum(1 for m in planted.values() if m < 2.0),
            }
        )
    return found


# -- 3. the health score -------------------------------------------------------------------------------


def health(con: duckdb.DuckDBPyConnection) -> list[dict]:
    months = con.sql(
        "SELECT h.*, l.losses_6m >= 2 AS lost FROM group_health h JOIN group_month_losses l USING (group_id, month)"
    ).pl()
    lost, groups = months["lost"].to_numpy(), months["group_id"].to_numpy()
    new = months["health_score"].to_numpy().astype(float)
    known = sum(months[f"{c}_component"].is_not_null().cast(pl.Float64) * w for c, w in OLD_WEIGHTS.items())
    old = (
        sum(months[f"{c}_component"].fill_null(0.0) * w for c, w in OLD_WEIGHTS.items()) / known.replace(0.0, None)
    ).to_numpy()
    new_cuts = dict(con.sql("SELECT tier, min_score FROM health_tiers WHERE min_score > 0").fetchall())
    found = []
    for name, score, cuts in (("before", old, OLD_CUTS), ("now", new, new_cuts)):
        ok = ~np.isnan(score)
        row = {"weights": name, "auc": evaluation.auc(-score[ok], lost[ok])}
        row["auc_low"], row["auc_high"] = evaluation.auc_interval(-score[ok], lost[ok], groups[ok])
        tier = np.digitize(score[ok], sorted(cuts.values()))
        for number, label in enumerate(("high_risk", "at_risk", "fit", "healthy")):
            chosen = tier == number
            row[f"{label}_loss_rate"] = float(lost[ok][chosen].mean()) if chosen.any() else None
            row[f"{label}_share"] = float(chosen.mean())
        found.append(row)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--months", type=int, default=30)
    parser.add_argument("--seeds", type=int, nargs="+", default=[9101, 9102, 9103])
    parser.add_argument("--precursors", nargs="+", default=list(PRECURSORS), choices=list(PRECURSORS))
    parser.add_argument(
        "--sql", action="store_true", help="also print the rows of the synthetic_* constants models (warehouse/)"
    )
    args = parser.parse_args(argv)
    constants: dict[str, list[str]] = {"synthetic_dropout_evaluation": [], "synthetic_health_validation": []}

    for precursor in args.precursors:
        tables, dominated, healthy, maxima, calibrated = [], [], [], [], []
        for seed in args.seeds:
            home = programme(args.groups, args.months, seed, precursor)
            with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
                tables.append(dropout(con).with_columns(pl.lit(seed).alias("seed")))
                planted = planted_speakers(args.groups, args.months, seed, until=_day(UNTIL), precursor=precursor)
                dominated += [{"seed": seed, **row} for row in dominance(con, planted)]
                healthy += [{"seed": seed, **row} for row in health(con)]
                maxima.append({"seed": seed, **spell_maximum(con)})
                calibrated += [{"seed": seed, **row} for row in calibration(con)]
        print(
            f"\n==== precursor {precursor}: {len(args.seeds)} programmes of {args.groups} groups x {args.months} months"
        )
        every = pl.concat(tables)
        print("\n-- dropout_evaluation, pooled ('all'), each programme")
        show(every.filter(pl.col("cadence") == "all").sort("seed", "auc", descending=[False, True]))
        print("\n-- dropout_evaluation, mean over the programmes (per cadence)")
        show(
            every.group_by("model", "cadence")
            .agg(
                pl.col("auc", "auc_low", "auc_high", "recall_30d", "alerts_per_facilitator_month").mean(),
                pl.col("spells", "dropouts", "removals").sum(),
                pl.col("in_use").sum().alias("in_use_in"),
            )
            .sort(pl.col("cadence") != "all", "cadence", "auc", descending=[False, False, True])
        )
        print("\n-- calibration of the fitted score on the held-out landmarks (its held-out fit)")
        show(pl.DataFrame(calibrated).sort("seed"))
        print("\n-- the design not taken: each spell's highest score in the held-out year (no fit needed)")
        show(pl.DataFrame(maxima))
        print("\n-- dominance alerts against the planted speakers")
        show(pl.DataFrame(dominated).sort("rule", "seed"))
        print("\n-- health score against 2 or more losses in the next six months")
        show(pl.DataFrame(healthy).sort("weights", "seed"))
        print("\n-- health_validation (now), mean over the programmes")
        frames = []
        for seed in args.seeds:
            home = CACHE / f"insight-{precursor}-{args.groups}g-{args.months}m-s{seed}"
            with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
                frames.append(con.sql("SELECT * FROM health_validation WHERE source = 'programme'").pl())
        show(
            pl.concat(frames)
            .group_by("kind", "figure")
            .agg(pl.col("weight").first(), pl.col("auc", "auc_low", "auc_high", "loss_rate").mean())
            .sort("kind", "figure")
        )
        constants["synthetic_dropout_evaluation"] += dropout_constants(precursor, every)
        constants["synthetic_health_validation"] += health_constants(precursor, frames)
    if args.sql:
        for model, lines in constants.items():
            print(f"\n-- the rows of warehouse/intermediate/{model}.sql")
            print(",\n".join(lines))
    return 0


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


if __name__ == "__main__":
    sys.exit(main())

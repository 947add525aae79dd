"""Small pieces several pages share: text from data shown as text, the 'as of' line, empty states,
choosing one of your groups.

Streamlit renders Markdown in titles, captions, messages, metric labels and button labels: a name such
as `Eve ![x](http://host/pixel.png)` would fetch an image from that host, and `:red[...]`, links and
LaTeX would render. So text that came from data goes into Markdown only through `md`, which escapes
every value it is given; `tests/unit/test_dashboards_text.py` fails if a page passes Markdown any other
way (an f-string, a variable, a concatenation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboards import people
from dashboards.data.serving import ask, publication
from dashboards.viewer import Viewer
from warehouse import formatting as fmt
from warehouse.queries import facilitator

CHOSEN_GROUP_KEY = "peerpulse_facilitated_group"
# The characters that can start Markdown anywhere in a line: emphasis, code, links and images, HTML and
# autolinks, entities, strikethrough, math, tables, and Streamlit's `:red[...]` directives. Escaped, none
# can. Apostrophes, hyphens and brackets are left alone (names are full of them, and a widget's label is
# read aloud as written).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&~$|:])")
# ...and the ones that start Markdown only at the start of a line: headings, lists, quotes.
LINE_START = re.compile(r"^(\s*)([#+\->]|\d+[.)])")
JOINER = "\u2060"  # WORD JOINER: invisible, and no part of any link pattern
AUTOLINKED = re.compile(r":.|@.|(?i:www)\.")
INVISIBLE_OR_BREAKING = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def text(value: object) -> str:
    """A value from data (a name, a text, an email), escaped so that Markdown shows exactly its characters.
    Line breaks and invisible or direction-changing characters become spaces: one value, one line.

    Escapes stop what the parser would read as syntax; Streamlit's renderer then also turns web addresses,
    email addresses and `:shortcodes:` found in the text into links and emoji. An invisible word joiner
    (U+2060) after each `:` and `@` and inside `www.` keeps those as the text they are."""
    plain = INVISIBLE_OR_BREAKING.sub(" ", str(value))
    plain = AUTOLINKED.sub(lambda found: found.group(0)[:-1] + JOINER + found.group(0)[-1:], plain)
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", plain)
    return LINE_START.sub(lambda found: found.group(1) + found.group(2)[:-1] + "\\" + found.group(2)[-1], escaped)


def metric(where, label: str, value: object, delta: object = None, **options) -> None:
    """A metric tile in `where` (st, a column). Streamlit renders a metric's value and delta as Markdown
    too, so text in them is escaped here; `label` is Markdown written in the code, or `md(...)`."""
    plain = [text(v) if isinstance(v, str) else v for v in (value, delta)]
    where.metric(label, *plain, **options)


def md(template: str, **values: object) -> str:
    """Markdown written in the code (`template`, a constant), with values from data escaped by `text`."""
    return template.format(**{name: text(value) for name, value in values.items()})


def published_caption() -> None:
    found = publication()
    if found is not None:
        st.caption(
            md(
                "Figures as published {day} at {time}.",
                day=fmt.day(found.published_at),
                time=f"{found.published_at:%H:%M}",
            )
        )


def empty(message: str) -> None:
    st.info(message, icon="ℹ️")


def named(
    frame: pl.DataFrame, names: Mapping[str, str], column: str = "member_id", alias: str = "member"
) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace_strict(dict(names), default=fmt.NO_DATA).alias(alias))


def choose_group(viewer: Viewer) -> tuple[dict, str]:
    """One of the groups the viewer facilitates, and its name: the one whose meeting comes soonest,
    unless they chose another (the choice carries over between the facilitator's pages)."""
    overviews = ask(viewer, facilitator.group_overviews, viewer.facilitates)
    names = people.group_names(viewer, overviews["group_id"])
    group_ids = overviews["group_id"].to_list()
    chosen = st.session_state.get(CHOSEN_GROUP_KEY)
    if chosen not in group_ids:
        chosen = group_ids[0]
    if len(group_ids) > 1:
        chosen = st.sidebar.selectbox(
            "Group",
            group_ids,
            index=group_ids.index(chosen),
            format_func=lambda g: names.get(g, g),
        )
        st.session_state[CHOSEN_GROUP_KEY] = chosen
    viewer.require_facilitator_of(chosen)
    return overviews.row(group_ids.index(chosen), named=True), names[chosen]


RECORDED = {  # what a history calls each kind of event
    "MeetingHeld": "meeting recorded",
    "AttendanceCorrected": "attendance corrected",
    "AirtimeCorrected": "seconds corrected",
    "MeetingRated": "meeting rated",
    "CommitmentMade": "commitment made",
    "CommitmentClosed": "commitment followed up",
    "CommitmentCarriedForward": "commitment carried forward",
    "CommitmentCheckedIn": "check-in",
    "MemberRegistered": "registered",
    "MemberErased": "personal data erased",
}
VIA = {
    "browser": "in the browser",
    "jsonl": "a JSONL import",
    "meeting_export": "a Zoom or Teams export",
    "seed": "the synthetic programme",
    "cli": "the command line",
    "ledger": "the erasure ledger, after a restore",
    "api": "—",
}


def history_frame(history, names: Mapping[str, str], viewer: Viewer) -> pl.DataFrame:
    """A history (domain.application.Recorded, oldest first) as people read it, newest first: when, what, who
    (you, a member of the group by name, or what kind of person), through what, and the details."""

    def who(actor: str | None) -> str:
        if not actor or actor == "unknown":
            return fmt.NO_DATA
        kind, _, ref = actor.partition(":")
        if kind == "member":
            return "you" if ref == viewer.member_id else names.get(ref, "another member of the programme")
        return {"person": "a programme lead or admin", "user": "someone at the command line"}.get(kind, fmt.NO_DATA)

    rows = list(reversed(history))
    return pl.DataFrame(
        {
            "When": [f"{r.at:%Y-%m-%d %H:%M}" for r in rows],
            "What": [RECORDED.get(r.what, r.what) for r in rows],
            "Who": [who(r.who) for r in rows],
            "How": [VIA.get(r.via or "api", r.via or "") for r in rows],
            "Details": [", ".join(f"{k} {v}" for k, v in r.details.items()) for r in rows],
        },
        schema={"When": pl.String, "What": pl.String, "Who": pl.String, "How": pl.String, "Details": pl.String},
    )


@dataclass(frozen=True)
class Shown:
    """A column as people read it, for `table`: `formatter` (`fmt.percent`, `fmt.day`, ...) applied to each
    value (or, given several columns, to each row's values of them); a NULL figure reads as a dash."""

    columns: tuple[str, ...]
    formatter: Callable[..., str]
    alias: str


def shown(column: str | tuple[str, ...], formatter: Callable[..., str], alias: str) -> Shown:
    return Shown((column,) if isinstance(column, str) else tuple(column), formatter, alias)


def table(frame: pl.DataFrame, *columns: pl.Expr | Shown) -> pl.DataFrame:
    """`frame.select(*columns)`, the `shown` columns formatted here, in the page's own thread. A Python
    formatter run by polars (map_elements) runs in polars' thread pool and needs the GIL there; with many
    sessions drawing pages at once that deadlocked the pool, and with it the server."""
    made = [
        pl.Series(
            c.alias,
            [c.formatter(*values) for values in zip(*(frame.get_column(n).to_list() for n in c.columns), strict=True)],
            dtype=pl.String,
        )
        if isinstance(c, Shown)
        else frame.select(c).to_series()
        for c in columns
    ]
    return pl.DataFrame(made) if made else pl.DataFrame()

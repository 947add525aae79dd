"""What the recording pages share: one id per opened form, the domain's refusals shown beside the field
they concern, uploads read the way the command line reads files, and when the figures include a save.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

import streamlit as st

from dashboards import ui
from dashboards.data.serving import published_position
from dashboards.recording import Refused, Saved

T = TypeVar("T")
MAX_UPLOAD_MB = 20  # also server.maxUploadSize (entrypoints/serving.py): a day-long meeting's files fit


def form_key(name: str) -> str:
    """This form's id, the same across reruns until it is saved: what makes a double click record once."""
    key = f"peerpulse_form_{name}"
    if key not in st.session_state:
        st.session_state[key] = uuid.uuid4().hex[:16]
    return st.session_state[key]


def new_form(name: str) -> None:
    """After a save: the next submission is a new one."""
    st.session_state.pop(f"peerpulse_form_{name}", None)


def commitment_row(
    members: Sequence[str], label: Callable[[str], str | None], held_on: date, key: str
) -> tuple[str | None, str, date]:
    """One commitment made at a meeting held on `held_on`: who (one of `members`), what, and when it is due
    (four weeks on unless changed, after the meeting). The widgets' keys start with `key`. Returns the
    member, the text without surrounding spaces, and the due date, for the caller's form to save."""
    who_col, what_col, when_col = st.columns([3, 6, 2])
    member = who_col.selectbox("Who", members, format_func=label, key=f"{key}-member")
    text = what_col.text_input("Committed to", key=f"{key}-text", max_chars=5000)
    due_on = when_col.date_input(
        "Due",
        value=held_on + timedelta(days=28),
        min_value=held_on + timedelta(days=1),
        key=f"{key}-due",
        format="YYYY-MM-DD",
    )
    return member, text.strip(), due_on


def errors(name: str) -> dict[str | None, str]:
    return st.session_state.setdefault(f"peerpulse_errors_{name}", {})


def refused_at(name: str, *fields: str | None) -> None:
    """Show the refusal of the last save of form `name` if it concerns one of these fields."""
    for field_name in fields:
        message = errors(name).get(field_name)
        if message:
            st.error(ui.md("{message}", message=message), icon="⛔")


def save(name: str, write: Callable[[], Saved]) -> Saved | None:
    """Run a write for form `name`: remember its refusal by field (shown by `refused_at`), or its result."""
    errors(name).clear()
    try:
        saved = write()
    except Refused as e:
        errors(name)[e.field] = f"line {e.line}: {e.message}" if e.line else e.message
        return None
    st.session_state[f"peerpulse_saved_{name}"] = saved
    new_form(name)
    return saved


def last_saved(name: str) -> Saved | None:
    return st.session_state.get(f"peerpulse_saved_{name}")


def show_saved(name: str, what: str) -> None:
    """What the last save of form `name` recorded, and (refreshed every second) whether the figures on the
    dashboards include it yet."""
    saved = last_saved(name)
    if saved is None:
        return
    if saved.nothing_new:
        st.info(ui.md("{what} was already recorded: nothing new was stored.", what=what), icon="ℹ️")
    else:
        st.success(ui.md("{what} is recorded ({n} new records).", what=what, n=saved.applied), icon="✅")
    _freshness(saved.position)


@st.fragment(run_every=1.0)
def _freshness(position: int) -> None:
    published = published_position()
    if published is not None and published >= position:
        st.caption("The figures on every page include it now.")
    else:
        st.caption("The figures on the dashboards will include it in a moment (they refresh when events arrive).")


@contextmanager
def uploaded(file) -> Iterator[Path]:
    """An uploaded file as a file on disk under its own name (so a message names it as the person knows
    it), in a private temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="peerpulse-upload-") as folder:
        path = Path(folder) / (Path(file.name).name or "upload")
        path.write_bytes(file.getvalue())
        yield path

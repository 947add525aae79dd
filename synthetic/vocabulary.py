"""The domain's words, as the simulation says them.

The generator writes commands in the domain's vocabulary, so it keeps no list of its own: every cadence,
topic, format, attendance status, outcome and leave reason it writes is one of `domain.model`'s. The
words it needs by name are named here, and every table the simulation keys by such words (a rhythm per
cadence, a weight per topic, a note per outcome) passes through `covering`. Both are checked against the
domain when the module is imported, so a word the domain adds, renames or drops stops the generator at
once, saying which words differ, instead of yielding a programme that never uses the new word or that
the import refuses a million lines in.

The order of a table is the order of its draw and is left as it is: reordering a table, even into the
domain's order, would change every programme a seed gives.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

from domain.model import ATTENDANCE_STATUSES, FORMATS, LEAVE_REASONS, OUTCOMES

Table = TypeVar("Table", bound=Collection[str])


def covering(vocabulary: tuple[str, ...], table: Table) -> Table:
    """`table` (words, or a mapping keyed by words), checked to hold each word of `vocabulary` once."""
    if sorted(table) != sorted(vocabulary):
        raise RuntimeError(
            f"synthetic/ knows the words {sorted(table)} where domain/model.py has "
            f"{sorted(vocabulary)}: teach the simulation the domain's words"
        )
    return table


IN_PERSON, VIRTUAL = covering(FORMATS, ("in_person", "virtual"))
PRESENT, LATE, ABSENT, EXCUSED = covering(ATTENDANCE_STATUSES, ("present", "late", "absent", "excused"))
DONE, PARTIAL, NOT_DONE, CARRIED_FORWARD, DROPPED = covering(
    OUTCOMES, ("done", "partial", "not_done", "carried_forward", "dropped")
)
DROPPED_OUT, MOVED, GRADUATED, REMOVED, GROUP_CLOSED, LEFT_FOR_OTHER_REASONS = covering(
    LEAVE_REASONS, ("dropped_out", "moved", "graduated", "removed", "group_closed", "other")
)

"""The programme: groups shipped in self-contained batches, and who facilitates them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from domain.clock import today
from synthetic.calendar import DAY, Window, add_months
from synthetic.group import PeerGroup
from synthetic.names import email_address, invent_name

GROUPS_PER_BATCH = 10


def generate_programme(
    groups: int = 12, months: int = 24, seed: int = 7, until: date | None = None
) -> Iterator[list[dict]]:
    """Batches of import commands (docs/import-format.md), made lazily, each self-contained and in an order the domain
    accepts line by line.

    The meetings run over the `months` months ending at `until` (default: today by the project's clock,
    which PEERPULSE_TODAY pins); nothing is dated after it except the due dates of commitments, which may
    lie in the future. The same arguments always give the same commands, and a group's commands do not
    depend on how many groups come before or after it.
    """
    if groups < 0 or months < 1:
        raise ValueError("a programme needs groups >= 0 and months >= 1")
    until = until or today()
    window = Window(first_day=add_months(until, -months) + DAY, last_day=until)
    return (
        _batch(range(first, min(first + GROUPS_PER_BATCH, groups + 1)), window, seed)
        for first in range(1, groups + 1, GROUPS_PER_BATCH)
    )


def _batch(numbers: range, window: Window, seed: int) -> list[dict]:
    facilitators = _facilitators_for(numbers, seed)
    commands = [_register_facilitator(f, seed) for f in dict.fromkeys(f for f in facilitators.values() if f)]
    for number in numbers:
        commands += PeerGroup(number, window, seed, facilitators[number]).live()
    return commands


def _facilitators_for(numbers: range, seed: int) -> dict[int, str | None]:
    """Who runs each group: usually an outside facilitator, some running a few neighbouring groups, and
    now and then one of the group's own members (None). Facilitators never span batches."""
    rng = random.Random(f"{seed}:facilitators:{numbers.start}")
    chosen: dict[int, str | None] = {}
    facilitator, runs_left = "", 0
    for number in numbers:
        if runs_left == 0:
            facilitator, runs_left = f"f{number:04d}", rng.choices((1, 2, 3), (0.6, 0.25, 0.15))[0]
        runs_left -= 1
        chosen[number] = None if rng.random() < 0.1 else facilitator
    return chosen


def _register_facilitator(facilitator: str, seed: int) -> dict:
    rng = random.Random(f"{seed}:facilitator:{facilitator}")
    first, last = invent_name(rng)
    practice = f"{last} Leadership Coaching" if rng.random() < 0.6 else None
    command = {
        "type": "register_member",
        "member": facilitator,
        "name": f"{first} {last}",
        "email": email_address(first, last, facilitator, practice),
    }
    if practice:
        command["company"] = practice
    command["title"] = rng.choice(("Facilitator", "Executive Coach", "Forum Chair", "Group Facilitator"))
    return command

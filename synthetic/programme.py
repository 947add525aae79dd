"""The programme: groups shipped in self-contained batches, and who facilitates them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from domain.clock import today
from synthetic.calendar import DAY, Window, add_months
from synthetic.group import PeerGroup
from synthetic.members import DEFAULT_PRECURSOR, PRECURSORS, Precursor
from synthetic.names import email_address, invent_name

GROUPS_PER_BATCH = 10


def generate_programme(
    groups: int = 12, months: int = 24, seed: int = 7, until: date | None = None, precursor: str = DEFAULT_PRECURSOR
) -> Iterator[list[dict]]:
    """Batches of import commands (docs/import-format.md), made lazily, each self-contained and in an order the domain
    accepts line by line.

    The meetings run over the `months` months ending at `until` (default: today by the project's clock,
    which PEERPULSE_TODAY pins); nothing is dated after it except the due dates of commitments, which may
    lie in the future. `precursor` (`strong`, `weak`, `late` or `none`; see `synthetic.members`) is how
    much of a dropout shows before it happens. The same arguments always give the same commands, and a
    group's commands do not depend on how many groups come before or after it.
    """
    window, chosen = _window_and_precursor(groups, months, until, precursor)
    return (
        _batch(range(first, min(first + GROUPS_PER_BATCH, groups + 1)), window, seed, chosen)
        for first in range(1, groups + 1, GROUPS_PER_BATCH)
    )


def planted_speakers(
    groups: int = 12, months: int = 24, seed: int = 7, until: date | None = None, precursor: str = DEFAULT_PRECURSOR
) -> dict[tuple[str, str], float]:
    """The truth behind the dominance alerts of the programme the same arguments generate: (group, member)
    -> the multiple of a fair share of the airtime that member was made to take. For evaluation only: no
    event ever says it (the programme is lived again to find out)."""
    window, chosen = _window_and_precursor(groups, months, until, precursor)
    planted = {}
    for first in range(1, groups + 1, GROUPS_PER_BATCH):
        numbers = range(first, min(first + GROUPS_PER_BATCH, groups + 1))
        facilitators = _facilitators_for(numbers, seed)
        for number in numbers:
            group = PeerGroup(number, window, seed, facilitators[number], chosen)
            group.live()
            if group.planted_speaker:
                member, multiple = group.planted_speaker
                planted[group.id, member] = multiple
    return planted


def _window_and_precursor(groups: int, months: int, until: date | None, precursor: str) -> tuple[Window, Precursor]:
    if groups < 0 or months < 1:
        raise ValueError("a programme needs groups >= 0 and months >= 1")
    if precursor not in PRECURSORS:
        raise ValueError(f"precursor is one of {', '.join(PRECURSORS)}, not {precursor!r}")
    until = until or today()
    return Window(first_day=add_months(until, -months) + DAY, last_day=until), PRECURSORS[precursor]


def _batch(numbers: range, window: Window, seed: int, precursor: Precursor) -> list[dict]:
    facilitators = _facilitators_for(numbers, seed)
    commands = [_register_facilitator(f, seed) for f in dict.fromkeys(f for f in facilitators.values() if f)]
    for number in numbers:
        commands += PeerGroup(number, window, seed, facilitators[number], precursor).live()
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

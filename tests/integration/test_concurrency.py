"""Several processes recording into the same group at once: nothing lost, nothing stored twice."""

from __future__ import annotations

import multiprocessing
from collections import Counter

from domain.application import open_application
from domain.commands import parse_command
from domain.config import Settings

WRITERS = 4
BATCHES = 6
MEMBERS_PER_BATCH = 3


def writer(settings: Settings, writer_no: int, together, results) -> None:
    attempts = 0
    with open_application(settings) as app:
        for batch in range(BATCHES):
            together.wait(timeout=120)  # every writer starts each batch at once (not as process start-up allows)
            commands = []
            for k in range(MEMBERS_PER_BATCH):
                ref = f"w{writer_no}-b{batch}-m{k}"
                commands += [
                    {"type": "register_member", "member": ref, "name": f"Person {ref}", "email": f"{ref}@example.org"},
                    {"type": "join_group", "group": "north", "member": ref, "joined_on": "2025-02-01"},
                    {"type": "sign_confidentiality", "group": "north", "member": ref, "signed_on": "2025-02-01"},
                ]
            parsed = [parse_command(c, i + 1, f"writer {writer_no}") for i, c in enumerate(commands)]
            summary = app.apply_commands(parsed, f"writer {writer_no}")
            attempts += summary.attempts
    results.put((writer_no, attempts))


def test_concurrent_writers_to_one_group_lose_and_duplicate_nothing(settings):
    with open_application(settings) as app:
        app.apply_commands(
            [
                parse_command(
                    {
                        "type": "form_group",
                        "group": "north",
                        "name": "North",
                        "cadence": "weekly",
                        "formed_on": "2025-01-01",
                    },
                    1,
                    "setup",
                )
            ],
            "setup",
        )

    ctx = multiprocessing.get_context("spawn")
    together, results = ctx.Barrier(WRITERS), ctx.Queue()
    processes = [ctx.Process(target=writer, args=(settings, n, together, results)) for n in range(WRITERS)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=180)
        assert p.exitcode == 0, "a writer process failed"
    attempts = dict(results.get(timeout=5) for _ in range(WRITERS))

    with open_application(settings) as app:
        notifications = app.recorder.select_notifications(start=1, limit=100_000)
        topics = Counter(n.topic for n in notifications)
        expected_members = WRITERS * BATCHES * MEMBERS_PER_BATCH
        assert topics["MemberJoined"] == expected_members
        assert topics["ConfidentialitySigned"] == expected_members
        assert topics["MemberRegistered"] == expected_members
        group = app.group("north")
        assert len(group.spells) == expected_members
        assert all(len(spells) == 1 for spells in group.spells.values())
        # versions of the group's stream are gap-free: 1 formed + 2 events per member
        versions = [n.originator_version for n in notifications if n.originator_id == group.id]
        assert versions == list(range(1, 1 + 1 + 2 * expected_members))
    # The writers really did collide (and retried) rather than taking turns by luck.
    assert sum(attempts.values()) > WRITERS * BATCHES

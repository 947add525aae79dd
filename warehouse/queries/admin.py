"""What a programme admin's pages read: the groups, who is in them, who is registered. Never a figure
about a person, a commitment or a check-in."""

from __future__ import annotations

import polars as pl

from warehouse.queries import Reader, Role, reads


@reads(Role.ADMIN, "groups")
def groups(reader: Reader) -> pl.DataFrame:
    return reader.query(
        "SELECT group_id, cadence, formed_on, active_members, last_held_on FROM groups ORDER BY group_id"
    )


@reads(Role.ADMIN, "members")
def members(reader: Reader) -> pl.DataFrame:
    return reader.query("SELECT member_id, active_groups, facilitated_groups FROM members ORDER BY member_id")


@reads(Role.ADMIN, "group_members", "group_facilitators")
def memberships(reader: Reader, group_id: str) -> pl.DataFrame:
    """The group's spells, current ones first, and who facilitates it."""
    return reader.query(
        """
        SELECT m.member_id, m.joined_on, m.left_on, m.leave_reason, m.active,
               coalesce(f.current, false) AS facilitates
        FROM group_members m
        LEFT JOIN group_facilitators f ON f.group_id = m.group_id AND f.member_id = m.member_id AND f.current
        WHERE m.group_id = ?
        ORDER BY m.active DESC, m.joined_on, m.member_id
        """,
        [group_id],
    )

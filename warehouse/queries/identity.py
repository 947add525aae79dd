"""The look-ups that work out who a viewer is, before there is a viewer to entitle: the groups a person
facilitates and belongs to, and the demo's personas. The product runs them (`Role.SYSTEM`) for the
person signing in, keyed by their own member id."""

from __future__ import annotations

import polars as pl

from warehouse.queries import Reader, Role, Scope, reads


@reads(Role.SYSTEM, "group_facilitators", "group_members", scope=Scope.MEMBER)
def roles(reader: Reader, member_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(groups the person facilitates now, groups they are or were a member of)."""
    facilitates = reader.query(
        "SELECT DISTINCT member_id, group_id FROM group_facilitators WHERE member_id = ? AND current ORDER BY group_id",
        [member_id],
    )
    member_of = reader.query(
        "SELECT DISTINCT member_id, group_id FROM group_members WHERE member_id = ? ORDER BY group_id", [member_id]
    )
    return tuple(facilitates["group_id"]), tuple(member_of["group_id"])


@reads(Role.SYSTEM, "group_facilitators", "group_members", "member_commitments", scope=Scope.EVERYONE)
def demo_people(reader: Reader) -> dict[str, str]:
    """Member ids for the demo personas (demo sign-in only): a facilitator of several groups, a member who
    also facilitates, and an active member with a good history of commitments."""
    facilitator = reader.query(
        "SELECT member_id FROM group_facilitators WHERE current GROUP BY member_id "
        "ORDER BY count(*) DESC, member_id LIMIT 1"
    )
    both = reader.query(
        "SELECT f.member_id FROM group_facilitators f JOIN group_members m USING (member_id) "
        "WHERE f.current AND m.active AND f.member_id NOT IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY f.member_id LIMIT 1",
        [facilitator["member_id"].to_list()],
    )
    member = reader.query(
        "SELECT c.member_id FROM member_commitments c JOIN group_members m USING (member_id, group_id) "
        "WHERE m.active AND c.member_id NOT IN (SELECT member_id FROM group_facilitators) "
        "GROUP BY c.member_id ORDER BY count(*) DESC, c.member_id LIMIT 1"
    )
    found: dict[str, pl.DataFrame] = {"facilitator": facilitator, "facilitator_and_member": both, "member": member}
    return {role: frame["member_id"][0] for role, frame in found.items() if not frame.is_empty()}

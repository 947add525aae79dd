"""The look-ups that work out who a viewer is: which groups they facilitate and belong to, and the demo
personas. They run before there is a viewer to entitle, so they are keyed by member id and publication."""

from __future__ import annotations

import streamlit as st

from dashboards.data.serving import CACHE, current, query


@st.cache_data(**CACHE)
def _roles(member_id: str, publication: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    facilitates = query(
        "SELECT DISTINCT member_id, group_id FROM group_facilitators WHERE member_id = ? AND current ORDER BY group_id",
        member_id,
    )
    member_of = query(
        "SELECT DISTINCT member_id, group_id FROM group_members WHERE member_id = ? ORDER BY group_id", member_id
    )
    return tuple(facilitates["group_id"]), tuple(member_of["group_id"])


def roles(member_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(groups the person facilitates now, groups they are or were a member of)."""
    return _roles(member_id, current())


@st.cache_data(**CACHE)
def _demo_people(publication: str) -> dict[str, str]:
    facilitator = query(
        "SELECT member_id FROM group_facilitators WHERE current GROUP BY member_id "
        "ORDER BY count(*) DESC, member_id LIMIT 1"
    )
    both = query(
        "SELECT f.member_id FROM group_facilitators f JOIN group_members m USING (member_id) "
        "WHERE f.current AND m.active AND f.member_id NOT IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY f.member_id LIMIT 1",
        facilitator["member_id"].to_list(),
    )
    member = query(
        "SELECT c.member_id FROM member_commitments c JOIN group_members m USING (member_id, group_id) "
        "WHERE m.active AND c.member_id NOT IN (SELECT member_id FROM group_facilitators) "
        "GROUP BY c.member_id ORDER BY count(*) DESC, c.member_id LIMIT 1"
    )
    found = {"facilitator": facilitator, "facilitator_and_member": both, "member": member}
    return {role: frame["member_id"][0] for role, frame in found.items() if not frame.is_empty()}


def demo_people() -> dict[str, str]:
    """Member ids for the demo personas (demo sign-in only): a facilitator of several groups, a member who
    also facilitates, and an active member with a good history of commitments."""
    return _demo_people(current())

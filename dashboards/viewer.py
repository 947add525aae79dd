"""Who is looking, and what they are entitled to see (README.md: leads, facilitators, members).

A `Viewer` is built by `dashboards.identity` from the signed-in email alone. The data module and the
name lookups take it as an argument and refuse what it is not entitled to, so a page that was opened
by mistake still shows nothing it should not.
"""

from __future__ import annotations

from dataclasses import dataclass


class NotEntitled(Exception):
    """A viewer asked for figures, names or texts they are not entitled to."""


class SessionEnded(NotEntitled):
    """The viewer's session was ended on the server (signed out elsewhere, roles changed, erased)."""


@dataclass(frozen=True)
class Viewer:
    email: str
    member_id: str | None = None  # the person in the event store, if the email is registered there
    name: str | None = None  # the viewer's own name, for "signed in as"
    is_lead: bool = False  # named in PEERPULSE_LEADS / [peerpulse] leads, or by the provider's roles claim
    is_admin: bool = False  # programme admin: PEERPULSE_ADMINS / [peerpulse] admins, or the roles claim
    facilitates: tuple[str, ...] = ()  # group ids the person currently facilitates
    member_of: tuple[str, ...] = ()  # group ids the person is or was a member of
    signed_in_at: str | None = None  # when this session began (domain.sessions.instant); None: unknown

    @property
    def is_facilitator(self) -> bool:
        return bool(self.facilitates)

    @property
    def is_member(self) -> bool:
        return self.member_id is not None and bool(self.member_of)

    @property
    def has_a_role(self) -> bool:
        return self.is_lead or self.is_admin or self.is_facilitator or self.is_member

    def require_lead(self) -> None:
        if not self.is_lead:
            raise NotEntitled("programme figures are for programme leads")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise NotEntitled("programme administration is for programme admins")

    def require_facilitator_of(self, group_id: str) -> None:
        if group_id not in self.facilitates:
            raise NotEntitled("a facilitator sees only the groups they facilitate")

    def require_member(self) -> str:
        if not self.is_member:
            raise NotEntitled("member pages are for members of a group")
        return self.member_id  # type: ignore[return-value]

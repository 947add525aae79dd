"""Who the viewer is: an email from exactly one sign-in source, mapped to their roles.

Sources, the first that is configured wins:

1. Demo sign-in: only when `peerpulse demo` / `peerpulse serve --demo` started the server
   (PEERPULSE_DEMO=1) *and* Streamlit is bound to 127.0.0.1. A person picks a demo persona.
2. Trusted header: when PEERPULSE_TRUSTED_HEADER names a request header (e.g. X-Forwarded-Email) set by
   an authenticating reverse proxy. Anyone who can reach the server directly can send that header, so
   bind to 127.0.0.1 behind the proxy (README, "Signing in").
3. OpenID Connect through `st.login`, when .streamlit/secrets.toml has an [auth] section.

The email is never taken from a query parameter, a widget or session state a user can set (the demo
persona is the one exception, and exists only on a loopback demo server). Roles: programme leads are
named in configuration; facilitator and member roles come from the domain's events, via the warehouse.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass

import streamlit as st

from dashboards import people
from dashboards.data import viewers
from dashboards.viewer import NotEntitled, Viewer

DEMO_LEAD_EMAIL = "programme.lead@peerpulse.demo"
DEMO_ADMIN_EMAIL = "programme.admin@peerpulse.demo"
DEMO_PERSONA_KEY = "peerpulse_demo_persona"
LOOPBACK = "127.0.0.1"


class SignIn(enum.Enum):
    DEMO = "demo"
    TRUSTED_HEADER = "trusted header"
    OIDC = "OpenID Connect"
    NOT_CONFIGURED = "not configured"


def demo_requested() -> bool:
    return os.environ.get("PEERPULSE_DEMO") == "1"


def sign_in_method() -> SignIn:
    if demo_requested() and st.get_option("server.address") == LOOPBACK:
        return SignIn.DEMO
    if trusted_header():
        return SignIn.TRUSTED_HEADER
    if oidc_configured():
        return SignIn.OIDC
    return SignIn.NOT_CONFIGURED


def trusted_header() -> str | None:
    return (os.environ.get("PEERPULSE_TRUSTED_HEADER") or "").strip() or None


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all, or one that does not parse
        return False


def _normalised(email: object) -> str | None:
    if not isinstance(email, str):
        return None
    email = email.strip().lower()
    return email if "@" in email and len(email) <= 320 else None


def signed_in_email() -> str | None:
    """The viewer's email from the configured source, or None when nobody is signed in."""
    method = sign_in_method()
    if method is SignIn.TRUSTED_HEADER:
        return _normalised(st.context.headers.get(trusted_header()))
    if method is SignIn.OIDC:
        if not st.user.get("is_logged_in"):
            return None
        if st.user.get("email_verified") is False:
            return None
        return _normalised(st.user.get("email"))
    if method is SignIn.DEMO:
        chosen = _normalised(st.session_state.get(DEMO_PERSONA_KEY))
        return chosen if chosen in {persona.email for persona in demo_personas()} else None
    return None


def lead_emails() -> frozenset[str]:
    """Programme leads: PEERPULSE_LEADS (comma-separated) and `[peerpulse] leads = [...]` in secrets.toml."""
    emails = {e for e in (_normalised(e) for e in os.environ.get("PEERPULSE_LEADS", "").split(",")) if e}
    try:
        configured = st.secrets.get("peerpulse", {}).get("leads", [])
    except Exception:
        configured = []
    emails |= {e for e in (_normalised(e) for e in configured) if e}
    if sign_in_method() is SignIn.DEMO:
        emails.add(DEMO_LEAD_EMAIL)
    return frozenset(emails)


def admin_emails() -> frozenset[str]:
    """Programme admins: PEERPULSE_ADMINS (comma-separated) and `[peerpulse] admins = [...]` in secrets.toml."""
    emails = {e for e in (_normalised(e) for e in os.environ.get("PEERPULSE_ADMINS", "").split(",")) if e}
    try:
        configured = st.secrets.get("peerpulse", {}).get("admins", [])
    except Exception:
        configured = []
    emails |= {e for e in (_normalised(e) for e in configured) if e}
    if sign_in_method() is SignIn.DEMO:
        emails.add(DEMO_ADMIN_EMAIL)
    return frozenset(emails)


def viewer_for(email: str) -> Viewer:
    """The roles of whoever signed in with this email."""
    person = people.person_by_email(email)
    is_lead, is_admin = email in lead_emails(), email in admin_emails()
    if person is None:
        return Viewer(email=email, is_lead=is_lead, is_admin=is_admin)
    member_id, name = person
    facilitates, member_of = viewers.roles(member_id)
    return Viewer(
        email=email,
        member_id=member_id,
        name=name,
        is_lead=is_lead,
        is_admin=is_admin,
        facilitates=facilitates,
        member_of=member_of,
    )


def current_viewer() -> Viewer | None:
    email = signed_in_email()
    return viewer_for(email) if email else None


# -- demo personas (demo sign-in only) ---------------------------------------------------------
@dataclass(frozen=True)
class Persona:
    role: str
    description: str
    email: str
    name: str | None = None


PERSONA_ROLES = {
    "facilitator": (
        "Facilitator",
        "Records meetings and prepares the next: follow-ups, who is drifting away, airtime.",
    ),
    "facilitator_and_member": ("Facilitator and member", "Chairs a group and is a member of one."),
    "member": ("Member", "Their own commitments, attendance and airtime; nothing about anyone else."),
}


def demo_personas() -> list[Persona]:
    """The people the demo sign-in offers: a programme lead, then real people of the demo programme."""
    if sign_in_method() is not SignIn.DEMO:
        return []
    personas = [
        Persona("Programme lead", "Every group's health, retention and risk; never a name or a text.", DEMO_LEAD_EMAIL),
        Persona(
            "Programme admin",
            "Forms groups, registers members, uploads rosters; never a commitment or a figure.",
            DEMO_ADMIN_EMAIL,
        ),
    ]
    for role, member_id in viewers.demo_people().items():
        found = people.demo_persona(member_id)
        if found is not None:
            name, email = found
            personas.append(Persona(*PERSONA_ROLES[role], email=_normalised(email) or "", name=name))
    return personas


def sign_in_as(email: str) -> None:
    """Demo sign-in only: remember the chosen persona for this browser session."""
    if sign_in_method() is SignIn.DEMO and email in {p.email for p in demo_personas()}:
        st.session_state[DEMO_PERSONA_KEY] = email


def sign_out() -> None:
    method = sign_in_method()
    if method is SignIn.DEMO:
        st.session_state.pop(DEMO_PERSONA_KEY, None)
    elif method is SignIn.OIDC:
        st.logout()


def require_viewer() -> Viewer:
    """For pages: the signed-in viewer (the router only offers a page to someone it is meant for)."""
    viewer = current_viewer()
    if viewer is None:
        raise NotEntitled("nobody is signed in")
    return viewer

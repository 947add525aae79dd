"""Who the viewer is: an email from exactly one sign-in source, mapped to their roles.

The source and its settings come from `dashboards.sign_in_config` (checked by `peerpulse serve` before
the server starts):

1. Demo sign-in: only when `peerpulse demo` / `peerpulse serve --demo` started the server
   (PEERPULSE_DEMO=1) *and* Streamlit is bound to 127.0.0.1. A person picks a demo persona.
2. Trusted header: when PEERPULSE_TRUSTED_HEADER names a request header (e.g. X-Forwarded-Email) set by
   an authenticating reverse proxy. Anyone who can reach the server directly can send that header, so
   bind to 127.0.0.1 behind the proxy (README, "Signing in").
3. OpenID Connect through `st.login`, when the secrets file has an [auth] section. The ID token's
   claims arrive in `st.user`; an unverified email, or a session past `session_hours`, is refused.

Whatever the source, a session the store says has ended (domain.sessions: the person signed out, in
this tab or another, an admin changed their roles, they were erased) is nobody, at its next run.

More than one configured is no sign-in at all. The email is never taken from a query parameter, a
widget or session state a user can set (the demo persona is the one exception, and exists only on a
loopback demo server). Roles: programme leads and admins are named in configuration or, with OpenID
Connect, by a claim of the ID token; facilitator and member roles come from the domain's events, via
the warehouse.
"""

from __future__ import annotations

import enum
import logging
import os
import time
from dataclasses import dataclass

import streamlit as st

from dashboards import people, recording, sign_in_config
from dashboards.data.serving import system
from dashboards.sign_in_config import Role, SignIn, SignInConfig
from dashboards.viewer import NotEntitled, Viewer
from domain import sessions
from domain.config import email_address
from warehouse.queries import identity as lookups

DEMO_LEAD_EMAIL = "programme.lead@peerpulse.demo"
DEMO_ADMIN_EMAIL = "programme.admin@peerpulse.demo"
DEMO_PERSONA_KEY = "peerpulse_demo_persona"
DEMO_SIGNED_IN_AT = "peerpulse_demo_signed_in_at"
HEADER_SESSION = "peerpulse_header_session"  # (email, when this Streamlit session first saw it)
SIGNED_IN_AT = sign_in_config.SIGNED_IN_AT  # set in the sign-in cookie by entrypoints/streamlit_server.py
LOOPBACK = "127.0.0.1"
log = logging.getLogger("peerpulse.dashboards")
_missing_claim_reported: set[str] = set()


class Refusal(enum.Enum):
    """Why someone the provider signed in is not let in."""

    EMAIL_NOT_VERIFIED = "the provider has not verified the email address"
    NO_EMAIL = "the provider sent no email address"
    SESSION_ENDED = "the session has ended"
    SIGNED_OUT = "the session was ended on the server"


def demo_requested() -> bool:
    return os.environ.get("PEERPULSE_DEMO") == "1"


def config() -> SignInConfig:
    """The sign-in configuration, as `peerpulse serve` checked it before starting this server."""
    demo = demo_requested() and st.get_option("server.address") == LOOPBACK
    return sign_in_config.read(_secrets(), os.environ, demo=demo)


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file at all, or one that does not parse
        return {}


def sign_in_method() -> SignIn:
    return config().source


def refusal() -> Refusal | None:
    """With OpenID Connect, why the person the provider signed in is not let in (None: they are, or
    nobody is signed in)."""
    if sign_in_method() is not SignIn.OIDC or not st.user.get("is_logged_in"):
        return None
    if st.user.get("email_verified") is False:
        return Refusal.EMAIL_NOT_VERIFIED
    if email_address(st.user.get("email")) is None:
        return Refusal.NO_EMAIL
    if config().session_over(st.user, now=time.time()):
        return Refusal.SESSION_ENDED
    if _ended(email_address(st.user.get("email")), session_began()):
        return Refusal.SIGNED_OUT
    return None


def session_began() -> str | None:
    """When this session began, as domain.sessions compares them (None: not known, or nobody signed in).

    OpenID Connect: the moment this server signed the person in, which it wrote into the signed cookie
    (else the ID token's `iat`). Demo: the moment a persona was picked. Trusted header: the proxy owns the
    session, so PeerPulse's session is this Streamlit session, from the moment it first saw the header."""
    method = sign_in_method()
    if method is SignIn.OIDC:
        marked, issued = st.user.get(SIGNED_IN_AT), st.user.get("iat")
        if sessions.is_instant(marked):
            return marked
        if isinstance(issued, int | float) and not isinstance(issued, bool) and 0 <= issued < 2**33:
            return sessions.instant(issued)
        return None
    if method is SignIn.DEMO:
        return st.session_state.get(DEMO_SIGNED_IN_AT)
    if method is SignIn.TRUSTED_HEADER:
        seen = st.session_state.get(HEADER_SESSION)
        return seen[1] if seen else None
    return None


def header_session_ended() -> bool:
    """Trusted header: the proxy vouches for someone, but this session of theirs was ended on the server."""
    if sign_in_method() is not SignIn.TRUSTED_HEADER:
        return False
    return _ended(email_address(st.context.headers.get(config().trusted_header)), session_began())


def _ended(email: str | None, began: str | None) -> bool:
    return email is not None and sessions.has_ended(began, people.sessions_ended_before(email))


def sign_in_outcome() -> str | None:
    """How a sign-in that did not complete came back (sign_in_config.FAILED / UNAVAILABLE), once: the
    flag is taken off the address so a reload does not show it again."""
    outcome = st.query_params.get(sign_in_config.OUTCOME_PARAM)
    if outcome is not None:
        del st.query_params[sign_in_config.OUTCOME_PARAM]
    return outcome if outcome in (sign_in_config.FAILED, sign_in_config.UNAVAILABLE) else None


def signed_in_email() -> str | None:
    """The viewer's email from the configured source, or None when nobody is signed in."""
    method = sign_in_method()
    if method is SignIn.TRUSTED_HEADER:
        email = email_address(st.context.headers.get(config().trusted_header))
        if email is not None and (st.session_state.get(HEADER_SESSION) or (None,))[0] != email:
            st.session_state[HEADER_SESSION] = (email, sessions.instant())
        return None if _ended(email, session_began()) else email
    if method is SignIn.OIDC:
        if not st.user.get("is_logged_in") or refusal() is not None:
            return None
        return email_address(st.user.get("email"))
    if method is SignIn.DEMO:
        chosen = email_address(st.session_state.get(DEMO_PERSONA_KEY))
        if chosen not in {persona.email for persona in demo_personas()}:
            return None
        if _ended(chosen, session_began()):
            st.session_state.pop(DEMO_PERSONA_KEY, None)
            return None
        return chosen
    return None


def roles(email: str) -> frozenset[Role]:
    """Lead and admin roles of the signed-in email: named in configuration, or claimed by the ID token."""
    settings = config()
    claims = st.user if settings.source is SignIn.OIDC else None
    if settings.roles_claim and claims is not None and settings.roles_claim.claim not in claims:
        _report_missing_claim(settings.roles_claim.claim)
    found = settings.roles(email, claims)
    if settings.source is SignIn.DEMO and email == DEMO_LEAD_EMAIL:
        found |= {Role.LEAD}
    if settings.source is SignIn.DEMO and email == DEMO_ADMIN_EMAIL:
        found |= {Role.ADMIN}
    return found


def _report_missing_claim(claim: str) -> None:
    """Once per server: the provider sends no roles claim, so its mapper is likely not set up."""
    if claim not in _missing_claim_reported:
        _missing_claim_reported.add(claim)
        log.warning("the ID token has no %r claim: check the provider's claim mapping ([peerpulse.roles])", claim)


def viewer_for(email: str) -> Viewer:
    """The roles of whoever signed in with this email."""
    held = roles(email)
    is_lead, is_admin = Role.LEAD in held, Role.ADMIN in held
    person, began = people.person_by_email(email), session_began()
    if person is None:
        return Viewer(email=email, is_lead=is_lead, is_admin=is_admin, signed_in_at=began)
    member_id, name = person
    facilitates, member_of = system(lookups.roles, member_id)
    return Viewer(
        email=email,
        member_id=member_id,
        name=name,
        is_lead=is_lead,
        is_admin=is_admin,
        facilitates=facilitates,
        member_of=member_of,
        signed_in_at=began,
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
    for role, member_id in system(lookups.demo_people).items():
        found = people.demo_persona(member_id)
        if found is not None:
            name, email = found
            personas.append(Persona(*PERSONA_ROLES[role], email=email_address(email) or "", name=name))
    return personas


def sign_in_as(email: str) -> None:
    """Demo sign-in only: remember the chosen persona for this browser session."""
    if sign_in_method() is SignIn.DEMO and email in {p.email for p in demo_personas()}:
        st.session_state[DEMO_PERSONA_KEY] = email
        st.session_state[DEMO_SIGNED_IN_AT] = sessions.instant()


def sign_out() -> None:
    """End the session on the server (every tab, every copy of the cookie), then in this browser."""
    method = sign_in_method()
    try:
        viewer = current_viewer()
        if viewer is not None and method in (SignIn.DEMO, SignIn.OIDC):
            recording.end_sessions(viewer)
    except Exception as e:  # the browser's own session still ends below; its type only, never its message
        log.error("signing out could not end the session on the server: %s", type(e).__name__)
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

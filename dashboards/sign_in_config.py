"""Sign-in as configured: the one source that says who the viewer is, and the settings that go with it.

Read from the environment and the secrets file (`[auth]`, `[peerpulse]` in .streamlit/secrets.toml) by
`peerpulse serve`, which refuses to start on any of `problems` (so a mistake is a message at startup, not
a sign-in page that fails later), and by `dashboards.identity` on every page. No Streamlit here.

The sources, exactly one at a time (dashboards/README.md, "Signing in"):

- OpenID Connect (`st.login`): an `[auth]` table in the secrets file;
- a trusted proxy header: PEERPULSE_TRUSTED_HEADER names the header an authenticating proxy sets;
- the demo sign-in: `peerpulse demo` / `peerpulse serve --demo`, on 127.0.0.1 only.

Programme leads and admins are named by email (PEERPULSE_LEADS / PEERPULSE_ADMINS, `leads` / `admins`
under `[peerpulse]`) and, with OpenID Connect, by the values of one claim of the ID token
(`[peerpulse.roles]`). Facilitators and members come from the domain's events, never from here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.config import named_people, table
from domain.errors import ConfigurationError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CALLBACK_PATH = "/oauth2callback"  # Streamlit's route for the provider's answer
MIN_COOKIE_SECRET = 32  # characters; `secrets.token_urlsafe(32)` makes 43
MIN_COOKIE_SECRET_DISTINCT = 10  # "aaaa...", "changemechangeme..." are not secrets
DEFAULT_SESSION_HOURS = 8.0  # a working day; Streamlit's own cookie would last 30 days
MAX_SESSION_HOURS = 30 * 24.0
CLOCK_SKEW_SECONDS = 300
HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")
OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
MAKE_A_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"

# How a sign-in that did not complete comes back to the app: `/?sign_in=failed` (the provider's answer
# was refused, or the person declined) or `/?sign_in=unavailable` (the provider could not be reached).
# Set by entrypoints/streamlit_server.py; it only ever chooses which notice the sign-in page shows.
OUTCOME_PARAM = "sign_in"
FAILED = "failed"
UNAVAILABLE = "unavailable"
# The moment this server signed a person in (domain.sessions.instant), written by
# entrypoints/streamlit_server.py into Streamlit's signed sign-in cookie beside the ID token's claims: what
# a session's end on the server (signing out, a role taken away, an erasure) is compared with.
SIGNED_IN_AT = "peerpulse_signed_in_at"


class SignIn(enum.Enum):
    DEMO = "the demo sign-in (peerpulse demo, or serve --demo)"
    TRUSTED_HEADER = "a trusted proxy header (PEERPULSE_TRUSTED_HEADER)"
    OIDC = "OpenID Connect (an [auth] table in the secrets file)"
    NOT_CONFIGURED = "no sign-in"
    CONFLICT = "more than one sign-in source"


class Role(enum.Enum):
    LEAD = "lead"
    ADMIN = "admin"


@dataclass(frozen=True)
class RolesClaim:
    """Programme roles from the identity provider: one claim of the ID token (e.g. `groups`, `roles`)
    and, per role, the values of that claim that grant it. Values are compared exactly."""

    claim: str
    values: Mapping[Role, frozenset[str]]

    def roles(self, claims: Mapping[str, object]) -> frozenset[Role]:
        found = claims.get(self.claim)
        if isinstance(found, str):
            held = {found}
        elif isinstance(found, (list, tuple)):
            held = {value for value in found if isinstance(value, str)}
        else:
            held = set()
        return frozenset(role for role, values in self.values.items() if held & values)


@dataclass(frozen=True)
class SignInConfig:
    sources: tuple[SignIn, ...]  # every source configured: more than one is refused
    trusted_header: str | None
    auth: Mapping[str, object]  # the [auth] table, {} without OpenID Connect
    leads: frozenset[str]  # emails, from the environment and the secrets file
    admins: frozenset[str]
    roles_claim: RolesClaim | None
    session_hours: float

    @property
    def source(self) -> SignIn:
        if len(self.sources) > 1:
            return SignIn.CONFLICT
        return self.sources[0] if self.sources else SignIn.NOT_CONFIGURED

    def roles(self, email: str, claims: Mapping[str, object] | None = None) -> frozenset[Role]:
        """Lead and admin roles: named by email in configuration, or (OpenID Connect) by the ID token's
        roles claim. Either is enough: the lists stay as a fallback beside the provider's groups."""
        named = {Role.LEAD} if email in self.leads else set()
        named |= {Role.ADMIN} if email in self.admins else set()
        if self.roles_claim is not None and claims is not None:
            named |= self.roles_claim.roles(claims)
        return frozenset(named)

    def session_over(self, claims: Mapping[str, object], now: float) -> bool:
        """Whether an OpenID Connect session has run its course: `session_hours` after the ID token was
        issued (`iat`, when the person signed in to PeerPulse). Without a usable `iat` it is over, and so is
        one issued in the future (beyond a few minutes of clock skew), which would never end."""
        issued = claims.get("iat")
        if isinstance(issued, bool) or not isinstance(issued, (int, float)):
            return True
        return not issued - CLOCK_SKEW_SECONDS <= now < issued + self.session_hours * 3600

    # -- checked before the server starts ------------------------------------------------------------
    def problems(self, host: str, port: int) -> list[str]:
        """Every reason not to start a server on host:port with this configuration, in words an
        administrator can act on. Never a secret's value."""
        found: list[str] = []
        if len(self.sources) > 1:
            conflicting = " and ".join(source.value for source in self.sources)
            found.append(
                f"more than one sign-in source is configured ({conflicting}): keep exactly one, as "
                "dashboards/README.md, 'Signing in', explains"
            )
        if self.trusted_header is not None and not HEADER_NAME.fullmatch(self.trusted_header):
            found.append("PEERPULSE_TRUSTED_HEADER must be a header name, such as X-Forwarded-Email")
        if SignIn.OIDC in self.sources:
            found += self._oidc_problems(host, port)
        elif self.roles_claim is not None:
            found.append(
                "[peerpulse.roles] maps a claim of the OpenID Connect ID token, but OpenID Connect is not the "
                "sign-in here: remove it, or name leads and admins by email"
            )
        return found

    def _oidc_problems(self, host: str, port: int) -> list[str]:
        found = []
        missing = [key for key in OIDC_KEYS if not isinstance(self.auth.get(key), str) or not self.auth.get(key)]
        if missing:
            found.append(f"[auth] in the secrets file is missing {', '.join(missing)}")
        secret = self.auth.get("cookie_secret")
        if isinstance(secret, str) and secret and not strong_secret(secret):
            found.append(
                f"[auth] cookie_secret is too weak: it signs the sign-in cookie, so anyone who can guess it can "
                f"sign in as anyone. Use at least {MIN_COOKIE_SECRET} random characters, e.g. from: {MAKE_A_SECRET}"
            )
        redirect = self.auth.get("redirect_uri")
        if isinstance(redirect, str) and redirect:
            found += redirect_uri_problems(redirect, host, port)
        metadata = self.auth.get("server_metadata_url")
        if isinstance(metadata, str) and metadata and not secure_or_loopback(metadata):
            found.append("[auth] server_metadata_url must be an https:// address (plain http only on 127.0.0.1)")
        if self.auth.get("expose_tokens"):
            found.append("[auth] expose_tokens hands the provider's tokens to the app, which never needs them")
        return found


def strong_secret(secret: str) -> bool:
    return len(secret) >= MIN_COOKIE_SECRET and len(set(secret)) >= MIN_COOKIE_SECRET_DISTINCT


def secure_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def redirect_uri_problems(redirect: str, host: str, port: int) -> list[str]:
    """The redirect URI must be this server's own address: the browser comes back to it with the
    provider's answer, and the sign-in cookie is only valid for its origin. On 127.0.0.1 (or
    localhost) it names this server's port; anywhere else it is the https:// address of the proxy that
    terminates TLS in front of this server."""
    parts = urlsplit(redirect.replace("{port}", str(port)))
    try:
        redirect_port = parts.port
    except ValueError:
        return ["[auth] redirect_uri has a port that is not a number"]
    problems = []
    if parts.path != CALLBACK_PATH or parts.query or parts.fragment:
        problems.append(f"[auth] redirect_uri must end in {CALLBACK_PATH}, with nothing after it")
    if parts.hostname in LOOPBACK_HOSTS:
        if host not in LOOPBACK_HOSTS | {"0.0.0.0", "::"}:
            problems.append(f"[auth] redirect_uri points at this machine, but the server listens on {host}")
        elif parts.scheme != "http" or redirect_port != port:
            problems.append(
                f"[auth] redirect_uri must be http://{parts.hostname}:{port}{CALLBACK_PATH} for a server on port "
                f"{port} (or use {{port}}); it names {parts.scheme}://{parts.netloc}"
            )
    elif parts.scheme != "https" or not parts.hostname:
        problems.append(
            "[auth] redirect_uri must be this server's own address: http://127.0.0.1:PORT/oauth2callback, or the "
            "https:// address of the proxy in front of it"
        )
    return problems


def read(secrets: Mapping[str, object], environ: Mapping[str, str], demo: bool) -> SignInConfig:
    """The sign-in configuration from the secrets file's contents, the environment, and whether the
    demo sign-in was asked for (on 127.0.0.1). Malformed values are a ConfigurationError."""
    peerpulse = table(secrets, "peerpulse", "[peerpulse]")
    auth = table(secrets, "auth", "[auth]")
    header = (environ.get("PEERPULSE_TRUSTED_HEADER") or "").strip() or None
    configured = ((SignIn.DEMO, demo), (SignIn.TRUSTED_HEADER, header is not None), (SignIn.OIDC, "auth" in secrets))
    return SignInConfig(
        sources=tuple(source for source, on in configured if on),
        trusted_header=header,
        auth=auth,
        leads=named_people(secrets, environ, "leads"),
        admins=named_people(secrets, environ, "admins"),
        roles_claim=_roles_claim(peerpulse.get("roles")),
        session_hours=_session_hours(peerpulse.get("session_hours", DEFAULT_SESSION_HOURS)),
    )


def _roles_claim(table: object) -> RolesClaim | None:
    if table is None:
        return None
    example = '[peerpulse.roles] claim = "groups", lead = ["peerpulse-leads"], admin = ["peerpulse-admins"]'
    if not isinstance(table, Mapping):
        raise ConfigurationError(f"[peerpulse.roles] must be a table: {example}")
    claim = table.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        raise ConfigurationError(f"[peerpulse.roles] needs the name of the claim that carries the roles: {example}")
    unknown = set(table) - {"claim"} - {role.value for role in Role}
    if unknown:
        raise ConfigurationError(f"[peerpulse.roles] has unknown keys {sorted(unknown)}: {example}")
    values = {}
    for role in Role:
        listed = table.get(role.value, [])
        if not isinstance(listed, list) or not all(isinstance(v, str) and v for v in listed):
            raise ConfigurationError(f"[peerpulse.roles] {role.value} must be a list of the claim's values: {example}")
        values[role] = frozenset(listed)
    if not any(values.values()):
        raise ConfigurationError(f"[peerpulse.roles] names no value for lead or admin: {example}")
    return RolesClaim(claim.strip(), values)


def _session_hours(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_SESSION_HOURS:
        raise ConfigurationError(
            f"[peerpulse] session_hours must be a number of hours above 0 and at most {MAX_SESSION_HOURS:.0f}"
        )
    return float(value)

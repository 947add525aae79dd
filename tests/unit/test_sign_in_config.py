"""The sign-in configuration, with no server: which source is configured, who is a lead or an admin,
when a session ends, and every reason `peerpulse serve` refuses to start."""

from __future__ import annotations

import pytest

from dashboards.sign_in_config import Role, SignIn, read
from domain.errors import ConfigurationError

SECRET = "k3Jx9-Qm2vT7wLp0sYb4Nf8Rz1Hd6Gc5Ua"  # 34 characters, 30 different
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": SECRET,
    "client_id": "peerpulse",
    "client_secret": "s",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}
HEADER = {"PEERPULSE_TRUSTED_HEADER": "X-Forwarded-Email"}
ROLES = {"claim": "groups", "lead": ["peerpulse-leads"], "admin": ["peerpulse-admins"]}


def oidc(auth: dict | None = None, **peerpulse) -> dict:
    return {"auth": AUTH | (auth or {}), "peerpulse": peerpulse}


def problems(secrets: dict, environ: dict | None = None, demo: bool = False, host="127.0.0.1", port=8501) -> str:
    return " | ".join(read(secrets, environ or {}, demo=demo).problems(host, port))


# -- which source ----------------------------------------------------------------------------------
def test_exactly_one_source_is_the_sign_in():
    assert read({}, {}, demo=False).source is SignIn.NOT_CONFIGURED
    assert read(oidc(), {}, demo=False).source is SignIn.OIDC
    assert read({}, {"PEERPULSE_TRUSTED_HEADER": "X-Forwarded-Email"}, demo=False).source is SignIn.TRUSTED_HEADER
    assert read({}, {}, demo=True).source is SignIn.DEMO
    assert read(oidc(), {"PEERPULSE_TRUSTED_HEADER": "X-Forwarded-Email"}, demo=False).source is SignIn.CONFLICT


@pytest.mark.parametrize(
    ("secrets", "environ", "demo", "named"),
    [
        (oidc(), HEADER, False, ("OpenID Connect", "PEERPULSE_TRUSTED_HEADER")),
        (oidc(), {}, True, ("demo", "OpenID Connect")),
        ({}, HEADER, True, ("demo", "PEERPULSE_TRUSTED_HEADER")),
    ],
)
def test_more_than_one_source_is_refused_naming_them(secrets, environ, demo, named):
    found = problems(secrets, environ, demo)
    assert "more than one sign-in source" in found
    for name in named:
        assert name in found


# -- leads and admins ----------------------------------------------------------------------------------
def test_leads_and_admins_are_named_in_the_environment_and_the_secrets_file():
    config = read(
        {"peerpulse": {"leads": ["Ada@Example.org"], "admins": ["root@example.org"]}},
        {"PEERPULSE_LEADS": " bob@example.org, ,", "PEERPULSE_ADMINS": "ada@example.org"},
        demo=False,
    )
    assert config.leads == {"ada@example.org", "bob@example.org"}
    assert config.roles("ada@example.org") == {Role.LEAD, Role.ADMIN}  # one person can be both
    assert config.roles("root@example.org") == {Role.ADMIN}
    assert config.roles("someone@example.org") == set()


def test_a_malformed_list_of_emails_is_an_error_that_names_no_one():
    with pytest.raises(ConfigurationError, match="PEERPULSE_ADMINS: entry 2 is not an email address") as e:
        read({}, {"PEERPULSE_ADMINS": "ada@example.org,bob"}, demo=False)
    assert "ada" not in str(e.value)
    with pytest.raises(ConfigurationError, match=r"\[peerpulse\] leads must be a list"):
        read({"peerpulse": {"leads": "ada@example.org"}}, {}, demo=False)


def test_roles_come_from_the_providers_claim_beside_the_lists():
    config = read(oidc(roles=ROLES, leads=["listed@example.org"]), {}, demo=False)
    assert config.roles("x@example.org", {"groups": ["staff", "peerpulse-leads"]}) == {Role.LEAD}
    assert config.roles("x@example.org", {"groups": ["peerpulse-admins", "peerpulse-leads"]}) == {Role.LEAD, Role.ADMIN}
    assert config.roles("x@example.org", {"groups": "peerpulse-admins"}) == {Role.ADMIN}  # one value, as a string
    assert config.roles("x@example.org", {"groups": ["PeerPulse-Leads"]}) == set()  # values compare exactly
    assert config.roles("x@example.org", {"groups": 7}) == set()
    assert config.roles("x@example.org", {}) == set()
    assert config.roles("listed@example.org", {}) == {Role.LEAD}  # the list is the fallback


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ({"lead": ["a"]}, "needs the name of the claim"),
        ({"claim": "groups"}, "names no value"),
        ({"claim": "groups", "lead": "peerpulse-leads"}, "lead must be a list"),
        ({"claim": "groups", "leads": ["x"]}, "unknown keys"),
        ("groups", "must be a table"),
    ],
)
def test_a_malformed_roles_claim_mapping_is_an_error(roles, message):
    with pytest.raises(ConfigurationError, match=message):
        read(oidc(roles=roles), {}, demo=False)


# -- sessions ------------------------------------------------------------------------------------
def test_a_session_ends_session_hours_after_sign_in():
    config = read(oidc(session_hours=2), {}, demo=False)
    assert not config.session_over({"iat": 1000}, now=1000 + 2 * 3600 - 1)
    assert config.session_over({"iat": 1000}, now=1000 + 2 * 3600)
    assert config.session_over({}, now=0)  # no issue time: no session
    assert config.session_over({"iat": "1000"}, now=0)
    assert not config.session_over({"iat": 1000}, now=1000 - 60)  # a minute of clock skew
    assert config.session_over({"iat": 10**10}, now=1000)  # from the future: it would never end
    assert read(oidc(), {}, demo=False).session_hours == 8
    for hours in (0, -1, "8", True, 24 * 365):
        with pytest.raises(ConfigurationError, match="session_hours"):
            read(oidc(session_hours=hours), {}, demo=False)


# -- checked before the server starts -----------------------------------------------------------
def test_a_sound_configuration_has_no_problems():
    assert problems(oidc(roles=ROLES)) == ""
    assert problems(oidc({"redirect_uri": "http://localhost:{port}/oauth2callback"}), port=8600) == ""
    assert problems(oidc({"redirect_uri": "https://peerpulse.example.org/oauth2callback"})) == ""
    assert problems({}, {"PEERPULSE_TRUSTED_HEADER": "X-Forwarded-Email"}) == ""
    assert problems({}) == ""  # no sign-in: the app says so


@pytest.mark.parametrize("secret", [None, "", "short", "a" * 40, "changeme" * 5])
def test_a_missing_or_weak_cookie_secret_is_refused(secret):
    auth = dict(AUTH)
    if secret is None:
        del auth["cookie_secret"]
    else:
        auth["cookie_secret"] = secret
    found = problems({"auth": auth})
    assert "cookie_secret" in found
    if secret:
        assert secret not in found  # a secret is never repeated back


@pytest.mark.parametrize(
    ("redirect_uri", "port", "host"),
    [
        ("http://127.0.0.1:8501/oauth2callback", 8600, "127.0.0.1"),  # another port
        ("http://127.0.0.1/oauth2callback", 8501, "127.0.0.1"),  # no port: 80
        ("https://127.0.0.1:8501/oauth2callback", 8501, "127.0.0.1"),  # this server speaks http
        ("http://127.0.0.1:8501/callback", 8501, "127.0.0.1"),  # not Streamlit's route
        ("http://127.0.0.1:8501/oauth2callback?next=/", 8501, "127.0.0.1"),
        ("http://peerpulse.example.org/oauth2callback", 8501, "127.0.0.1"),  # a public address without TLS
        ("http://127.0.0.1:8501/oauth2callback", 8501, "10.0.0.5"),  # the server is not on this address
        ("oauth2callback", 8501, "127.0.0.1"),
    ],
)
def test_a_redirect_uri_that_is_not_this_servers_address_is_refused(redirect_uri, port, host):
    assert "redirect_uri" in problems(oidc({"redirect_uri": redirect_uri}), host=host, port=port)


def test_other_oidc_mistakes_are_refused():
    missing = problems({"auth": {"redirect_uri": AUTH["redirect_uri"]}})
    assert "missing cookie_secret, client_id, client_secret, server_metadata_url" in missing
    plain = {"server_metadata_url": "http://login.example.org/.well-known/openid-configuration"}
    assert "server_metadata_url must be an https" in problems(oidc(plain))
    assert "expose_tokens" in problems(oidc({"expose_tokens": ["id"]}))
    assert "[peerpulse.roles]" in problems({"peerpulse": {"roles": ROLES}}, {"PEERPULSE_TRUSTED_HEADER": "X-Email"})
    assert "header name" in problems({}, {"PEERPULSE_TRUSTED_HEADER": "X Email: yes"})

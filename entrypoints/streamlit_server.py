"""The dashboards' web server: Streamlit, with the places where it would reach beyond this machine closed,
and its sign-in routes made to say what happened.

Streamlit looks up the machine's external address on the internet (checkip.amazonaws.com) to print an
"External URL" and, on every WebSocket request from a foreign Origin, to decide whether that origin is
the machine itself; it also opens a UDP socket towards 8.8.8.8 to learn its own LAN address. PeerPulse
promises that no request leaves the machine, so both look-ups answer "unknown" here: a foreign origin
is simply refused. Its `/_stcore/metrics` endpoint (cache sizes per function, readable without signing
in) is not served at all.

Sign-in (OpenID Connect, `st.login`): a sign-in that cannot start because the provider does not answer
would end on a bare "Authentication error" text, and one whose answer is refused (a tampered or expired
ID token, a declined consent) silently back at the sign-in button. Both come back to the app instead as
`/?sign_in=unavailable` or `/?sign_in=failed`, so the sign-in page can say so (the flag only picks a
notice; it signs nobody in). Signing out does not send the ID token to the provider's logout address
(`id_token_hint`): a token, with the email inside it, does not belong in a URL, where browser history
and access logs keep it.

The sign-in cookie also carries the moment this server signed the person in (`peerpulse_signed_in_at`,
signed with the rest): signing out, a role taken away or an erasure ends every session begun before then
(domain.sessions), including copies of the cookie, which Streamlit alone would honour for 30 days.

What a websocket may ask (no `clear_cache`; uploads only when signed in, within caps) is in
entrypoints/streamlit_guard.py, a middleware in front of Streamlit (entrypoints/streamlit_app.py).

`peerpulse serve` runs `python -m entrypoints.streamlit_server run entrypoints/streamlit_app.py ...`.
"""

from __future__ import annotations

import logging
import sys

from dashboards.sign_in_config import FAILED, OUTCOME_PARAM, SIGNED_IN_AT, UNAVAILABLE
from domain.sessions import instant

log = logging.getLogger("peerpulse.sign_in")
SIGNED_IN_COOKIE = "_streamlit_user="


def close_the_doors() -> None:
    from streamlit import net_util
    from streamlit.web.server.starlette import starlette_app, starlette_auth_routes

    net_util.get_external_ip = lambda: None
    net_util.get_internal_ip = lambda: None
    starlette_app.create_metrics_routes = lambda runtime, base_url: []
    starlette_app.create_auth_routes = sign_in_routes
    logout_url = starlette_auth_routes.build_logout_url

    def logout_url_without_the_token(
        end_session_endpoint: str, client_id: str, post_logout_redirect_uri: str, id_token: str | None = None
    ) -> str:
        return logout_url(end_session_endpoint, client_id, post_logout_redirect_uri, id_token=None)

    starlette_auth_routes.build_logout_url = logout_url_without_the_token
    starlette_auth_routes._set_auth_cookie = signed_in_now(starlette_auth_routes._set_auth_cookie)


def signed_in_now(set_auth_cookie):
    """Streamlit's writer of the sign-in cookie, adding the moment of signing in to what it signs."""

    async def set_with_the_moment(response, user_info: dict, tokens: dict) -> None:
        await set_auth_cookie(response, {**user_info, SIGNED_IN_AT: instant()}, tokens)

    return set_with_the_moment


def sign_in_routes(base_url: str) -> list:
    """Streamlit's sign-in routes, the login and the provider's callback wrapped to report what failed."""
    from starlette.routing import Route
    from streamlit.web.server.starlette.starlette_auth_routes import create_auth_routes

    wrap = {"login": _login, "oauth2callback": _callback}
    routes = []
    for route in create_auth_routes(base_url):
        wrapper = wrap.get(route.path.rstrip("/").rsplit("/", 1)[-1])
        endpoint = wrapper(route.endpoint, base_url) if wrapper else route.endpoint
        routes.append(Route(route.path, endpoint, methods=["GET"]))
    return routes


def _back_to_the_app(base_url: str, outcome: str) -> str:
    from streamlit.url_util import make_url_path

    return f"{make_url_path(base_url, '/')}?{OUTCOME_PARAM}={outcome}"


def _login(endpoint, base_url: str):
    async def login(request):
        from starlette.responses import RedirectResponse

        try:
            response = await endpoint(request)
        except Exception as e:  # its type only: a message could hold an address or a secret
            log.warning("sign-in could not start: %s", type(e).__name__)
            response = None
        if response is None or response.status_code >= 400:  # Streamlit's "Authentication error"
            return RedirectResponse(_back_to_the_app(base_url, UNAVAILABLE), status_code=302)
        return response

    return login


def _callback(endpoint, base_url: str):
    async def callback(request):
        from starlette.responses import RedirectResponse

        answered = "code" in request.query_params or "error" in request.query_params
        try:
            response = await endpoint(request)
        except Exception as e:
            log.warning("the provider's answer could not be handled: %s", type(e).__name__)
            return RedirectResponse(_back_to_the_app(base_url, FAILED), status_code=302)
        # The provider's answer to a sign-in (not the way back from signing out) that set no sign-in cookie:
        # the token exchange or the ID token's checks failed, or the person declined.
        if answered and not _signs_in(response):
            response.headers["location"] = _back_to_the_app(base_url, FAILED)
        return response

    return callback


def _signs_in(response) -> bool:
    return any(
        cookie.startswith(SIGNED_IN_COOKIE) and "max-age=0" not in cookie.lower()
        for cookie in response.headers.getlist("set-cookie")
    )


def main() -> None:
    close_the_doors()
    from streamlit.web import cli

    sys.exit(cli.main())


if __name__ == "__main__":
    main()

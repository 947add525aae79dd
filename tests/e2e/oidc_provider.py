"""A real OpenID Connect provider on 127.0.0.1, for the browser tests: oidc-provider-mock (Authlib's
authorization server: discovery, the authorization code flow with a consent form, RS256-signed ID tokens,
JWKS, an end-session endpoint), started and stopped by the test, with a thin layer in front of it that
the tests control:

- it records every token it issues, so a test can prove none shows up in a URL or a log;
- it can tamper with the next ID token (another person's email, the original signature);
- it can go down (stop listening) and come back on the same port;
- it serves its pages without their stylesheet from a CDN: nothing leaves the machine.

People are set with `person(sub, **claims)`; their claims go into the ID token as they are, so a test
can also issue a token that is already expired (`exp`) or was issued long ago (`iat`).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import werkzeug.serving
from oidc_provider_mock import app as provider_app

from tests.conftest import free_port

CDN_STYLESHEET = re.compile(rb"<link[^>]*https://[^>]*>")


class Quiet(werkzeug.serving.WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the test's output is for the test
        pass


class Provider:
    def __init__(self) -> None:
        self.app = provider_app(require_nonce=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issued: list[str] = []  # every id, access and refresh token handed out
        self.tamper_next_with: str | None = None  # an email to put into the next ID token
        self._server: werkzeug.serving.BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def person(self, sub: str, **claims: object) -> None:
        """Someone the provider can sign in, with the claims their ID token will carry."""
        answer = self.app.test_client().put(f"/users/{sub}", json=claims)
        assert answer.status_code == 204, answer.text

    # -- serving -------------------------------------------------------------------------------
    def start(self) -> None:
        self._server = werkzeug.serving.make_server(
            "127.0.0.1", self.port, self._in_front, threaded=True, request_handler=Quiet
        )
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    @contextmanager
    def down(self) -> Iterator[None]:
        """Nothing listens on the provider's port while the block runs."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    # -- the layer in front --------------------------------------------------------------------------
    def _in_front(self, environ, start_response):
        answered = {}

        def keep(status, headers, exc_info=None):
            answered["status"], answered["headers"] = status, headers
            return lambda data: None

        result = self.app(environ, keep)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        headers = [(k, v) for k, v in answered["headers"] if k.lower() != "content-length"]
        content_type = dict((k.lower(), v) for k, v in headers).get("content-type", "")
        if environ.get("PATH_INFO") == "/oauth2/token" and content_type.startswith("application/json"):
            body = self._token_answer(body)
        elif content_type.startswith("text/html"):
            body = CDN_STYLESHEET.sub(b"", body)
        start_response(answered["status"], headers + [("Content-Length", str(len(body)))])
        return [body]

    def _token_answer(self, body: bytes) -> bytes:
        answer = json.loads(body)
        if "id_token" in answer and self.tamper_next_with is not None:
            answer["id_token"] = with_email(answer["id_token"], self.tamper_next_with)
            self.tamper_next_with = None
        self.issued += [answer[k] for k in ("id_token", "access_token", "refresh_token") if answer.get(k)]
        return json.dumps(answer).encode()


def with_email(token: str, email: str) -> str:
    """The same signed token with another email in its payload: its signature no longer matches."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = email
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()

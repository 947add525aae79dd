"""`peerpulse serve`: start the Streamlit dashboards (also what `peerpulse demo` ends with), and keep
their figures fresh.

The app runs in a child process of its own session, so Ctrl-C or a terminating supervisor stops the
whole server. Its privacy settings are passed on the command line, so they hold wherever PeerPulse is
started from; .streamlit/config.toml is read from the project folder. The secrets file (sign-in) is
.streamlit/secrets.toml in the project folder, or `--secrets FILE`: exactly that one file, which is
checked before Streamlit starts (one sign-in source, a strong cookie secret, a redirect URI that is this
server's address), so a mistake is a message and a non-zero exit, not a sign-in page that fails later.

This process, meanwhile, follows the event log (pipelines/follower.py): events saved by an import or a
form reach the serving file, and so every page, within a second or two, with no other process running.
`--no-refresh` leaves that to someone else (Dagster, a scheduled `peerpulse materialize`).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from dashboards import sign_in_config
from dashboards.sign_in_config import SignIn, SignInConfig
from domain.config import SECRETS, Config, Settings
from domain.errors import ConfigurationError

PROJECT = Path(__file__).resolve().parents[1]  # the repository: dashboards/ and .streamlit/ live here
APP = (
    PROJECT / "entrypoints" / "streamlit_app.py"
)  # dashboards/app.py behind the guard (entrypoints/streamlit_guard.py)
LOOPBACK = "127.0.0.1"

# Privacy and robustness settings that must not depend on which folder `peerpulse serve` runs in.
STREAMLIT_OPTIONS = {
    "browser.gatherUsageStats": "false",
    "server.headless": "true",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",
    "server.enableXsrfProtection": "true",
    "client.showErrorDetails": "none",
    "client.showErrorLinks": "false",
    "client.toolbarMode": "viewer",
    "server.maxUploadSize": "20",  # MB: the recording pages' exports and rosters (dashboards/forms.py)
}


def command(host: str, port: int, secrets: Path = SECRETS) -> list[str]:
    # Exactly the secrets file that was checked: not also ~/.streamlit/secrets.toml, as Streamlit would.
    options = STREAMLIT_OPTIONS | {"server.address": host, "server.port": str(port), "secrets.files": str(secrets)}
    # Streamlit's own CLI, started through a module that closes its look-ups beyond this machine.
    return [
        sys.executable,
        "-m",
        "entrypoints.streamlit_server",
        "run",
        str(APP),
        *(f"--{k}={v}" for k, v in options.items()),
    ]


def environment(demo: bool) -> dict[str, str]:
    env = dict(os.environ)
    # The data folder as this process sees it: the server runs in the project folder, where a relative
    # PEERPULSE_HOME would point somewhere else.
    env["PEERPULSE_HOME"] = str(Settings.from_env().home)
    env.pop("PEERPULSE_DEMO", None)
    if demo:
        env["PEERPULSE_DEMO"] = "1"
    return env


def checked_sign_in(host: str, port: int, demo: bool, secrets: Path | None = None) -> SignInConfig:
    """The sign-in configuration a server on host:port would run with, or a ConfigurationError naming
    every problem with it (`peerpulse demo` asks before it seeds, `serve` before Streamlit starts)."""
    if demo and host != LOOPBACK:
        raise ConfigurationError(f"the demo sign-in lets anyone be anyone: it only runs on {LOOPBACK}, not on {host}")
    loaded = Config.load(secrets)
    config = sign_in_config.read(loaded.secrets, loaded.environ, demo=demo)
    problems = config.problems(host, port)
    if problems:
        raise ConfigurationError(f"sign-in is not set up right ({loaded.secrets_path}): " + "; ".join(problems))
    return config


def serve(
    host: str = LOOPBACK, port: int = 8501, demo: bool = False, secrets: Path | None = None, refresh: bool = True
) -> int:
    secrets = Config.load(secrets).secrets_path  # the file given, else PEERPULSE_SECRETS, else the project's
    config = checked_sign_in(host, port, demo, secrets)
    sign_in = _sign_in_summary(config)
    if config.source is SignIn.TRUSTED_HEADER and host != LOOPBACK:
        print(
            f"warning: trusting the {os.environ['PEERPULSE_TRUSTED_HEADER']} header on {host}: anyone who can reach "
            "this port directly can claim any identity. Listen on 127.0.0.1 behind the proxy, or firewall the port.",
            file=sys.stderr,
        )
    print(f"PeerPulse dashboards on http://{host}:{port} ({sign_in}); Ctrl-C stops them", flush=True)
    server = subprocess.Popen(command(host, port, secrets), cwd=PROJECT, env=environment(demo), start_new_session=True)
    follower = None
    if refresh:
        from pipelines.follower import Follower

        follower = Follower(Settings.from_env(), say=lambda line: print(line, flush=True))
        follower.start()
    # The server is in its own session, so a terminal's Ctrl-C or a supervisor's SIGTERM reaches only
    # this process: pass either on to the whole server.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return server.wait()
    except KeyboardInterrupt:
        _stop(server)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server.poll() is None:
            _stop(server)
        if follower is not None:
            follower.stop(timeout=10)  # a refresh cut short here is safe: the next one starts again


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _sign_in_summary(config: SignInConfig) -> str:
    if config.source is SignIn.DEMO:
        return "demo sign-in"
    if config.source is SignIn.TRUSTED_HEADER:
        return f"sign-in from the {config.trusted_header} header of a trusted proxy"
    if config.source is SignIn.OIDC:
        roles = f", roles also from the '{config.roles_claim.claim}' claim" if config.roles_claim else ""
        return f"OpenID Connect sign-in, sessions end {config.session_hours:g} h after sign-in{roles}"
    return "no sign-in configured: see README, 'Signing in'"


def cmd_serve(args: argparse.Namespace) -> int:
    return serve(host=args.host, port=args.port, demo=args.demo, secrets=args.secrets, refresh=not args.no_refresh)


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="start the dashboards (Streamlit)")
    p.add_argument("--host", default=LOOPBACK, help=f"address to listen on (default {LOOPBACK})")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--demo", action="store_true", help=f"demo sign-in with demo personas (only on {LOOPBACK})")
    p.add_argument(
        "--secrets",
        type=Path,
        metavar="FILE",
        help="the secrets file: OpenID Connect [auth], [peerpulse] leads, admins and roles "
        "(default $PEERPULSE_SECRETS, else .streamlit/secrets.toml in the project folder)",
    )
    p.add_argument(
        "--no-refresh",
        action="store_true",
        help="do not refresh the figures as events arrive (Dagster or a scheduled materialize does)",
    )
    p.set_defaults(func=cmd_serve)

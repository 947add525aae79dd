"""`peerpulse serve`: start the Streamlit dashboards (also what `peerpulse demo` ends with), and keep
their figures fresh.

The app runs in a child process of its own session, so Ctrl-C or a terminating supervisor stops the
whole server. Its privacy settings are passed on the command line, so they hold wherever PeerPulse is
started from; .streamlit/ (config.toml, secrets.toml) is read from the project folder.

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

from domain.config import Settings
from domain.errors import ConfigurationError

PROJECT = Path(__file__).resolve().parents[1]  # the repository: dashboards/ and .streamlit/ live here
APP = PROJECT / "dashboards" / "app.py"
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
}


def command(host: str, port: int) -> list[str]:
    options = STREAMLIT_OPTIONS | {"server.address": host, "server.port": str(port)}
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


def serve(host: str = LOOPBACK, port: int = 8501, demo: bool = False, refresh: bool = True) -> int:
    if demo and host != LOOPBACK:
        raise ConfigurationError(f"the demo sign-in lets anyone be anyone: it only runs on {LOOPBACK}, not on {host}")
    sign_in = "demo sign-in" if demo else _sign_in_summary()
    if os.environ.get("PEERPULSE_TRUSTED_HEADER") and host != LOOPBACK:
        print(
            f"warning: trusting the {os.environ['PEERPULSE_TRUSTED_HEADER']} header on {host}: anyone who can reach "
            "this port directly can claim any identity. Listen on 127.0.0.1 behind the proxy, or firewall the port.",
            file=sys.stderr,
        )
    print(f"PeerPulse dashboards on http://{host}:{port} ({sign_in}); Ctrl-C stops them", flush=True)
    server = subprocess.Popen(command(host, port), cwd=PROJECT, env=environment(demo), start_new_session=True)
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


def _sign_in_summary() -> str:
    if os.environ.get("PEERPULSE_TRUSTED_HEADER"):
        return f"sign-in from the {os.environ['PEERPULSE_TRUSTED_HEADER']} header of a trusted proxy"
    if (PROJECT / ".streamlit" / "secrets.toml").exists():
        return "OpenID Connect sign-in if .streamlit/secrets.toml has an [auth] section"
    return "no sign-in configured: see README, 'Signing in'"


def cmd_serve(args: argparse.Namespace) -> int:
    return serve(host=args.host, port=args.port, demo=args.demo, refresh=not args.no_refresh)


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="start the dashboards (Streamlit)")
    p.add_argument("--host", default=LOOPBACK, help=f"address to listen on (default {LOOPBACK})")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--demo", action="store_true", help=f"demo sign-in with demo personas (only on {LOOPBACK})")
    p.add_argument(
        "--no-refresh",
        action="store_true",
        help="do not refresh the figures as events arrive (Dagster or a scheduled materialize does)",
    )
    p.set_defaults(func=cmd_serve)

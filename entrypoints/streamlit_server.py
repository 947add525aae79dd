"""The dashboards' web server: Streamlit, with the places where it would reach beyond this machine closed.

Streamlit looks up the machine's external address on the internet (checkip.amazonaws.com) to print an
"External URL" and, on every WebSocket request from a foreign Origin, to decide whether that origin is
the machine itself; it also opens a UDP socket towards 8.8.8.8 to learn its own LAN address. PeerPulse
promises that no request leaves the machine, so both look-ups answer "unknown" here: a foreign origin
is simply refused. Its `/_stcore/metrics` endpoint (cache sizes per function, readable without signing
in) is not served at all.

`peerpulse serve` runs `python -m entrypoints.streamlit_server run dashboards/app.py ...`.
"""

from __future__ import annotations

import sys


def close_the_doors() -> None:
    from streamlit import net_util
    from streamlit.web.server.starlette import starlette_app

    net_util.get_external_ip = lambda: None
    net_util.get_internal_ip = lambda: None
    starlette_app.create_metrics_routes = lambda runtime, base_url: []


def main() -> None:
    close_the_doors()
    from streamlit.web import cli

    sys.exit(cli.main())


if __name__ == "__main__":
    main()

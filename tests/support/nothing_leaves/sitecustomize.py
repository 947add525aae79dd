"""Loaded by every Python process a test starts with this folder on PYTHONPATH (and so by the servers
those processes start): an audit hook that records, and refuses, any name look-up of or connection to
an address outside the loopback range. The test then asserts that the record is empty."""

import ipaddress
import os
import sys

RECORD = os.environ.get("PEERPULSE_AUDIT_LOG")


def _loopback(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("utf-8", "replace")
    host = str(host)
    if host in ("localhost", "", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _hook(event: str, args: tuple) -> None:
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        host = args[0]
    elif event in ("socket.connect", "socket.sendto"):
        address = args[1]
        if not isinstance(address, tuple):
            return  # a Unix socket
        host = address[0]
    else:
        return
    if not _loopback(host):
        with open(RECORD, "a") as record:
            record.write(f"pid {os.getpid()} ({' '.join(getattr(sys, 'argv', [])[:2])}): {event} {host!r}\n")
        raise PermissionError(f"{event} to {host!r}: nothing may leave this machine")


if RECORD:
    sys.addaudithook(_hook)

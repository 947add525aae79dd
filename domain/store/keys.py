"""The store key: created once, kept with owner-only permissions, never silently replaced.

Losing the key means losing the event store: the events are unreadable without it. So a missing key
for a store that already holds events is an error, not a reason to make a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat

from eventsourcing.cryptography import AESCipher

from domain.config import Settings
from domain.errors import ConfigurationError


def new_key() -> str:
    return AESCipher.create_key(num_bytes=32)


def read_key(settings: Settings) -> str | None:
    """The configured key, or None when there is none yet."""
    if settings.store_key:
        key = settings.store_key
        origin = "PEERPULSE_STORE_KEY"
    elif settings.key_path.exists() or settings.key_path.is_symlink():
        key = _read_key_file(settings)
        origin = str(settings.key_path)
    else:
        return None
    try:
        raw = base64.b64decode(key, validate=True)
    except ValueError:
        raw = b""
    if len(raw) not in (16, 24, 32):
        raise ConfigurationError(f"the store key in {origin} is not a base64 AES key (16, 24 or 32 bytes)")
    return key


MAX_KEY_FILE = 1024


def _read_key_file(settings: Settings) -> str:
    path = settings.key_path
    try:
        info = path.stat()
    except OSError as e:
        raise ConfigurationError(f"the store key file {path} cannot be read ({e.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigurationError(f"the store key {path} is not a file: restore the key file from backup")
    if info.st_mode & 0o077:
        raise ConfigurationError(
            f"the store key {path} can be read by other users of this machine: run `chmod 600 {path}` "
            "(and consider the key exposed if others could log in)"
        )
    try:
        with path.open("rb") as f:
            data = f.read(MAX_KEY_FILE + 1)
    except OSError as e:
        raise ConfigurationError(f"the store key file {path} cannot be read ({e.strerror})") from None
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError:
        return ""  # refused below as not a base64 key


def write_key(settings: Settings, key: str) -> None:
    """Write a new key file readable by its owner only; refuses to overwrite one."""
    settings.ensure_home()
    settings.key_path.parent.mkdir(mode=0o700, exist_ok=True)
    os.chmod(settings.key_path.parent, 0o700)
    fd = os.open(settings.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")


def derived_key(key: str, purpose: str) -> bytes:
    """A separate key for each purpose (e.g. the email index), so no two uses share one key."""
    return hmac.new(base64.b64decode(key), purpose.encode(), hashlib.sha256).digest()


def keyed_digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

"""Re-key the old store fixture (tests/fixtures/old_store/) from its random store key to the derived one.

A one-off, run with today's code where the fixture's old key is at hand:

    .venv/bin/python -m tests.support.rekey_old_store tests/fixtures/old_store OLD_KEY_FILE

The store stays what the old code wrote: the same rows at the same positions, the same topics, and each
event's plaintext byte for byte, but for the values the store key decides. Those are

- the envelope of every stored event (AES-GCM under the store key): opened with the old key, sealed again
  with the derived one (`tests.support.old_store.fixture_key`);
- the keyed digests the key derives (docs: domain/store/keys.py `derived_key`): an email claim's digest,
  a pseudonymous `person:`/`user:` actor or recipient, an `m-` member id. Each is replaced by the digest
  of the same value under the derived key, so they are what that code writes with that key; the values
  digested are the fixture's (the emails of programme.jsonl, the account `fixture` the script ran as);
- the aggregate ids made from those digests (email claims, message preferences, messages);
- the member key store: each member's key, unchanged, wrapped again with the derived key; the erased
  member's tombstone stays a tombstone; the binding to the event store is made again under the new key.

Anything else that looks like a keyed digest and is not one of these stops the script, which changes
nothing then: a value it cannot translate would leave a store the old code could not have written.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sqlite3
import sys
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain import ids
from domain.store import keys
from domain.store.cipher import NONCE, TAG, open_envelope
from tests.support.old_store import fixture_key

PURPOSES = ("email-index", "actor", "member-id")  # the keyed digests stored in events (not the binding's)
ACCOUNTS = ("fixture",)  # the account tests/support/old_store.py ran the application as
HEX = re.compile(rb"(?<![0-9a-f])[0-9a-f]{12,64}(?![0-9a-f])")
# Aggregates whose id is made from a keyed value of their created event: (originator topic, the id from it).
KEYED_IDS = {
    "domain.model:EmailClaim": lambda s: ids.email_claim_id(s["digest"]),
    "domain.model:MessagePreferences": lambda s: ids.message_preferences_id(s["recipient"]),
    "domain.model:Message": lambda s: ids.message_id(s["recipient"], s["kind"], s["occasion"]),
}


class RekeyError(Exception):
    pass


def digests(key: str, values: list[str]) -> dict[str, tuple[str, str]]:
    """{digest under `key`: (purpose, value)} for every purpose and value."""
    return {keys.keyed_digest(keys.derived_key(key, p), v): (p, v) for p in PURPOSES for v in values}


def translator(old_key: str, new_key: str, values: list[str], unkeyed: set[str]):
    """A function rewriting a plaintext's keyed digests (whole or cut short, as ids are) from `old_key`'s
    to `new_key`'s; it refuses a hex value it does not know."""
    old = digests(old_key, values)

    def new(match: re.Match) -> bytes:
        token = match.group().decode()
        if token in unkeyed:
            return match.group()
        found = [(p, v) for d, (p, v) in old.items() if d.startswith(token)]
        if len(found) != 1:
            raise RekeyError(f"a hex value {token[:8]}… in an event is no keyed digest of a known value")
        purpose, value = found[0]
        return keys.keyed_digest(keys.derived_key(new_key, purpose), value)[: len(token)].encode()

    return lambda plaintext: HEX.sub(new, plaintext)


def known_values(fixture: Path) -> tuple[list[str], set[str]]:
    """The values the fixture's digests were made of (its emails and account), and the unkeyed digests
    its events hold (the SHA-256 of the JSONL file imported)."""
    jsonl = fixture / "programme.jsonl"
    emails = [json.loads(line)["email"].strip().lower() for line in jsonl.read_text().splitlines() if '"email"' in line]
    return [*dict.fromkeys(emails), *ACCOUNTS], {hashlib.sha256(jsonl.read_bytes()).hexdigest()}


def seal(aesgcm: AESGCM, plaintext: bytes) -> bytes:
    """The store's envelope (domain/store/cipher.py): nonce, tag, ciphertext."""
    nonce = os.urandom(NONCE)
    sealed = aesgcm.encrypt(nonce, plaintext, None)
    return nonce + sealed[-TAG:] + sealed[:-TAG]


def rekey(fixture: Path, old_key: str, new_key: str) -> int:
    """Re-key the store under `fixture`/store; returns how many events were sealed again."""
    store = fixture / "store"
    translate = translator(old_key, new_key, *known_values(fixture))
    opened, sealing = AESGCM(base64.b64decode(old_key)), AESGCM(base64.b64decode(new_key))
    events = sqlite3.connect(store / "events.sqlite", isolation_level=None)
    members = sqlite3.connect(store / "keys" / "members.sqlite", isolation_level=None)
    try:
        rows = events.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()
        plain = {}
        for rowid, _, _, _, state in rows:
            try:
                plain[rowid] = open_envelope(opened, state)
            except ValueError:
                raise RekeyError(f"event {rowid} does not open with the old key") from None
        new_ids = _new_ids(rows, plain, translate)
        updates = [(new_ids[oid], seal(sealing, translate(plain[rowid])), rowid) for rowid, oid, *_ in rows]
        first_old, first_new = UUID(rows[0][1]).hex, UUID(new_ids[rows[0][1]]).hex
        wrapped = _rewrapped(members, old_key, new_key, first_old, first_new)

        events.execute("PRAGMA secure_delete=ON")
        events.execute("BEGIN IMMEDIATE")
        events.executemany("UPDATE stored_events SET originator_id = ?, state = ? WHERE rowid = ?", updates)
        events.execute("COMMIT")
        members.execute("PRAGMA secure_delete=ON")
        members.execute("BEGIN IMMEDIATE")
        members.executemany("UPDATE member_keys SET wrapped_key = ? WHERE member = ?", wrapped)
        members.execute("UPDATE binding SET token = ? WHERE id = 1", (_binding(new_key, first_new),))
        members.execute("COMMIT")
        members.execute("VACUUM")  # no page keeps a key wrapped the old way
        return len(updates)
    finally:
        events.close()
        members.close()


def _new_ids(rows, plain: dict[int, bytes], translate) -> dict[str, str]:
    """{stored originator id: the id under the new key}, in the store's own spelling of an id."""
    new_ids = {}
    for rowid, oid, version, _, _ in rows:
        if version != 1:
            continue
        state = json.loads(plain[rowid])
        made = KEYED_IDS.get(state.get("originator_topic"))
        if made is None:
            new_ids[oid] = oid  # its id is made of external ids only (docs/import-format.md)
            continue
        if made(state).hex != UUID(oid).hex:
            raise RekeyError(f"event {rowid}: its aggregate id is not made as {state['originator_topic']}'s is")
        new_ids[oid] = _spelt_like(oid, made(json.loads(translate(plain[rowid]))))
    if missing := {oid for _, oid, *_ in rows} - set(new_ids):
        raise RekeyError(f"{len(missing)} aggregates have no created event")
    return new_ids


def _spelt_like(stored: str, new: UUID) -> str:
    return new.hex if "-" not in stored else str(new)


def _binding(key: str, first_id_hex: str) -> str:
    """The member key store's binding token (domain/application.py `_bind_key_store`)."""
    return keys.keyed_digest(keys.derived_key(key, "member-key-store"), first_id_hex)


def _rewrapped(members, old_key: str, new_key: str, first_old: str, first_new: str) -> list[tuple[bytes, str]]:
    """Each member's key, the same key, wrapped with `new_key` (domain/store/member_keys.py); tombstones
    are left as they are. Checks the binding was made under the old key first."""
    (token,) = members.execute("SELECT token FROM binding WHERE id = 1").fetchone()
    if token != _binding(old_key, first_old):
        raise RekeyError("the member key store is not bound to this event store under the old key")
    old, new = AESGCM(base64.b64decode(old_key)), AESGCM(base64.b64decode(new_key))
    wrapped = []
    for member, key in members.execute("SELECT member, wrapped_key FROM member_keys WHERE wrapped_key IS NOT NULL"):
        aad = f"member-key:{member}".encode()
        try:
            member_key = old.decrypt(key[:NONCE], key[NONCE:], aad)
        except InvalidTag:
            raise RekeyError(f"the old key does not open member '{member}'s key") from None
        nonce = os.urandom(NONCE)
        wrapped.append((nonce + new.encrypt(nonce, member_key, aad), member))
    return wrapped


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.support.rekey_old_store FIXTURE_DIR OLD_KEY_FILE", file=sys.stderr)
        return 2
    fixture, old_key_file = Path(argv[0]), Path(argv[1])
    try:
        old_key = old_key_file.read_text().strip()
        done = rekey(fixture, old_key, fixture_key())
    except (OSError, RekeyError, sqlite3.Error, ValueError) as e:
        print(f"{fixture}: not re-keyed: {e}", file=sys.stderr)
        return 1
    print(f"{fixture}: {done} events sealed again under the derived key; delete {old_key_file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

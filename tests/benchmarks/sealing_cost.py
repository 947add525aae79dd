"""What per-member sealing costs the warehouse build: full-rebuild throughput with and without it.

The store of ~1M events is copied twice: as it is (personal fields sealed with each member's key, then
the whole event encrypted with the store key) and with every sealed field opened back to plaintext
before re-encryption with the store key (what the store held before per-member keys). The same
catch-up then runs on both. Run: `.venv/bin/python tests/benchmarks/sealing_cost.py`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import TODAY, seeded_store
from tests.benchmarks.pipeline_rebuild import REBUILD, fresh_copy, python


def without_sealing(home: Path) -> int:
    """Rewrite the copy's events with their personal fields unsealed (store-key encryption only)."""
    from eventsourcing.cryptography import AESCipher
    from eventsourcing.utils import Environment

    from domain.config import Settings
    from domain.model import PERSONAL_FIELDS
    from domain.store import keys
    from domain.store.member_keys import MemberKeys

    settings = Settings(home=home)
    key = keys.read_key(settings)
    cipher = AESCipher(Environment("PeerPulse", {"CIPHER_KEY": key}))
    member_keys = MemberKeys(settings, key)
    conn = sqlite3.connect(settings.sqlite_path)
    rows = conn.execute(
        f"SELECT rowid, topic, state FROM stored_events WHERE topic IN ({','.join('?' * len(PERSONAL_FIELDS))})",
        list(PERSONAL_FIELDS),
    ).fetchall()
    updates = []
    for rowid, topic, state in rows:
        event = json.loads(cipher.decrypt(state))
        for field in PERSONAL_FIELDS[topic]:
            event[field] = member_keys.open(event["member"], field, event.get(field))
        updates.append((cipher.encrypt(json.dumps(event).encode()), rowid))
    with conn:
        conn.executemany("UPDATE stored_events SET state = ? WHERE rowid = ?", updates)
    conn.close()
    member_keys.close()
    return len(updates)


def main() -> None:
    store = seeded_store(1_000_000)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sealed_home = fresh_copy(store, tmp / "sealed")
        plain_home = fresh_copy(store, tmp / "plain")
        rewritten = without_sealing(plain_home)
        sealed = python(REBUILD, sealed_home, TODAY)
        plain = python(REBUILD, plain_home, TODAY)
        sizes = {
            name: (home / "events.sqlite").stat().st_size
            for name, home in (("sealed", sealed_home), ("plain", plain_home))
        }
        shutil.rmtree(tmp / "sealed")
    for name, result in (("with per-member sealing", sealed), ("without (store key only)", plain)):
        total = result["catch_up"] + result["models"] + result["publish"]
        print(
            f"{name}: catch-up {result['events'] / result['catch_up']:,.0f} events/s, "
            f"full rebuild {result['events'] / total:,.0f} events/s ({total:.1f} s), "
            f"peak {result['max_rss_mb']:,.0f} MB"
        )
    print(
        f"({rewritten:,} of {sealed['events']:,} events carry personal fields; "
        f"store file {sizes['sealed'] / 1e6:,.0f} MB "
        f"sealed vs {sizes['plain'] / 1e6:,.0f} MB)"
    )


if __name__ == "__main__":
    main()

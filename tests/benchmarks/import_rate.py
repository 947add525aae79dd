"""Import throughput: a JSONL file of ~100,000 commands through `peerpulse import`.

Prints commands/s and events/s, beside a baseline measured in the same run on the same disk: the
raw rate of inserting the same number of encrypted event rows into a bare SQLite table in one
transaction (the floor any import pays). Run: `make bench` or `.venv/bin/python tests/benchmarks/import_rate.py`.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import PEERPULSE, env_for, timed


def raw_insert_rate(rows: int, tmp: Path) -> float:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aes = AESGCM(AESGCM.generate_key(256))
    payload = b'{"member":"g0001-p001","meeting":"g0001-m0001","score":8,"timestamp":"2026-01-01T00:00:00"}' * 2
    conn = sqlite3.connect(tmp / "raw.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE e (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
        "PRIMARY KEY (originator_id, originator_version))"
    )
    with timed() as t:
        with conn:
            conn.executemany(
                "INSERT INTO e VALUES (?, ?, ?, ?)",
                (
                    (f"{i:032x}", 1, "MeetingRated", os.urandom(12) + aes.encrypt(os.urandom(12), payload, None))
                    for i in range(rows)
                ),
            )
    conn.close()
    return rows / t["seconds"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        jsonl = tmp / "programme.jsonl"
        subprocess.run(
            [PEERPULSE, "seed", "--groups", "125", "--months", "24", "--seed", "2", "--jsonl", str(jsonl)],
            env=env_for(tmp / "unused"),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        lines = sum(1 for _ in jsonl.open())
        with timed() as t:
            out = subprocess.run(
                [PEERPULSE, "import", str(jsonl)], env=env_for(tmp / "home"), check=True, capture_output=True, text=True
            ).stdout
        events = int(re.search(r"(\d+) events stored", out).group(1))
        with timed() as again:
            subprocess.run(
                [PEERPULSE, "import", str(jsonl)], env=env_for(tmp / "home"), check=True, capture_output=True
            )
        baseline = raw_insert_rate(events, tmp)

    rate = lines / t["seconds"]
    print(f"import of {lines:,} commands ({events:,} events), SQLite, end to end incl. process start:")
    print(f"  {t['seconds']:.1f} s = {rate:,.0f} commands/s, {events / t['seconds']:,.0f} events/s")
    print(
        f"  baseline (bare encrypted row inserts, same run): {baseline:,.0f} rows/s; "
        f"import is {events / t['seconds'] / baseline:.2f}x of it"
    )
    print(f"  importing the same file again: {again['seconds']:.1f} s (nothing stored)")


if __name__ == "__main__":
    main()

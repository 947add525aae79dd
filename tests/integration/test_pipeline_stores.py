"""The catch-up reads both kinds of event store the same way: SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date

from domain.application import open_application
from domain.jsonl import import_file
from tests.conftest import build_warehouse
from tests.integration.test_application import EXAMPLE, write_jsonl


def test_the_warehouse_holds_exactly_the_stores_events(settings, tmp_path):
    with open_application(settings) as app:
        import_file(app, write_jsonl(tmp_path / "example.jsonl", EXAMPLE))
        stored = Counter(n.topic for n in app.recorder.select_notifications(start=1, limit=1000))
    con = build_warehouse(settings, date(2025, 3, 1))
    try:
        projected = dict(con.execute("SELECT topic, count(*)::BIGINT FROM event_log GROUP BY topic").fetchall())
        assert projected == dict(stored)
        rows = con.execute("SELECT meeting_id, member_id, status FROM meeting_attendance ORDER BY 1, 2").fetchall()
        assert rows == [
            ("north-01", "ana", "present"),
            ("north-01", "bob", "present"),
            ("north-02", "ana", "late"),
            ("north-02", "bob", "excused"),
        ]
        # c-001 was carried forward to 2025-03-10 and is still open on the as-of day
        commitment = con.execute(
            "SELECT status, due_on::VARCHAR, times_carried_forward FROM member_commitments"
        ).fetchall()
        assert commitment == [("open", "2025-03-10", 1)]
    finally:
        con.close()

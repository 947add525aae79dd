"""The dashboards keep serving while the pipeline publishes, and pick each publication up without a
restart: pages load with zero errors while `warehouse.publication` links new and updated serving
generations in a loop (and finds the ones the readers hold busy)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import polars as pl
import pytest

from domain.config import Settings
from tests.integration.test_dashboards_app import (
    FACILITATOR_PAGES,
    LEAD,
    LEAD_PAGES,
    MEMBER_PAGES,
    environment,
    seed_and_publish,
    signed_in,
)
from warehouse import db, incremental, publication


@pytest.fixture(scope="module")
def small_programme(tmp_path_factory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("serving") / "home"
    with environment({"PEERPULSE_HOME": str(home), "PEERPULSE_LEADS": LEAD, "PEERPULSE_TODAY": "2026-06-30"}):
        yield seed_and_publish(home, groups=3, months=6, seed=4)


class Publisher(threading.Thread):
    """Publishes again and again, until stopped, what a refresh does last: alternately a new generation
    built whole, and a generation nobody holds updated in place (readers in this process hold others)."""

    def __init__(self, settings: Settings):
        super().__init__(daemon=True)
        self.settings, self.published, self.errors = settings, 0, []
        self._halt = threading.Event()

    def run(self) -> None:
        con = db.connect(self.settings.warehouse_path)
        epoch = incremental.read_state(con).epoch
        position = incremental.read_state(con).last_position
        try:
            while not self._halt.is_set():
                if self.published % 2:
                    publication.publish(con, self.settings.serving_path, epoch, position)
                else:
                    publication.publish_whole(con, self.settings.serving_path, epoch)
                self.published += 1
                time.sleep(0.01)
        except Exception as e:  # pragma: no cover - reported by the test
            self.errors.append(e)
        finally:
            con.close()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)


def people_of(settings: Settings) -> tuple[str, str]:
    from domain.application import open_application

    con = db.connect(settings.warehouse_path)
    try:
        facilitator = db.scalar(
            con, "SELECT member_id FROM group_facilitators WHERE current ORDER BY member_id LIMIT 1"
        )
        member = db.scalar(
            con,
            "SELECT member_id FROM group_members WHERE active AND member_id NOT IN "
            "(SELECT member_id FROM group_facilitators) ORDER BY member_id LIMIT 1",
        )
    finally:
        con.close()
    with open_application(settings) as app:
        return app.member(facilitator).email, app.member(member).email


def test_pages_load_without_errors_while_new_serving_files_are_published(small_programme):
    facilitator, member = people_of(small_programme)
    visits = (
        [(LEAD, p) for p in LEAD_PAGES]
        + [(facilitator, p) for p in FACILITATOR_PAGES]
        + [(member, p) for p in MEMBER_PAGES]
    )
    publisher = Publisher(small_programme)
    publisher.start()
    loads, seen = 0, set()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline or publisher.published < 5:
            for email, page in visits:
                signed_in(email, page)  # asserts: no exception element, no error element
                loads += 1
                from dashboards.data.serving import publication

                seen.add(publication().key)
    finally:
        publisher.stop()
    assert not publisher.errors
    assert publisher.published >= 5 and len(seen) >= 3, (publisher.published, len(seen))
    assert loads >= len(visits)


def test_concurrent_readers_never_fail_while_the_file_is_swapped(small_programme):
    from dashboards.data import serving

    errors: list[BaseException] = []
    reads = [0]

    def reader() -> None:
        while not done.is_set():
            try:
                frame = serving.query("SELECT count(*) AS n FROM meeting_attendance WHERE group_id = ?", "g0001")
                assert isinstance(frame, pl.DataFrame) and frame["n"][0] > 0
                reads[0] += 1
            except BaseException as e:
                errors.append(e)

    done = threading.Event()
    publisher = Publisher(small_programme)
    threads = [threading.Thread(target=reader, daemon=True) for _ in range(8)]
    publisher.start()
    for t in threads:
        t.start()
    time.sleep(10)
    done.set()
    for t in threads:
        t.join(timeout=30)
    publisher.stop()
    assert not publisher.errors
    assert not errors, f"{len(errors)} failed reads of {reads[0]}: {errors[:3]!r}"
    assert publisher.published >= 10 and reads[0] > 100


def test_a_page_can_tell_which_events_the_published_figures_include(small_programme, tmp_path):
    from dashboards.data.serving import published_position
    from domain.application import open_application
    from domain.jsonl import commands_from
    from pipelines.refresh import refresh

    with open_application(small_programme) as app:
        saved = app.recorder.max_notification_id()
    assert published_position() == saved
    more = [{"type": "register_member", "member": "late-comer", "name": "Late Comer", "email": "late@example.org"}]
    with open_application(small_programme) as app:
        app.apply_commands(commands_from(more, "more"), "more")
        saved_now = app.recorder.max_notification_id()
    assert saved_now > saved and published_position() == saved  # saved, not yet in the figures
    refresh(small_programme, say=lambda _: None)
    assert published_position() == saved_now  # "your change is in the figures"

"""The `peerpulse` command as a user runs it: summaries, exit codes, and no tracebacks for mistakes."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from domain.application import open_application
from domain.config import Settings
from tests.conftest import PEERPULSE, env_for
from tests.integration.test_application import EXAMPLE, write_jsonl


def peerpulse(settings: Settings, *args: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PEERPULSE, *args], env=env_for(settings) | (extra_env or {}), capture_output=True, text=True, timeout=300
    )


def events_in(settings: Settings) -> int:
    with open_application(settings) as app:
        return app.event_count()


def test_import_reports_what_it_did_and_a_second_import_stores_nothing(settings, tmp_path):
    path = write_jsonl(tmp_path / "north.jsonl", EXAMPLE)
    first = peerpulse(settings, "import", str(path))
    assert first.returncode == 0, first.stderr
    assert f"{path}: 12 commands: 12 applied, 0 skipped" in first.stdout
    stored = events_in(settings)
    second = peerpulse(settings, "import", str(path))
    assert second.returncode == 0
    assert "already imported; nothing new stored" in second.stdout
    assert events_in(settings) == stored


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            lambda: (
                "".join(json.dumps(c) + "\n" for c in EXAMPLE[:3])
                + '{"type":"join_group","group":"north","member":"ana"}\n'
            ),
            "line 4: field 'joined_on': is required for join_group",
        ),
        (
            lambda: (
                "".join(json.dumps(c) + "\n" for c in EXAMPLE)
                + json.dumps({"type": "rate_meeting", "meeting": "north-02", "member": "bob", "score": 6})
                + "\n"
            ),
            "line 13: field 'member': member 'bob' did not attend meeting 'north-02'",
        ),
        (lambda: json.dumps(EXAMPLE[0]) + "\n{not json\n", "line 2: command: is not valid JSON"),
    ],
)
def test_a_bad_file_names_line_and_field_exits_non_zero_and_stores_nothing(settings, tmp_path, content, expected):
    path = tmp_path / "bad.jsonl"
    path.write_text(content())
    result = peerpulse(settings, "import", str(path))
    assert result.returncode == 2
    assert expected in result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Ana Ruiz" not in result.stderr and "example.org" not in result.stderr
    assert events_in(settings) == 0


def test_unreadable_and_non_utf8_files_are_plain_errors(tmp_path):
    settings = Settings(home=tmp_path / "home")
    missing = peerpulse(settings, "import", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "cannot read the file" in missing.stderr and "Traceback" not in missing.stderr
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"type":"register_member","member":"jo","name":"Jos\xe9","email":"jo@example.org"}\n')
    result = peerpulse(settings, "import", str(latin))
    assert result.returncode == 2 and "line 1: the file is not UTF-8 text" in result.stderr


def test_a_missing_key_is_a_startup_error_not_a_new_key(tmp_path):
    settings = Settings(home=tmp_path / "home")
    assert peerpulse(settings, "import", str(write_jsonl(tmp_path / "north.jsonl", EXAMPLE))).returncode == 0
    os.rename(settings.key_path, tmp_path / "elsewhere.key")
    result = peerpulse(settings, "import", str(write_jsonl(tmp_path / "more.jsonl", EXAMPLE[:1])))
    assert result.returncode == 3
    assert "holds events but its key is missing" in result.stderr and "Traceback" not in result.stderr
    assert not settings.key_path.exists()


def test_seed_is_deterministic_and_goes_through_the_import_path(tmp_path):
    one, two = Settings(home=tmp_path / "one"), Settings(home=tmp_path / "two")
    pinned = {"PEERPULSE_TODAY": "2026-03-31"}
    a = peerpulse(
        one,
        "seed",
        "--groups",
        "3",
        "--months",
        "6",
        "--seed",
        "5",
        "--jsonl",
        str(tmp_path / "a.jsonl"),
        extra_env=pinned,
    )
    b = peerpulse(
        two,
        "seed",
        "--groups",
        "3",
        "--months",
        "6",
        "--seed",
        "5",
        "--jsonl",
        str(tmp_path / "b.jsonl"),
        extra_env=pinned,
    )
    assert a.returncode == b.returncode == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    # Applying the generated file with `import` stores exactly what `seed` stores directly.
    seeded = peerpulse(one, "seed", "--groups", "3", "--months", "6", "--seed", "5", extra_env=pinned)
    assert seeded.returncode == 0, seeded.stderr
    imported = peerpulse(two, "import", str(tmp_path / "a.jsonl"))
    assert imported.returncode == 0, imported.stderr
    lines = sum(1 for line in (tmp_path / "a.jsonl").read_text().splitlines() if line.strip())
    assert f"{lines} commands: {lines} applied" in imported.stdout
    with open_application(one) as app_one, open_application(two) as app_two:
        topics = lambda app: sorted(n.topic for n in app.recorder.select_notifications(start=1, limit=10**6))  # noqa: E731
        assert [t for t in topics(app_two) if t != "FileImported"] == topics(app_one)

"""The test setup itself: without a PostgreSQL server the PostgreSQL cases skip on a developer's machine and
fail under CI, so a CI run can never pass without having tested PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

ONE_POSTGRES_CASE = "tests/integration/test_pipeline_stores.py"


def _run_without_postgres(ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PEERPULSE_TEST_DATABASE_URL", "CI")}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "-rs", ONE_POSTGRES_CASE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_database_the_postgres_cases_skip_with_the_reason_locally():
    run = _run_without_postgres(ci=None)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "skipped" in run.stdout and "PEERPULSE_TEST_DATABASE_URL is not set" in run.stdout


def test_under_ci_a_missing_database_fails_the_run():
    run = _run_without_postgres(ci="true")
    assert run.returncode == 1, run.stdout[-2000:]
    assert "skipped" not in run.stdout and "PEERPULSE_TEST_DATABASE_URL is not set" in run.stdout

"""A full disk, met for real: a 64 MB tmpfs mounted in a user and mount namespace of our own (`unshare
--user --map-root-user --mount`, no root needed), the data folder on it, filled to the last block. This is
a real ENOSPC from the kernel at the real write calls of SQLite and DuckDB, which neither RLIMIT_FSIZE
(EFBIG, and only for files past a size) nor an injected OSError would give. Skipped where the kernel
does not allow unprivileged user namespaces."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PEERPULSE

pytestmark = pytest.mark.slow
PYTHON = str(Path(sys.executable))


@pytest.fixture
def disk(tmp_path):
    if not shutil.which("unshare") or not shutil.which("nsenter"):
        pytest.skip("needs util-linux's unshare and nsenter")
    mount = tmp_path / "disk"
    mount.mkdir()
    holder = subprocess.Popen(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
         f"mount -t tmpfs -o size=64m tmpfs '{mount}' && echo ready && exec sleep 600"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    if holder.stdout.readline().strip() != "ready":
        holder.kill()
        pytest.skip("unprivileged user namespaces are not allowed here")

    def inside(*command: str) -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/bin:/bin", "PEERPULSE_HOME": str(mount / "home"), "HOME": str(tmp_path)}
        return subprocess.run(
            ["nsenter", f"--target={holder.pid}", "--user", "--mount", "--preserve-credentials", *command],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    yield mount, inside
    holder.kill()
    holder.wait()


def test_a_full_disk_is_a_plain_message_and_no_damage(disk, tmp_path):
    mount, inside = disk
    home = mount / "home"
    whole = tmp_path / "programme.jsonl"
    subprocess.run([PEERPULSE, "seed", "--groups", "8", "--months", "12", "--jsonl", str(whole)], check=True)
    first = tmp_path / "first.jsonl"
    first.write_text("".join(whole.read_text().splitlines(keepends=True)[:1500]))
    assert inside(PEERPULSE, "import", str(first)).returncode == 0
    assert inside(PEERPULSE, "materialize").returncode == 0
    before = inside("stat", "-c", "%i %Y", str(home / "warehouse.duckdb"), str(home / "serving.duckdb")).stdout

    inside("sh", "-c", f"cat /dev/zero > '{mount}/filler'")  # to the last block
    done = inside(PEERPULSE, "import", str(whole))
    assert (done.returncode, done.stderr) == (
        2,
        f"peerpulse import: error: no space left on {home}: nothing was recorded\n",
    )
    for _ in range(2):  # the first looks the warehouse over for damage; neither calls it damaged
        done = inside(PEERPULSE, "materialize")
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr == f"peerpulse materialize: error: no space left on {home}: nothing new was published\n"
        assert "damaged" not in done.stdout and "rebuilding" not in done.stdout
    follower = (
        "from pipelines.follower import Follower; from domain.config import Settings; import time\n"
        "f = Follower(Settings.from_env()); f.start(); time.sleep(8); f.stop()"
    )
    done = inside(PYTHON, "-c", follower)  # the follower's first look for damage, on the full disk
    assert "damaged" not in done.stdout and "rebuild" not in done.stdout and "Traceback" not in done.stderr
    # nothing rebuilt, nothing replaced
    assert inside("stat", "-c", "%i %Y", str(home / "warehouse.duckdb"), str(home / "serving.duckdb")).stdout == before

    inside("rm", f"{mount}/filler")  # once there is space, the same file imports whole: nothing was half-kept
    done = inside(PEERPULSE, "import", str(whole))
    assert "2250 applied, 1500 skipped" in done.stdout, done
    assert inside(PEERPULSE, "materialize").returncode == 0

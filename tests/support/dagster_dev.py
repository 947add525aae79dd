"""`dg dev` started the way `make dagster` starts it, for the end-to-end test and the freshness benchmark:
in the checkout, on loopback, with the project's instance config (dagster_home/dagster.yaml, telemetry
off) copied into a DAGSTER_HOME of its own, so run history stays out of the checkout and each start is
independent. `dg dev` ignores SIGTERM from a script: it runs in its own session and its whole process
group (webserver, daemon, code server, run workers) is killed at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INSTANCE = REPO / "dagster_home" / "dagster.yaml"
DG = str(Path(sys.executable).with_name("dg"))  # beside the interpreter running the tests


@dataclass(frozen=True)
class DagsterDev:
    port: int
    home: Path  # its DAGSTER_HOME
    process: subprocess.Popen

    def graphql(self, query: str, timeout: float = 10) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)["data"]

    def wait_answering(self, query: str, timeout: float = 180) -> dict:
        """The answer to `query`, once the webserver gives one (it answers before the code location loads)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"dg dev exited with {self.process.returncode}")
            try:
                return self.graphql(query, timeout=5)
            except (OSError, KeyError, TypeError):
                if time.monotonic() > deadline:
                    raise TimeoutError("dg dev did not answer") from None
                time.sleep(1)


@contextmanager
def dg_dev(env: dict[str, str], dagster_home: Path, log: Path | None = None, **extra: str) -> Iterator[DagsterDev]:
    """`dg dev -h 127.0.0.1 -p PORT` in the checkout, its DAGSTER_HOME a fresh copy of the committed
    instance config; `extra` is added to its environment."""
    from tests.conftest import free_port

    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(INSTANCE, dagster_home / "dagster.yaml")
    port = free_port()
    process = subprocess.Popen(
        [DG, "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env | {"DAGSTER_HOME": str(dagster_home)} | extra,
        stdout=log.open("w") if log else subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield DagsterDev(port, dagster_home, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

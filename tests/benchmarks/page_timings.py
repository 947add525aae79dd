"""Run inside the dashboards' Streamlit server by tests/benchmarks/dashboards_load.py: for every script run
(a page drawn for one session), the seconds it spent reading data (the serving file, and names and texts
from the event store) and in all, one line per run appended to a file. The server is otherwise the one
`peerpulse serve` starts (entrypoints.serving.command), with the same options.

    python -c "from tests.benchmarks.page_timings import main; main()" RECORD run dashboards/app.py ...
"""

from __future__ import annotations

import sys
import threading
import time

_local = threading.local()
_write = threading.Lock()


def _timed(function):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _local.data = getattr(_local, "data", 0.0) + time.perf_counter() - started

    return timed


def install(record: str) -> None:
    from streamlit.runtime.scriptrunner import exec_code, script_runner

    from dashboards import people
    from warehouse.db import ServingReader

    ServingReader.query = _timed(ServingReader.query)
    people._read = _timed(people._read)
    run_script = exec_code.exec_func_with_error_handling

    def measured(func, ctx):
        _local.data = 0.0
        started = time.perf_counter()
        try:
            return run_script(func, ctx)
        finally:
            line = f"{_local.data:.6f} {time.perf_counter() - started:.6f}\n"
            with _write, open(record, "a") as out:
                out.write(line)

    exec_code.exec_func_with_error_handling = measured
    script_runner.exec_func_with_error_handling = measured


def main() -> None:
    record = sys.argv.pop(1)
    install(record)
    from entrypoints.streamlit_server import main as serve

    serve()

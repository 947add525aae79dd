"""Run inside the dashboards' Streamlit server by tests/benchmarks/dashboards_load.py: for every script run
(a page drawn for one session), the seconds it spent reading data and in all, then of the data the
figures (the serving file) and the names and texts (the event store), one line per run appended to a
file. The server is otherwise the one
`peerpulse serve` starts (entrypoints.serving.command), with the same options.

    python -c "from tests.benchmarks.page_timings import main; main()" RECORD run dashboards/app.py ...
"""

from __future__ import annotations

import os
import sys
import threading
import time

_local = threading.local()
SLOW = os.environ.get("BENCH_SLOW_QUERIES")  # also note each data read over 50 ms there, if set
_write = threading.Lock()


def _timed(function, kind: str):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            setattr(_local, kind, getattr(_local, kind, 0.0) + spent)
            if SLOW and spent > 0.05:
                what = args[1] if kind == "figures" else getattr(args[0], "__qualname__", args[0])
                with _write, open(SLOW, "a") as out:
                    out.write(f"{spent:.3f} {kind} {' '.join(str(what).split())[:160]}\n")

    return timed


def install(record: str) -> None:
    from streamlit.runtime.scriptrunner import exec_code, script_runner

    from dashboards import people
    from warehouse.db import ServingReader

    ServingReader.query = _timed(ServingReader.query, "figures")
    people._read = _timed(people._read, "names")
    run_script = exec_code.exec_func_with_error_handling

    def measured(func, ctx):
        _local.figures = _local.names = 0.0
        started = time.perf_counter()
        try:
            return run_script(func, ctx)
        finally:
            data = _local.figures + _local.names
            line = f"{data:.6f} {time.perf_counter() - started:.6f} {_local.figures:.6f} {_local.names:.6f}\n"
            with _write, open(record, "a") as out:
                out.write(line)

    exec_code.exec_func_with_error_handling = measured
    script_runner.exec_func_with_error_handling = measured


def main() -> None:
    record = sys.argv.pop(1)
    install(record)
    from entrypoints.streamlit_server import main as serve

    serve()

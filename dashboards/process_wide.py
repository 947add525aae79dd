"""Objects the whole server shares for its lifetime: the serving file's reader and the domain's reader.

They used to live in `st.cache_resource`, which any session can empty: Streamlit's `clear_cache`
message, which any websocket could send without signing in, cleared it for every session and closed the
readers other sessions were in the middle of using (a Save failed, pages said "Something went wrong").
Here they are out of reach of every Streamlit message; the server also refuses `clear_cache` outright
(entrypoints/streamlit_guard.py). Only `close_all()`, which the tests call between their stores, closes
them; a server's are closed by its process ending.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
_lock = threading.RLock()
_held: list[tuple[dict, Callable[[object], None]]] = []


def shared(close: Callable[[T], None]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """`factory(*args)` made once per distinct (hashable) arguments, for the life of the process."""

    def decorate(factory: Callable[P, T]) -> Callable[P, T]:
        made: dict = {}
        _held.append((made, close))

        @functools.wraps(factory)
        def get(*args: P.args, **kwargs: P.kwargs) -> T:
            key = (args, tuple(sorted(kwargs.items())))
            found = made.get(key)
            if found is not None:
                return found
            with _lock:  # one made per key, even when sessions ask at once
                if key not in made:
                    made[key] = factory(*args, **kwargs)
                return made[key]

        return get

    return decorate


def close_all() -> None:
    """Close and forget every shared object (tests, between stores; never a page or a message)."""
    with _lock:
        for made, close in _held:
            for value in list(made.values()):
                close(value)
            made.clear()

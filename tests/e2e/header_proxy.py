"""An authenticating reverse proxy, as far as the dashboards can tell: it stands in for oauth2-proxy in
front of `peerpulse serve` (dashboards/README.md, "Behind an authenticating proxy"). Every request that
passes through it reaches the server with the proxy's header naming the signed-in person, any copy of
that header sent by the browser dropped, as oauth2-proxy does; WebSockets pass through. It listens on
127.0.0.1 and is stopped by the test.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlparse

from tests.conftest import free_port


@contextmanager
def header_proxy(upstream: str, header: str, email: str) -> Iterator[str]:
    """A proxy to `upstream` (http://host:port) that says `email` is signed in; yields its base URL."""
    target = urlparse(upstream)
    port = free_port()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            fields = head[:-4].split(b"\r\n")
            request_line, fields = fields[0], fields[1:]
            names = [field.split(b":", 1)[0].strip().lower() for field in fields]
            upgrade = b"upgrade" in names
            kept = [f for f, n in zip(fields, names, strict=True) if n != header.lower().encode()]
            if not upgrade:  # one request per connection, so each one gets the header
                kept = [f for f in kept if not f.lower().startswith(b"connection:")] + [b"Connection: close"]
            kept.append(f"{header}: {email}".encode())
            up_reader, up_writer = await asyncio.open_connection(target.hostname, target.port)
            up_writer.write(request_line + b"\r\n" + b"\r\n".join(kept) + b"\r\n\r\n")
            await _both_ways(reader, writer, up_reader, up_writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    server = asyncio.run_coroutine_threadsafe(asyncio.start_server(handle, "127.0.0.1", port), loop).result(10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:

        async def stop() -> None:
            server.close()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def _both_ways(reader, writer, up_reader, up_writer) -> None:
    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()

    tasks = [asyncio.ensure_future(pipe(reader, up_writer)), asyncio.ensure_future(pipe(up_reader, writer))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        up_writer.close()
        with suppress(Exception):
            await asyncio.gather(*tasks, return_exceptions=True)

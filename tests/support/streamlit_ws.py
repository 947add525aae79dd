"""Streamlit's own wire, driven the way a browser or an attacker would: the websocket at /_stcore/stream
with protobuf BackMsgs, and HTTP PUTs to /_stcore/upload_file. Nothing here is faked on the server side.

`StreamlitSession` opens one session and runs a page in it; `send` puts any BackMsg on its websocket;
`held_session` keeps one open on a thread of its own while a test goes on with blocking calls; `run_apart`
runs a coroutine on a thread (and loop) of its own;
`upload` PUTs a file for a session id, with an XSRF cookie and header made up by the client (the check
only compares the two: it stops a browser being tricked, not a script).
"""

from __future__ import annotations

import asyncio
import queue
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 60.0


@dataclass
class Shown:
    """What one run of the page sent: its alerts' texts, whether it raised, and the seconds it took."""

    alerts: list[str] = field(default_factory=list)
    exceptions: int = 0
    seconds: float = 0.0

    @property
    def went_wrong(self) -> bool:
        return self.exceptions > 0 or any("Something went wrong" in alert for alert in self.alerts)


def run_apart(coroutine):
    """Run a coroutine to its end on a thread of its own, with its own event loop, and return its result.
    A test that ran Playwright's sync API before leaves an event loop running on the test's thread, where
    `asyncio.run` refuses to start."""
    outcome: list = []

    def thread() -> None:
        try:
            outcome.append((True, asyncio.run(coroutine)))
        except BaseException as e:  # handed back to the caller's thread, which raises it
            outcome.append((False, e))

    runner = threading.Thread(target=thread, daemon=True)
    runner.start()
    runner.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


class StreamlitSession:
    """`async with StreamlitSession(base, headers) as s`: one Streamlit session over a raw websocket."""

    def __init__(self, base: str, headers: dict[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT):
        self.base = base
        self.headers = headers or {}
        self.timeout = timeout
        self.session_id: str | None = None
        self._ws = None

    async def __aenter__(self) -> StreamlitSession:
        import websockets

        self._ws = await websockets.connect(
            self.base.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=self.headers,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    async def send(self, message) -> None:
        """Any BackMsg, as bytes on the websocket."""
        await self._ws.send(message.SerializeToString())

    async def clear_cache(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        await self.send(BackMsg(clear_cache=True))

    async def run(self, page_name: str = "") -> Shown:
        """Run the page (its URL path; "" the default page) and read until its script has finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        rerun = BackMsg()
        rerun.rerun_script.page_name = page_name
        rerun.rerun_script.query_string = ""
        rerun.rerun_script.context_info.url = f"{self.base}/{page_name}"
        await self.send(rerun)
        return await self._until_finished()

    async def _until_finished(self) -> Shown:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        loop = asyncio.get_running_loop()
        started = loop.time()
        shown = Shown()
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(self._ws.recv(), self.timeout))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "alert":
                    shown.alerts.append(element.alert.body)
                elif element.WhichOneof("type") == "exception":
                    shown.exceptions += 1
            elif kind == "script_finished":
                shown.seconds = loop.time() - started
                return shown


def multipart(data: bytes, name: str = "roster.csv") -> tuple[bytes, str]:
    """A one-file multipart/form-data body, as the browser's uploader sends it, and its content type."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(
    base: str,
    session_id: str,
    data: bytes,
    headers: dict[str, str] | None = None,
    file_id: str | None = None,
    wait_for_continue: bool = True,
) -> int | None:
    """PUT one file for the session, as the uploader does; the HTTP status.

    With `wait_for_continue`, the body follows only the server's "100 Continue", so a refusal before the
    body is read arrives as its status; without, the body is sent at once, as a flood would send it, and
    None says the server closed the connection before taking it all."""
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()
    body, content_type = multipart(data)
    url = urllib.parse.urlsplit(f"{base}/_stcore/upload_file/{session_id}/{file_id or uuid.uuid4()}")
    lines = [f"PUT {url.path} HTTP/1.1", f"Host: {url.netloc}", "Connection: close"]
    sent = {
        **(headers or {}),
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "X-Xsrftoken": token,
        "Cookie": f"_streamlit_xsrf={token}",
    }
    if wait_for_continue:
        sent["Expect"] = "100-continue"
    head = ("\r\n".join(lines + [f"{k}: {v}" for k, v in sent.items()]) + "\r\n\r\n").encode()
    with socket.create_connection((url.hostname, url.port), timeout=DEFAULT_TIMEOUT) as conn:
        reader = conn.makefile("rb")
        try:
            conn.sendall(head)
            if wait_for_continue:
                status = _status_line(reader)
                if status != 100:
                    return status
                while reader.readline() not in (b"\r\n", b""):  # the interim response's end
                    pass
            conn.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            return None
        try:
            return _status_line(reader)
        except ConnectionResetError:
            return None


def _status_line(reader) -> int | None:
    line = reader.readline()
    return int(line.split()[1]) if line.startswith(b"HTTP/") else None


def delete(base: str, session_id: str, file_id: str, headers: dict[str, str] | None = None) -> int:
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()
    request = urllib.request.Request(
        f"{base}/_stcore/upload_file/{session_id}/{file_id}",
        method="DELETE",
        headers={**(headers or {}), "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"},
    )
    return _status(request)


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=DEFAULT_TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


@contextmanager
def held_session(base: str, headers: dict[str, str] | None = None, page: str = "") -> Iterator[tuple[str, Shown]]:
    """A session whose websocket stays open (Streamlit takes uploads only for a connected session) on a
    thread of its own, while the test goes on with plain blocking calls; (its id, what its page showed)."""
    opened: queue.Queue = queue.Queue()
    done = threading.Event()

    async def hold() -> None:
        async with StreamlitSession(base, headers) as session:
            shown = await session.run(page)  # the session's id comes with its first run
            opened.put((session.session_id, shown))
            while not done.is_set():
                await asyncio.sleep(0.05)

    def thread() -> None:
        try:
            asyncio.run(hold())
        except BaseException as e:  # handed to the test, which raises it
            opened.put(e)

    holder = threading.Thread(target=thread, daemon=True)
    holder.start()
    try:
        found = opened.get(timeout=DEFAULT_TIMEOUT * 2)
        if isinstance(found, BaseException):
            raise found
        yield found
    finally:
        done.set()
        holder.join(timeout=DEFAULT_TIMEOUT)

"""A loopback imitation of the upstream APIs for the source tests (standard library only).

A ``ThreadingHTTPServer`` on a free 127.0.0.1 port, in a thread. Each route plays a script
of replies (the last one repeats) or a function of the request, and every request is
recorded with the server's own monotonic receive time, so politeness is measured where it
matters: at the server.
"""

from __future__ import annotations

import json
import lzma
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: The recorded upstream payloads, in the folder next to the repository.
RECORDED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "recorded"
#: Small excerpts derived from them (test fixtures only, never product data).
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def read_recorded(folder: Path, name: str) -> bytes:
    """The upstream bytes of a recorded file (``.xz`` files decompressed)."""
    path = folder / name
    return lzma.decompress(path.read_bytes()) if path.suffix == ".xz" else path.read_bytes()


@dataclass
class Reply:
    """One scripted answer.

    ``cut`` sends the full ``Content-Length`` but only the first half of the body, then
    closes the connection; ``delay`` waits before answering (a slow server).
    """

    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    cut: bool = False
    content_type: str = "application/json"

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, ensure_ascii=False).encode()


@dataclass
class Received:
    """A request as the server saw it (``time`` on the server's monotonic clock)."""

    time: float
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes


class Imitation:
    """The loopback server: ``route(path, *replies)`` or ``route(path, handler=fn)``."""

    def __init__(self):
        self.routes: dict[str, list[Reply] | Callable[[Received], Reply]] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        imitation = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                imitation._answer(self, "GET")

            def do_POST(self):
                imitation._answer(self, "POST")

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def route(self, path: str, *replies: Reply, handler=None) -> None:
        self.routes[path] = handler if handler is not None else list(replies)

    def requests(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.received if path is None or r.path == path]

    def _answer(self, http: BaseHTTPRequestHandler, method: str) -> None:
        arrived = time.monotonic()
        parts = urllib.parse.urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        received = Received(
            arrived,
            method,
            parts.path,
            urllib.parse.parse_qs(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in http.headers.items()},
            http.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.received.append(received)
            script = self.routes.get(parts.path)
            if script is None:
                reply = Reply(404, {"error": f"no route {parts.path}"})
            elif callable(script):
                reply = None
            else:
                reply = script.pop(0) if len(script) > 1 else script[0]
        if reply is None:
            reply = script(received)
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.payload()
        try:
            http.send_response(reply.status)
            http.send_header("Content-Type", reply.content_type)
            http.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                http.send_header(name, value)
            http.end_headers()
            http.wfile.write(body[: len(body) // 2] if reply.cut else body)
            http.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)
        http.close_connection = True

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

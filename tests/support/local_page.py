"""Static pages served on 127.0.0.1 from a thread, for tests and benchmarks that need a page to load."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

DEFAULT_PAGE = b"<!doctype html><html><head><title>bench</title></head><body><h1>Widget stand-in</h1></body></html>"


@dataclass
class Link:
    """A network between the page and its host, shared by all connections: a round trip before each response,
    then the bodies at ``bytes_per_second`` in all (as from a hosted build over an office connection)."""

    round_trip: float
    bytes_per_second: float
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _free_at: float = 0.0

    def send(self, write: Callable[[bytes], object], body: bytes, piece: int = 16 * 1024) -> None:
        for start in range(0, len(body), piece):
            chunk = body[start:start + piece]
            with self._lock:  # the link carries one piece at a time, whichever connection sends it
                self._free_at = max(self._free_at, time.monotonic()) + len(chunk) / self.bytes_per_second
                done = self._free_at
            time.sleep(max(0.0, done - time.monotonic()))
            write(chunk)


def serve_files(files: Mapping[str, tuple[bytes, str]], *, every_path: tuple[bytes, str] | None = None,
                headers_for: Callable[[str], Mapping[str, str]] | None = None, link: Link | None = None,
                on_request: Callable[[str], None] | None = None) -> tuple[str, Callable[[], None]]:
    """Serve ``files`` (path -> body and content type; ``every_path`` for any other path, else 404):
    (the URL of ``/app.html``, a function that stops the server). ``headers_for(path)`` gives each response's
    extra headers; ``link`` shapes the responses like a real network (None: as fast as the
    machine goes); ``on_request(path)`` is told of each request as it arrives (the path with its query)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self._respond(head=False)

        def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
            self._respond(head=True)

        def _respond(self, *, head: bool) -> None:
            if on_request is not None:
                on_request(self.path)
            path = self.path.split("?", 1)[0]
            body, kind = files.get(path, every_path or (b"", "text/plain"))
            if link is not None:
                time.sleep(link.round_trip)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers_for(path) if headers_for else {}).items():
                self.send_header(name, value)
            self.end_headers()
            if head:
                return
            if link is None:
                self.wfile.write(body)
            else:
                link.send(self.wfile.write, body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/app.html", server.shutdown


def local_page(body: bytes = DEFAULT_PAGE) -> tuple[str, Callable[[], None]]:
    """Serve ``body`` at every path: (the URL of ``/app.html``, a function that stops the server)."""
    return serve_files({}, every_path=(body, "text/html"))

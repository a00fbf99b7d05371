"""Static pages served on 127.0.0.1 from a thread, for tests and benchmarks that need a page to load."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Mapping

DEFAULT_PAGE = b"<!doctype html><html><head><title>bench</title></head><body><h1>Widget stand-in</h1></body></html>"


def serve_files(files: Mapping[str, tuple[bytes, str]], *, every_path: tuple[bytes, str] | None = None,
                headers: Mapping[str, str] | None = None) -> tuple[str, Callable[[], None]]:
    """Serve ``files`` (path -> body and content type; ``every_path`` for any other path, else 404):
    (the URL of ``/app.html``, a function that stops the server)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            body, kind = files.get(self.path.split("?", 1)[0], every_path or (b"", "text/plain"))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/app.html", server.shutdown


def local_page(body: bytes = DEFAULT_PAGE) -> tuple[str, Callable[[], None]]:
    """Serve ``body`` at every path: (the URL of ``/app.html``, a function that stops the server)."""
    return serve_files({}, every_path=(body, "text/html"))

"""One static page served on 127.0.0.1 from a thread, for tests and benchmarks that need a page to load."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable

DEFAULT_PAGE = b"<!doctype html><html><head><title>bench</title></head><body><h1>Widget stand-in</h1></body></html>"


def local_page(body: bytes = DEFAULT_PAGE) -> tuple[str, Callable[[], None]]:
    """Serve ``body`` at every path: (the URL of ``/app.html``, a function that stops the server)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/app.html", server.shutdown

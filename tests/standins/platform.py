"""A fake RingCentral platform over https on 127.0.0.1, serving the fake widget from the same origin.

Same origin on purpose: the real ``app.html`` CSP allows ``connect-src 'self'`` and RingCentral's hosts
only, so a stand-in platform must be the widget's own origin (as in the verified real-widget run).
The OAuth rules live in :mod:`tests.standins.oauth_server`; this module is HTTP, CORS and the API.
"""

from __future__ import annotations

import base64
import binascii
import http.server
import json
import ssl
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.standins.oauth_server import FakeClient, OAuthError, OAuthServer

WIDGET_DIR = Path(__file__).resolve().parent / "widget"
#: The widget's built-in client id, used when the launcher passes none (like the hosted build's demo id).
DEMO_CLIENT_ID = "fake-demo-client-id"
__all__ = ["DEMO_CLIENT_ID", "FakeClient", "FakePlatform"]

API: dict[str, dict[str, Any]] = {
    "/restapi/v1.0/account/~/extension/~/features": {"records": [
        {"id": name, "available": True} for name in (
            "ReadExtensionInfo", "ReadCompanyInfo", "WebPhone", "SMSSending", "SMSReceiving", "ReadPresenceStatus")]},
    "/restapi/v1.0/account/~/extension/~": {
        "id": 101001, "extensionNumber": "101", "name": "Test Agent",
        "regionalSettings": {"homeCountry": {"id": "1", "isoCode": "US", "callingCode": "1"}},
        "permissions": {"admin": {"enabled": False}}},
    "/restapi/v1.0/account/~": {
        "id": 100001, "mainNumber": "+16505550100",
        "serviceInfo": {"brand": {"id": "1210"}, "contractedCountry": {"isoCode": "US"}}},
}


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    # --- plumbing ------------------------------------------------------------------------------------
    def _cors(self) -> None:
        origin = self.headers.get("Origin")
        if origin:  # the SDK's fetches are credentialed: echo the origin, never '*'
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Vary", "Origin")

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self._cors()
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _basic(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return ("", "")
        return user, password

    # --- verbs ---------------------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:  # noqa: N802
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-User-Agent, Client-Id")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        oauth = self.server.oauth
        if parts.path == "/restapi/oauth/authorize":
            try:
                location = oauth.authorize(parse_qs(parts.query, keep_blank_values=True))
            except OAuthError as exc:
                error = exc.body["errors"][0]
                page = f"<h1>{error['errorCode']} {error['message']}</h1>".encode()
                self._send(exc.status, page, "text/html")
                return
            self._send(302, b"", "text/html", {"Location": location})
        elif parts.path.startswith("/widget/") or parts.path.startswith("/other/"):
            self._static(parts.path)
        elif parts.path.startswith("/restapi/v1.0/"):
            self._api(parts.path)
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        oauth = self.server.oauth
        if path == "/restapi/oauth/token":
            try:
                self._json(200, oauth.token(self._form(), self._basic()))
            except OAuthError as exc:
                self._json(exc.status, exc.body)
        elif path == "/restapi/oauth/revoke":
            oauth.revoke(self._form().get("token", ""))
            self._send(200, b"", "text/plain")
        else:
            self._json(404, {"errorCode": "CMN-404", "message": "Resource not found"})

    def _api(self, path: str) -> None:
        valid = self.server.oauth.bearer_valid(self.headers.get("Authorization"))
        with self.server.oauth.lock:
            self.server.api_requests.append({"path": path, "authorized": valid,
                                             "user_agent": self.headers.get("X-User-Agent")})
        if not valid:
            self._json(401, {"errorCode": "AGW-401", "message": "Authorization header is not specified"})
            return
        self._json(200, API.get(path, {"records": [], "paging": {"page": 1, "totalPages": 1}}))

    def _static(self, path: str) -> None:
        _, folder, name = path.split("/", 2)
        file = WIDGET_DIR / name
        if folder not in ("widget", "other") or "/" in name or not name or not file.is_file():
            self._send(404, b"not found", "text/plain")
            return
        kind = {"html": "text/html; charset=utf-8", "js": "text/javascript"}.get(name.rsplit(".", 1)[-1], "text/plain")
        self._send(200, file.read_bytes(), kind)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    oauth: OAuthServer
    api_requests: list[dict[str, Any]]


class FakePlatform:
    """Start with :meth:`start`; register clients; read the records in tests."""

    def __init__(self, ssl_context: ssl.SSLContext, clients: dict[str, FakeClient]) -> None:
        self._context = ssl_context
        self.oauth = OAuthServer()
        self.oauth.clients.update(clients)
        self._server: _Server | None = None
        self.api_requests: list[dict[str, Any]] = []

    def start(self) -> None:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.socket = self._context.wrap_socket(server.socket, server_side=True)
        server.oauth = self.oauth
        server.api_requests = self.api_requests
        self._server = server
        threading.Thread(target=server.serve_forever, name="fake-platform", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakePlatform:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the platform first"
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def widget_url(self) -> str:
        return self.origin + "/widget/app.html"

    def other_origin_url(self, path: str) -> str:
        """The same server under another origin (``localhost`` instead of ``127.0.0.1``)."""
        return f"https://localhost:{self.port}{path}"

    def register_client(self, client_id: str, client: FakeClient) -> None:
        with self.oauth.lock:
            self.oauth.clients[client_id] = client

    @property
    def deny_next_login(self) -> bool:
        return self.oauth.deny_next_login

    @deny_next_login.setter
    def deny_next_login(self, value: bool) -> None:
        self.oauth.deny_next_login = value

    @property
    def token_requests(self) -> list[dict[str, Any]]:
        with self.oauth.lock:
            return list(self.oauth.token_requests)

    @property
    def revocations(self) -> list[str]:
        with self.oauth.lock:
            return list(self.oauth.revocations)

    def successful_code_exchanges(self) -> int:
        return self.oauth.successful_code_exchanges()

"""HTTP side of the fake platform: TLS per connection, routing, CORS, the REST API and the static pages.

The OAuth decisions are made by :class:`tests.fakes.oauth.OAuthServer`; this module turns requests into calls
on it, records them for assertions, and answers the way RingCentral does (JSON errors, credentialed CORS).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
import http.server
import json
import re
import socket
import ssl
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.oauth import single_values
from tests.fakes.oauth_types import OAuthError, RevocationRecord, TokenRecord

if TYPE_CHECKING:
    from tests.fakes.platform import FakePlatform

HERE = Path(__file__).resolve().parent
STATIC_DIRS = {"/widget/": HERE / "widget", "/other/": HERE / "other"}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}
SAFE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
ALLOW_HEADERS = "Authorization, Content-Type, X-User-Agent, Client-Id, Discovery-Tag"
ALLOW_METHODS = "GET, POST, PUT, DELETE"
MAX_BODY = 1 << 20


class PlatformServer(http.server.ThreadingHTTPServer):
    """Threading server that does the TLS handshake in the connection's thread, not in accept()."""

    daemon_threads = True

    def __init__(self, platform: FakePlatform, context: ssl.SSLContext, port: int = 0) -> None:
        self.platform = platform
        self.ssl_context = context
        self._open: set[ssl.SSLSocket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), PlatformHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(10)  # a client that never finishes the handshake must not hold a thread forever
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return  # e.g. Chromium rejecting the certificate: not the server's problem, keep stderr quiet
        with self._open_lock:
            self._open.add(tls)
        try:
            PlatformHandler(tls, client_address, self)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with self._open_lock:
                self._open.discard(tls)
            tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # quiet: a browser dropping a keep-alive connection is normal

    def close_connections(self) -> None:
        """Cut open keep-alive connections, so a stopped platform looks down to the browser at once."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class PlatformHandler(http.server.BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive with Content-Length on every answer."""

    server: PlatformServer
    protocol_version = "HTTP/1.1"
    server_version = "FakeRingCentral/1.0"
    sys_version = ""
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        pass  # quiet tests

    # --- plumbing --------------------------------------------------------------------------------------
    def send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None,
             cors: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        origin = self.headers.get("Origin")
        if cors and origin:  # credentialed fetches need the exact origin echoed, never '*'
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Vary", "Origin")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, data: object, headers: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(data).encode(), "application/json; charset=utf-8", headers)

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise OAuthError(400, "invalid_request", "OAU-101", "Chunked bodies are not supported")
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise OAuthError(400, "invalid_request", "OAU-101", "Body too large")
        return self.rfile.read(length) if length else b""

    def read_form(self) -> dict[str, str]:
        """The urlencoded body; the token and revoke endpoints accept nothing else (no JSON)."""
        body = self.read_body()
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise OAuthError(400, "invalid_request", "OAU-101", "Unsupported Content-Type")
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
        except (UnicodeDecodeError, ValueError):
            raise OAuthError(400, "invalid_request", "OAU-101", "Malformed form body") from None
        return single_values(pairs, set())

    def claimed_client_id(self, form: dict[str, str]) -> str | None:
        """For the records only: the id in Basic auth, else the body's client_id."""
        header = self.headers.get("Authorization") or ""
        if header[:6].lower() == "basic ":
            try:
                return base64.b64decode(header[6:], validate=True).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                return None
        return form.get("client_id")

    # --- verbs -----------------------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server naming
        origin = self.headers.get("Origin")
        if not origin or not self.headers.get("Access-Control-Request-Method"):
            self.send(400, b"", "text/plain", cors=False)
            return
        self.send(204, b"", "text/plain", {
            "Access-Control-Allow-Methods": ALLOW_METHODS, "Access-Control-Allow-Headers": ALLOW_HEADERS,
            "Access-Control-Max-Age": "600"})

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/restapi/oauth/authorize":
            self.authorize()
        elif path.startswith("/restapi/oauth/"):
            self.send_json(405, {"errorCode": "CMN-405", "message": "Method not allowed"})
        elif path.startswith("/restapi/"):
            self.api()
        else:
            self.static(path)

    def do_HEAD(self) -> None:  # noqa: N802
        self.static(urlsplit(self.path).path)

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/restapi/oauth/token":
            self.token()
        elif path == "/restapi/oauth/revoke":
            self.revoke()
        elif path.startswith("/restapi/"):
            self.api()
        else:
            self.send_json(404, {"errorCode": "CMN-102", "message": "Resource not found"})

    do_PUT = do_DELETE = do_POST  # noqa: N815 - the REST API answers them the same way

    # --- endpoints -------------------------------------------------------------------------------------
    def authorize(self) -> None:
        query = parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
        try:
            location = self.server.platform.oauth.authorize(query)
        except OAuthError as exc:  # an error page, never a redirect to an unverified URI
            text = html.escape(f"{exc.error_code} {exc.message}")
            page = (f'<!doctype html><title>Error</title><h1>Authorization error</h1>'
                    f'<p id="error" data-error="{html.escape(exc.error)}">{text}</p>')
            self.send(exc.status, page.encode(), "text/html; charset=utf-8", cors=False)
            return
        self.send(302, b"", "text/plain", {"Location": location}, cors=False)

    def token(self) -> None:
        oauth = self.server.platform.oauth
        form: dict[str, str] = {}
        record: TokenRecord = {
            "grant_type": None, "client_id": None, "basic_auth": False, "redirect_uri": None,
            "code_verifier_sent": False, "ok": False, "status": 200, "error": None, "error_code": None,
            "user_agent": self.headers.get("X-User-Agent"), "origin": self.headers.get("Origin")}
        try:
            form = self.read_form()
            record.update({"grant_type": form.get("grant_type"), "redirect_uri": form.get("redirect_uri"),
                           "code_verifier_sent": "code_verifier" in form,
                           "basic_auth": (self.headers.get("Authorization") or "")[:6].lower() == "basic ",
                           "client_id": self.claimed_client_id(form)})
            if not form.get("grant_type"):
                raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [grant_type] is missing")
            client_id, client = oauth.authenticate(form, self.headers.get("Authorization"))
            answer = oauth.token(form, client_id, client)
            record["ok"] = True
        except OAuthError as exc:
            record.update({"status": exc.status, "error": exc.error, "error_code": exc.error_code})
            self.server.platform.records.add_token(record)
            # RFC 6749 §5.2: a 401 from the token endpoint names the authentication scheme.
            challenge = {"WWW-Authenticate": 'Basic realm="RingCentral"'} if exc.status == 401 else None
            self.send_json(exc.status, exc.body(), challenge)
            return
        self.server.platform.records.add_token(record)
        self.send_json(200, answer)

    def revoke(self) -> None:
        oauth = self.server.platform.oauth
        record: RevocationRecord = {"token_kind": "missing", "client_id": None,
                                    "user_agent": self.headers.get("X-User-Agent")}
        try:
            form = self.read_form()
        except OAuthError:
            form = {}
        record["client_id"] = self.claimed_client_id(form)
        if form.get("token"):
            record["token_kind"] = oauth.tokens.revoke(form["token"])
        self.server.platform.records.add_revocation(record)
        self.send(200, b"", "text/plain")  # RFC 7009 §2.2: 200 even for an unknown token

    def api(self) -> None:
        platform = self.server.platform
        parts = urlsplit(self.path)
        valid = platform.oauth.tokens.bearer_valid(self.headers.get("Authorization"))
        status, data = platform.api_answer(self.command, parts.path) if valid else (401, {
            "errorCode": "AGW-401", "message": "Authorization header is not specified or token is invalid",
            "errors": [{"errorCode": "AGW-401", "message": "Unauthorized"}]})
        if self.command != "GET":
            self.read_body()
        platform.records.add_api({
            "method": self.command, "path": parts.path, "query": parts.query, "bearer_valid": valid,
            "status": status, "user_agent": self.headers.get("X-User-Agent"),
            "client_id_header": self.headers.get("Client-Id"), "origin": self.headers.get("Origin")})
        self.send_json(status, data)

    def static(self, path: str) -> None:
        for prefix, directory in STATIC_DIRS.items():
            name = path[len(prefix):] if path.startswith(prefix) else ""
            if SAFE_NAME.match(name) and (directory / name).is_file():
                file = directory / name
                self.send(200, file.read_bytes(), CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                          {"X-Content-Type-Options": "nosniff"}, cors=False)
                return
        self.send(404, b"not found", "text/plain; charset=utf-8", cors=False)

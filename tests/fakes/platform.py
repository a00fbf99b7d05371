"""A fake RingCentral platform over https on 127.0.0.1 that also serves the fake widget from its own origin.

Same origin on purpose: the real ``app.html`` CSP allows ``connect-src 'self'`` and RingCentral's hosts
only, so a stand-in platform must be the widget's own origin (this is how the real widget was verified).
``https://localhost:<port>`` reaches the same server under a different origin, for pages that must not be
the widget's origin. Rules: :mod:`tests.fakes.oauth`; HTTP: :mod:`tests.fakes.platform_http`.

Typical use::

    context, ca_path = make_server_tls(tmp_path)
    with FakePlatform(context) as platform:
        platform.register_client(DEMO_CLIENT_ID, FakeClient([platform.redirect_url]))
        ...  # load platform.widget_url + "?appServer=" + platform.origin
"""

from __future__ import annotations

import copy
import ssl
import threading
import time
from types import TracebackType

from tests.fakes.oauth import OAuthServer
from tests.fakes.oauth_tokens import OWNER_ID
from tests.fakes.oauth_types import (
    ApiRecord,
    AuthorizeRecord,
    FakeClient,
    RevocationRecord,
    TokenRecord,
)
from tests.fakes.platform_http import PlatformServer
from tests.fakes.records import Records

#: The client id the fake widget uses when the URL has no ``clientId`` (like the hosted build's demo id).
#: Register it with ``[platform.redirect_url]`` as its redirect URI when a test relies on the default.
DEMO_CLIENT_ID = "fake-demo-client-id"
WIDGET_VERSION = "2.3.1"
SDK_VERSION = "4.7.2"
#: What the widget appends to its ``userAgent`` parameter in every ``X-User-Agent`` header.
USER_AGENT_SUFFIX = f"RingCentralEmbeddable/{WIDGET_VERSION} RCJSSDK/{SDK_VERSION}"
TOKEN_STORAGE_KEY = "sdk-{prefix}platform"  # localStorage key of the widget's token blob

FEATURE_IDS = ("ReadExtensionInfo", "ReadCompanyInfo", "WebPhone", "SMSSending", "SMSReceiving",
               "ReadPresenceStatus", "RingOut")
EMPTY_LIST: dict[str, object] = {"records": [], "paging": {"page": 1, "totalPages": 1}}


def default_api() -> dict[str, object]:
    """The three answers that gate the widget's ``loggedIn:true`` (features, extension, account)."""
    return {
        "/restapi/v1.0/account/~/extension/~/features": {
            "records": [{"id": name, "available": True} for name in FEATURE_IDS]},
        "/restapi/v1.0/account/~/extension/~": {
            "id": int(OWNER_ID), "extensionNumber": "101", "name": "Test Agent",
            "regionalSettings": {"homeCountry": {"id": "1", "isoCode": "US", "callingCode": "1"}},
            "permissions": {"admin": {"enabled": False}}},
        "/restapi/v1.0/account/~": {
            "id": 100001, "mainNumber": "+16505550100",
            "serviceInfo": {"brand": {"id": "1210"}, "contractedCountry": {"isoCode": "US"}}},
    }


class FakePlatform:
    """The fake platform; start it (or use ``with``) before reading ``port``/``origin``."""

    def __init__(self, ssl_context: ssl.SSLContext, clients: dict[str, FakeClient] | None = None,
                 *, code_ttl: float = 60.0) -> None:
        self.records = Records()
        self.oauth = OAuthServer(self.records, clients, code_ttl)
        #: GET answers by path; tests may replace one (e.g. features without ReadCompanyInfo).
        self.api: dict[str, object] = default_api()
        #: Forced (status, body) by path for any method, e.g. ``{path: (503, {...})}``.
        self.api_overrides: dict[str, tuple[int, object]] = {}
        self._context = ssl_context
        self._server: PlatformServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------------
    def start(self, port: int = 0) -> FakePlatform:
        """Serve on ``port`` (0: any free one); a stopped platform can start again on its old port."""
        if self._server is not None:
            raise RuntimeError("already started")
        self._server = PlatformServer(self, self._context, port)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-platform-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakePlatform:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- addresses -------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake platform is not started")
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        """``https://127.0.0.1:PORT``: the platform API and the widget share it."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def widget_url(self) -> str:
        return self.origin + "/widget/app.html"

    @property
    def redirect_url(self) -> str:
        """The widget's default redirect URI (``./redirect.html`` next to app.html)."""
        return self.origin + "/widget/redirect.html"

    @property
    def other_origin(self) -> str:
        """``https://localhost:PORT``: the same server, but a different origin from the widget's."""
        return f"https://localhost:{self.port}"

    def other_origin_url(self, path: str) -> str:
        """A URL on :attr:`other_origin`, e.g. ``other_origin_url("/other/mic.html")``."""
        return self.other_origin + "/" + path.lstrip("/")

    @property
    def mic_page_url(self) -> str:
        """The getUserMedia probe page, on the other origin."""
        return self.other_origin_url("/other/mic.html")

    # --- clients and switches --------------------------------------------------------------------------
    def register_client(self, client_id: str, client: FakeClient) -> None:
        """Add or replace an app (redirect URIs often depend on :attr:`port`, known only after start)."""
        with self.oauth.lock:
            self.oauth.clients[client_id] = client

    def register_demo_client(self) -> FakeClient:
        """Register :data:`DEMO_CLIENT_ID` (public, PKCE) with the widget's default redirect URI."""
        client = FakeClient([self.redirect_url])
        self.register_client(DEMO_CLIENT_ID, client)
        return client

    @property
    def deny_next_login(self) -> bool:
        """When set, the next valid authorize request redirects with ``error=access_denied`` (then resets)."""
        return self.oauth.deny_next_login

    @deny_next_login.setter
    def deny_next_login(self, value: bool) -> None:
        with self.oauth.lock:
            self.oauth.deny_next_login = value

    def api_answer(self, method: str, path: str) -> tuple[int, object]:
        """(status, JSON) for an authorised API request; called by the HTTP handler."""
        override = self.api_overrides.get(path)
        if override is not None:
            return override[0], copy.deepcopy(override[1])
        if method == "GET" and path in self.api:
            return 200, copy.deepcopy(self.api[path])
        if method == "GET" and path.startswith("/restapi/v1.0/"):
            return 200, copy.deepcopy(EMPTY_LIST)
        return 404, {"errorCode": "CMN-102", "message": "Resource not found",
                     "errors": [{"errorCode": "CMN-102", "message": "Resource not found"}]}

    # --- tokens ----------------------------------------------------------------------------------------
    def issue_tokens(self, client_id: str) -> dict[str, object]:
        """A valid token answer for *client_id* without a login (to seed a stored session)."""
        return self.oauth.tokens.issue(client_id)

    def widget_token_blob(self, client_id: str, code_verifier: str | None = None) -> dict[str, object]:
        """What the widget stores under ``sdk-<prefix>platform`` after a login (times in ms since epoch)."""
        blob = self.issue_tokens(client_id)
        now_ms = int(time.time() * 1000)
        blob["expire_time"] = now_ms + int(str(blob["expires_in"])) * 1000
        blob["refresh_token_expire_time"] = now_ms + int(str(blob["refresh_token_expires_in"])) * 1000
        if code_verifier is not None:
            blob["code_verifier"] = code_verifier
        return blob

    def expire_access_tokens(self) -> None:
        """Expire every access token server-side (refresh tokens still work)."""
        self.oauth.tokens.expire_access_tokens()

    def live_access_tokens(self) -> list[str]:
        return self.oauth.tokens.live_access_tokens()

    # --- records ---------------------------------------------------------------------------------------
    @property
    def authorize_requests(self) -> list[AuthorizeRecord]:
        return self.records.authorize_requests

    @property
    def token_requests(self) -> list[TokenRecord]:
        return self.records.token_requests

    @property
    def revocations(self) -> list[RevocationRecord]:
        return self.records.revocations

    @property
    def api_requests(self) -> list[ApiRecord]:
        return self.records.api_requests

    def successful_code_exchanges(self) -> list[TokenRecord]:
        """Token requests with ``grant_type=authorization_code`` that returned tokens."""
        return [r for r in self.token_requests if r["grant_type"] == "authorization_code" and r["ok"]]

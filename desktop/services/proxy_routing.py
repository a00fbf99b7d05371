"""An httpx client that takes the app's proxy decision instead of reading the environment itself.

httpx, left to itself (``trust_env=True``), would read the proxy variables again and route by its own rules.
The client here has ``trust_env=False`` and one transport that asks :meth:`ProxyDecision.route` for each request's
URL, then sends it through that proxy's connection pool, or the direct one: the same answer ``diagnose`` reports.
Its pools are made up front, one per proxy the decision names, so a proxy httpx cannot use is an error at once,
naming where the proxy came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from desktop.services.proxy_decision import ProxyDecision, ProxyRoute, ProxySettingsError, mask_proxy

if TYPE_CHECKING:
    import ssl

_MIN_SCRUBBED = 3


class ProxyRouting(httpx.AsyncBaseTransport):
    """Sends each request the way the decision routes its URL (redirects included: each is a request)."""

    def __init__(self, decision: ProxyDecision, verify: ssl.SSLContext) -> None:
        if decision.unusable:
            raise ProxySettingsError(decision.unusable)
        self._decision = decision
        self._direct = httpx.AsyncHTTPTransport(verify=verify, trust_env=False)
        self._proxied: dict[str, httpx.AsyncHTTPTransport] = {}
        for rule in decision.rules:
            if rule.proxy is not None and rule.proxy not in self._proxied:
                self._proxied[rule.proxy] = _proxy_transport(rule.proxy, rule.source, verify)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        route = self._decision.route(request.url)
        transport = self._direct if route.proxy is None else self._proxied[route.proxy]
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        for transport in (self._direct, *self._proxied.values()):
            await transport.aclose()


def routed_client(decision: ProxyDecision, verify: ssl.SSLContext, *, timeout: float) -> httpx.AsyncClient:
    """A client whose requests follow *decision*, trusting *verify*'s CAs.

    Raises:
        ProxySettingsError: the variables cannot be used, or httpx cannot use a proxy they name.
    """
    return httpx.AsyncClient(transport=ProxyRouting(decision, verify), trust_env=False, timeout=timeout)


def _proxy_transport(proxy: str, source: str, verify: ssl.SSLContext) -> httpx.AsyncHTTPTransport:
    try:
        return httpx.AsyncHTTPTransport(verify=verify, trust_env=False, proxy=proxy)
    except (ValueError, ImportError, httpx.InvalidURL) as exc:  # an ftp:// proxy, socks without socksio, a bad port
        reason = str(exc)
        # httpx's text may show the proxy's user name; shorter "secrets" would only garble it.
        for secret in sorted(ProxyRoute(proxy, source).secrets(), key=len, reverse=True):
            reason = reason.replace(secret, "***") if len(secret) >= _MIN_SCRUBBED else reason
        raise ProxySettingsError(f"The proxy {mask_proxy(proxy)} (from {source}) cannot be used for the app's own "
                                 f"requests: {reason}") from None

"""A scripted stand-in for the person's browser, started by the app through ``--browser``.

It does what a person does after clicking Sign In: opens the authorize URL (the fake platform
auto-approves and redirects), then follows the redirect to the app's loopback listener. Every step is
appended as one JSON line to ``$SCRIPTED_BROWSER_LOG`` so tests can assert on it.

Environment:
    SCRIPTED_BROWSER_LOG   file to append JSON records to (required)
    SCRIPTED_BROWSER_CA    CA bundle that signed the fake platform's certificate
    SCRIPTED_BROWSER_MODE  "follow" (default) or "record" (only note the URL, visit nothing)
    SCRIPTED_BROWSER_CROWD N: before following the redirect to the app, open N idle connections and three
                           that trickle a request a byte at a time to the same port, as a busy or hostile
                           local program would, and keep them open until the callback is answered
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx


def record(entry: dict[str, Any]) -> None:
    with open(os.environ["SCRIPTED_BROWSER_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


@contextlib.contextmanager
def crowd(location: str, count: int) -> Iterator[None]:
    """``count`` idle connections and three trickling ones to the host and port of ``location``."""
    if count <= 0:
        yield
        return
    address = urlsplit(location)
    target = (address.hostname or "127.0.0.1", address.port or 80)
    sockets = [socket.create_connection(target) for _ in range(count)]
    stop = threading.Event()

    def trickle() -> None:
        with contextlib.suppress(OSError), socket.create_connection(target) as slow:
            for byte in b"GET /oauth/callback?code=slow&state=slow HTTP/1.1\r\nHost: x\r\n":
                if stop.wait(0.05):
                    return
                slow.sendall(bytes([byte]))
    threads = [threading.Thread(target=trickle, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # the crowd is in place, the slow ones mid-request
    try:
        yield
    finally:
        stop.set()
        for sock in sockets:
            sock.close()


def follow(url: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"url": url}
    ca = os.environ.get("SCRIPTED_BROWSER_CA")
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca) if ca else True
    with httpx.Client(verify=verify, follow_redirects=False, timeout=10) as client:
        answer = client.get(url)
        entry["status"] = answer.status_code
        location = answer.headers.get("location")
        if answer.status_code not in (301, 302, 303, 307) or not location:
            entry["body"] = answer.text[:500]
            return entry
        entry["location"] = location
        if location.startswith("http://127.0.0.1:"):
            with crowd(location, int(os.environ.get("SCRIPTED_BROWSER_CROWD", "0"))):
                started = time.perf_counter()
                callback = client.get(location)
                entry["callback_ms"] = round((time.perf_counter() - started) * 1000, 1)
            entry["callback_status"] = callback.status_code
            entry["callback_body"] = callback.text[:2000]
    return entry


def main(argv: list[str]) -> int:
    url = argv[-1]
    mode = os.environ.get("SCRIPTED_BROWSER_MODE", "follow")
    try:
        entry = follow(url) if mode == "follow" and "/restapi/oauth/authorize" in url else {"url": url}
    except httpx.HTTPError as exc:
        entry = {"url": url, "error": repr(exc)}
    entry["mode"] = mode
    record(entry)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""A scripted stand-in for the person's browser, started by the app through ``--browser``.

It does what a person does after clicking Sign In: opens the authorize URL (the fake platform
auto-approves and redirects), then follows the redirect to the app's loopback listener. Every step is
appended as one JSON line to ``$SCRIPTED_BROWSER_LOG`` so tests can assert on it.

Environment:
    SCRIPTED_BROWSER_LOG   file to append JSON records to (required)
    SCRIPTED_BROWSER_CA    CA bundle that signed the fake platform's certificate
    SCRIPTED_BROWSER_MODE  "follow" (default) or "record" (only note the URL, visit nothing)
"""

from __future__ import annotations

import json
import os
import ssl
import sys
from typing import Any

import httpx


def record(entry: dict[str, Any]) -> None:
    with open(os.environ["SCRIPTED_BROWSER_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


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
            callback = client.get(location)
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

"""Example policies for common fleets, generated so they always pass the app's reader and the JSON Schema.

* a call centre on production, pinned, with the company's client id;
* developers' machines on sandbox, free to switch and to define custom servers;
* a shared kiosk signed in as a JWT service user (secrets in the machine's keychain, see docs/deploying.md).
"""

from __future__ import annotations

import json
from typing import Any

FOLDER = "packaging/policies"
COMPANY_CLIENT_ID = "YOUR-PRODUCTION-CLIENT-ID"

EXAMPLES: dict[str, dict[str, Any]] = {
    "call-center-production.json": {
        "settings": {
            "environment": "production",
            "allow_environment_switching": False,
            "allow_custom_environments": False,
            "environments.production.client_id": COMPANY_CLIENT_ID,
            "environments.production.redirect_port": 47612,
            "close_to_tray": True,
            "raise_on_ring": True,
            "notifications": True,
            "autostart": True,
            "devtools": False,
        },
        "hidden": ["browser", "devtools"],
        "required": ["environments.production.client_id"],
    },
    "developer-sandbox.json": {
        "settings": {
            "environment": "sandbox",
            "environments.sandbox.client_id": "YOUR-SANDBOX-CLIENT-ID",
            "allow_custom_environments": True,
        },
        "hidden": [],
        "required": [],
    },
    "kiosk-jwt-service-user.json": {
        "settings": {
            "environment": "kiosk",
            "allow_environment_switching": False,
            "environments.kiosk.app_server": "https://platform.ringcentral.com",
            "environments.kiosk.client_id": "YOUR-JWT-APP-CLIENT-ID",
            "environments.kiosk.auth_mode": "jwt",
            "close_to_tray": False,
            "start_minimized": False,
            "devtools": False,
        },
        "hidden": ["browser"],
        "required": ["environments.kiosk.client_id"],
    },
}


def render() -> dict[str, str | bytes]:
    # "$schema" lets an editor check the file while IT adapts it; the app ignores the key.
    return {f"{FOLDER}/{name}": json.dumps({"$schema": "policy.schema.json", **policy}, indent=2) + "\n"
            for name, policy in EXAMPLES.items()}

"""Logging: stderr plus a rotating file below the data directory, with secrets redacted.

The redaction runs on the final message text, so a code, token or secret that reaches a log call by
accident (inside a URL, a JSON body, a header) is masked before it is written anywhere.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

_SECRET_PARAMS = re.compile(
    r"(?i)\b(code|state|access_token|refresh_token|id_token|code_verifier|client_secret|clientSecret|jwt"
    r"|assertion|password|token|ws_access_token)(=|\":\s*\"|':\s*')([^&\s\"']+)"
)
_AUTH_HEADER = re.compile(r"(?i)\b(authorization:?\s*(?:bearer|basic)\s+)(\S+)")
#: A JWT anywhere (a service user's assertion, an id token): three base64url parts, the first a JSON header.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
#: Callers' numbers: a dial link's target, +E.164, bare runs of 7+ digits, and (650) 555-0100 / 650-555-0100.
#: Log timestamps, ports, sizes and versions never have seven digits in a row, so they are left alone.
_PHONE = re.compile(r"(?i)\b(?:tel|callto|sms):[^\s\"'<>&]+|\+\d[\d ().-]{5,}\d|(?<![\w.])\d{7,15}(?![\w.])"
                    r"|\(\d{3}\)\s?\d{3}-\d{4}\b|\b\d{3}-\d{3}-\d{4}\b")

#: ``extra=`` for a log call whose message the person already saw on stderr.
FILE_ONLY = {"file_only": True}
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    """Mask values of secret-looking parameters, Authorization headers, JWTs and phone numbers."""
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}[redacted]", text)
    text = _JWT.sub("[redacted JWT]", text)
    return _PHONE.sub("[number]", text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    """Log to stderr and to ``log_dir/embeddable-desktop.log`` (rotated); returns the file path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "embeddable-desktop.log"
    formatter = RedactingFormatter(LOG_FORMAT)
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    stream_handler = logging.StreamHandler()
    # A message already printed to stderr in its own words goes to the file only (log.error(..., extra=FILE_ONLY)).
    stream_handler.addFilter(lambda record: not getattr(record, "file_only", False))
    root = logging.getLogger()
    root.setLevel(level)
    for handler in (file_handler, stream_handler):
        handler.setFormatter(formatter)
        root.addHandler(handler)
    # qasync logs the arguments and results of executor calls at DEBUG; never let those reach a log.
    logging.getLogger("qasync").setLevel(logging.WARNING)
    # httpx logs every request's full URL at INFO (a query may carry a client id); the app logs its own lines.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return path

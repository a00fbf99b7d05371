"""Logging: stderr plus a rotating file below the data directory, with secrets redacted.

The redaction (``desktop/core/redaction.py``) runs on the final message text, so a code, token, secret or number
that reaches a log call by accident (inside a URL, a JSON body, a header) is masked before it is written anywhere.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from desktop.core.redaction import redact

__all__ = ["FILE_ONLY", "LOG_FORMAT", "RedactingFormatter", "redact", "setup_logging"]

#: ``extra=`` for a log call whose message the person already saw on stderr.
FILE_ONLY = {"file_only": True}
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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

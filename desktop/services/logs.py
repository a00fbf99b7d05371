"""Logging: stderr plus a rotating file below the data directory, with secrets redacted, readable by the person only.

The redaction (``desktop/core/redaction.py``) runs on the final message text, so a code, token, secret or number
that reaches a log call by accident (inside a URL, a JSON body, a header) is masked before it is written
anywhere. The log holds call metadata all the same, so its folder is 0700 and its files 0600, including those an
older version left open (``desktop/services/private_files.py``).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from io import TextIOWrapper
from pathlib import Path
from typing import cast

from desktop.core.redaction import redact
from desktop.services.private_files import PRIVATE_FILE, make_private, private_folder, secure_app_folders

__all__ = ["FILE_ONLY", "LOG_FORMAT", "LOG_NAME", "RedactingFormatter", "redact", "setup_logging"]

#: ``extra=`` for a log call whose message the person already saw on stderr.
FILE_ONLY = {"file_only": True}
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_NAME = "embeddable-desktop.log"
#: Rotated logs kept beside the current one (``LOG_NAME.1`` ... ``.3``).
BACKUPS = 3


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _private_opener(path: str, flags: int) -> int:
    # A new log (the first, or after a rotation) is 0600 from its first byte; never written through a link.
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only the person can read (rotation renames them, keeping their mode)."""

    def _open(self) -> TextIOWrapper:
        # The mode is always a text mode ("a"), which open() returns a TextIOWrapper for.
        return cast(TextIOWrapper, open(self.baseFilename, self.mode, encoding=self.encoding,  # noqa: SIM115
                                        errors=self.errors, opener=_private_opener))


def setup_logging(log_dir: Path, *, level: int = logging.INFO, data_dir: Path | None = None) -> Path:
    """Log to stderr and to ``log_dir/embeddable-desktop.log`` (rotated, 0600 in a 0700 folder); returns its path.

    With ``data_dir``, the app's folders are made private first (``private_files.secure_app_folders``): the data
    folder is where the log goes. What that did, and what was done to the log folder and files an older version
    left open, is logged once the log is there.

    Raises:
        OSError: a folder or the file cannot be made.
    """
    done = secure_app_folders(data_dir) if data_dir is not None else []
    done += private_folder(log_dir)
    path = log_dir / LOG_NAME
    for name in (LOG_NAME, *(f"{LOG_NAME}.{n}" for n in range(1, BACKUPS + 1))):
        fixed = make_private(log_dir / name, folder=False)
        done += [fixed] if fixed else []
    formatter = RedactingFormatter(LOG_FORMAT)
    file_handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=BACKUPS, encoding="utf-8")
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
    files = logging.getLogger("desktop.files")
    for fixup in done:
        files.log(logging.WARNING if fixup.problem else logging.INFO, "%s", fixup.message)
    return path

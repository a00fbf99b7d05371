"""The support bundle: one zip with the diagnose report and the rotated logs, all through the redaction filter.

The logs are redacted when written; they are redacted again here, line by line, because a bundle leaves the
machine (a ticket, an e-mail) and a log written by an older version, or edited by hand, may hold more than
today's filter lets through. The zip is written beside its target and renamed into place, so a bundle that
exists is complete.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from pathlib import Path

from desktop.services.logs import redact

LOG_NAME = "embeddable-desktop.log"
#: The current log and the rotated ones (logs.setup_logging keeps three).
LOG_FILES = (LOG_NAME, *(f"{LOG_NAME}.{n}" for n in range(1, 4)))


def bundle_name() -> str:
    return f"embeddable-desktop-support-{time.strftime('%Y%m%d-%H%M%S')}.zip"


def write_bundle(target: Path, report: str, log_dir: Path) -> list[str]:
    """Write the bundle to ``target``; returns the names inside it.

    Raises:
        OSError: the target's folder cannot be written (nothing is left behind).
    """
    names = ["report.txt"]
    handle, temporary = tempfile.mkstemp(prefix=".support-", suffix=".zip", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("report.txt", redact(report))
            for name in LOG_FILES:
                path = log_dir / name
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue  # not rotated that far yet
                bundle.writestr(f"logs/{name}", "".join(redact(line) for line in text.splitlines(keepends=True)))
                names.append(f"logs/{name}")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return names

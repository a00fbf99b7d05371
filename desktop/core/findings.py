"""What a diagnostic check found, and the plain-text report a helpdesk reads.

Every check (versions, settings, keychain, port, microphone, network, clock, disk, log) yields
:class:`Finding` rows; the terminal command, the Help → Diagnostics dialog and the support bundle all render
the same rows with :func:`render_report`, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from desktop.core.records import record


class Status(Enum):
    """How a finding reads: a fact, fine, worth a look, or broken."""

    INFO = "info"
    OK = "ok"
    WARNING = "warning"
    FAILED = "FAILED"


@record
class Finding:
    """One line of the report: ``section`` groups lines, ``name`` says what was looked at."""

    section: str
    name: str
    status: Status
    detail: str
    #: How long the check took, for the network steps (a slow DNS or proxy shows here).
    elapsed_ms: float | None = None

    def line(self) -> str:
        timing = "" if self.elapsed_ms is None else f" ({self.elapsed_ms:.0f} ms)"
        mark = "" if self.status is Status.INFO else f"[{self.status.value}] "
        return f"  {self.name}: {mark}{self.detail}{timing}"


def render_report(findings: Iterable[Finding], *, title: str) -> str:
    """Findings grouped by section in first-seen order, then a one-line summary of what failed."""
    sections: dict[str, list[Finding]] = {}
    for finding in findings:
        sections.setdefault(finding.section, []).append(finding)
    lines = [title, ""]
    for section, rows in sections.items():
        lines.append(f"{section}:")
        lines.extend(row.line() for row in rows)
        lines.append("")
    every = [row for rows in sections.values() for row in rows]
    failed = [f"{r.section} / {r.name}" for r in every if r.status is Status.FAILED]
    warned = [f"{r.section} / {r.name}" for r in every if r.status is Status.WARNING]
    if failed:
        lines.append(f"Failed: {'; '.join(failed)}")
    if warned:
        lines.append(f"Warnings: {'; '.join(warned)}")
    if not failed and not warned:
        lines.append("No problems found.")
    return "\n".join(lines) + "\n"

"""When the app collects the garbage of the widget's page, and the JavaScript that does it.

A page that starts up leaves garbage behind: the parse and the first run of megabytes of script, the UI built,
the first requests. V8 collects it only when the page allocates enough to need the room, and a phone that waits
for calls hardly allocates; so that memory stays taken all day. The performance tuning exposes V8's collector to
the app's isolated world (a Chromium flag, :data:`EXPOSE_FLAG`), and the app runs a full, compacting
collection:
- once the widget is ready to take calls (signed in, its dialer ready), after a short pause for the work the
  widget does on signing in;
- while the window is hidden in the tray, a while after it was hidden and then every few minutes. A hidden
  Chromium page normally gets its caches purged; the phone keeps its renderer in the foreground (it must ring),
  so this does that job instead. A phone that was already hidden when it became ready (started in the tray)
  skips the collection after hiding: the one once ready did that job.
Never while a call rings or is in progress: a collection stops the page for some tens of milliseconds.

Measured on the widget-sized page (``benchmarks/README.md``), this saves more memory than V8's
``--optimize-for-size``, which it replaces, and costs no start-up time, where that flag cost about 0.07x.
"""

from __future__ import annotations

from desktop.core.records import record

#: The name under which V8 exposes its collector (every world of the page has it; the app calls it from its
#: isolated world). Unusual, so that no page script takes it for something of its own. At most
#: :data:`V8_NAME_LIMIT` characters: V8 builds the extension's source in a 50-byte buffer, and a longer name
#: fails to compile there, which crashes every renderer at start.
GC_FUNCTION = "__embeddableDesktopGc"
V8_NAME_LIMIT = 50 - len("native function ();") - 1
#: The Chromium flag that exposes it. A person's own ``--js-flags`` replace it (Chromium keeps the first).
EXPOSE_FLAG = f"--js-flags=--expose-gc-as={GC_FUNCTION}"
#: What the JavaScript answers when the collector is not exposed.
UNAVAILABLE = -1.0


@record
class Schedule:
    """The pauses, in milliseconds: after the widget became ready, after the window was hidden, and between
    collections while it stays hidden."""

    after_ready_ms: int = 300
    after_hiding_ms: int = 10_000
    while_hidden_every_ms: int = 5 * 60_000


def collect_garbage_js() -> str:
    """JavaScript for the isolated world: a full collection that also gives memory back (V8's "last resort"
    flavour); evaluates to the milliseconds it took, or :data:`UNAVAILABLE`."""
    return (f"(function () {{ const collect = globalThis.{GC_FUNCTION};"
            f" if (typeof collect !== 'function') return {UNAVAILABLE:g};"
            " const start = performance.now();"
            " collect({type: 'major', flavor: 'last-resort'});"
            " return performance.now() - start; })()")


def collector_missing(result: object) -> bool:
    """Whether :func:`collect_garbage_js` found no collector to call (the flag is not in force)."""
    return not isinstance(result, bool) and result == UNAVAILABLE


def collection_time_ms(result: object) -> float | None:
    """The milliseconds a collection took, from what :func:`collect_garbage_js` evaluated to; None when nothing
    was collected (no collector, or no answer: the page was being replaced)."""
    if isinstance(result, bool) or not isinstance(result, int | float) or result < 0:
        return None
    return float(result)


def may_collect(*, takes_calls: bool, in_call: bool) -> bool:
    """Whether a collection may run now: the widget is up and signed in, and no call rings or is in progress."""
    return takes_calls and not in_call

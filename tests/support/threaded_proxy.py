"""The CONNECT proxy of ``diagnose_servers`` on a loop of its own, for tests whose proxy client is another process
(the app) or blocking code."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from tests.support.diagnose_servers import ConnectProxy


@contextmanager
def running_proxy(hosts: Mapping[str, str] | None = None) -> Iterator[ConnectProxy]:
    """A started proxy (its ``url`` and ``requests`` are live) until the block ends."""
    loop = asyncio.new_event_loop()
    proxy = ConnectProxy(hosts=hosts)
    started = threading.Event()
    stop: asyncio.Future[None] | None = None

    async def serve() -> None:
        nonlocal stop
        stop = loop.create_future()
        async with proxy:
            started.set()
            await stop

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), name="test-proxy", daemon=True)
    thread.start()
    assert started.wait(10), "the proxy did not start"
    try:
        yield proxy
    finally:
        loop.call_soon_threadsafe(lambda: stop is not None and not stop.done() and stop.set_result(None))
        thread.join(10)
        loop.close()

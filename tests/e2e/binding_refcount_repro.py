"""Minimal reproduction of PySide6 6.12.0's reference-count defect, as a script (see test_clean_exit.py).

A qasync loop serves 300 connections on 127.0.0.1 and closes them. qasync watches each socket with a
QSocketNotifier, enabling, disabling and disconnecting it; on PySide6 6.12.0 each of those calls takes a
reference away from True or None, and Python aborts while finalizing ("Fatal Python error: bool_dealloc").
Exits 0 on a sound binding.
"""

import asyncio
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync  # noqa: E402
from PySide6.QtCore import QCoreApplication  # noqa: E402

CONNECTIONS = 300


async def main() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.read(100)
        except asyncio.CancelledError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    clients = [(await asyncio.open_connection("127.0.0.1", port))[1] for _ in range(CONNECTIONS)]
    await asyncio.sleep(0.3)
    server.close()
    for task in asyncio.all_tasks():
        if task is not asyncio.current_task():
            task.cancel()
    await asyncio.sleep(0.1)
    for client in clients:
        client.close()
    await asyncio.sleep(0.1)


if __name__ == "__main__":
    app = QCoreApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main())
    print("finished")
    sys.exit(0)

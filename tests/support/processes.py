"""A process and everything it started (Linux /proc), for tests and benchmarks of the whole app."""

from __future__ import annotations

from pathlib import Path


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    return pids


def command_line(pid: int) -> list[str]:
    """The words of a process's command line; [] once it has gone. (A Chromium zygote rewrites its own as one
    string, words separated by spaces rather than NULs.)"""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split()
    except OSError:
        return []


def unsandboxed_zygotes(root: int) -> int:
    """How many unsandboxed Chromium zygotes (kept for helper processes; renderers come from the sandboxed one)
    the tree of ``root`` has."""
    return sum("--type=zygote" in words and "--no-zygote-sandbox" in words
               for words in map(command_line, tree_pids(root)))

"""What the start-up cache's tests share: an "import" to run twice, and reading and writing the file as the app does.

The "import" compiles a module's source and a pattern, as PySide6's first import does (tests/unit/
test_compile_cache.py and test_startup_cache_trust.py).
"""

from __future__ import annotations

import marshal
import re
import zlib
from pathlib import Path
from typing import Any

from desktop.services.compile_cache import MARK, compiled_once
from desktop.services.trusted_cache import StartupCache

SOURCE = b"def greet(name: Undefined) -> str:\n    return 'hello ' + name\nANSWER = 6 * 7\n"
#: A verbose pattern with named and numbered groups, a character class, flags and a back reference.
PATTERN = r"""(?P<word> [A-Za-z_]\w* ) \s* = \s* (?P<value> [0-9]+ | "[^"]*" ) (\s*\#.*)? (?: ; (?P=word) )?"""
SAMPLES = ["x = 42", 'name = "text" # note', "a=1;a", "9 = x", "under_score   =   7"]


def cache_in(root: Path) -> StartupCache:
    """A cache as a pip install keeps it: the app's folder under ``root``, the person's cache home."""
    return StartupCache(file=root / "embeddable-desktop" / "cache.bin", root=root)


def workload() -> tuple[Any, re.Pattern[str]]:
    """What an import does: compile a module's source (inheriting this file's future features) and a pattern."""
    return compile(SOURCE, "support/module.py", "exec"), re.compile(PATTERN, re.VERBOSE | re.IGNORECASE)


def run_import(cache: StartupCache) -> tuple[Any, re.Pattern[str], Any]:
    """The workload under :func:`compiled_once`: (code, pattern, recorder)."""
    re.purge()  # re's own in-process cache would otherwise answer before the hook is asked
    with compiled_once(cache) as recorder:
        code, pattern = workload()
    return code, pattern, recorder


def answer(code: Any) -> object:
    """What the module the code object makes sets ANSWER to (42, unless the code came from someone else)."""
    module: dict[str, Any] = {}
    exec(code, module)  # noqa: S102 - the cached module runs as the compiled one does
    return module["ANSWER"]


def load(path: Path) -> tuple[Any, dict[Any, Any]]:
    build, entries = marshal.loads(path.read_bytes()[len(MARK) + 12:])
    return build, entries


def store(path: Path, build: Any, entries: dict[Any, Any], payload: bytes | None = None) -> None:
    """Write a file as the app does (a right header): what someone who meant to change it would do."""
    payload = marshal.dumps((build, entries)) if payload is None else payload
    path.write_bytes(MARK + len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little") + payload)


def same_pattern(pattern: re.Pattern[str], reference: re.Pattern[str]) -> None:
    assert (pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex) == (
        reference.pattern, reference.flags, reference.groups, reference.groupindex)
    for text in SAMPLES:
        found, expected = pattern.match(text), reference.match(text)
        assert (found and found.groups()) == (expected and expected.groups()), text

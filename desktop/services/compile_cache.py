"""Keep what importing PySide6 compiles, so that later starts do not compile it again (issue 12: start-up).

PySide6's first import runs its signature support, in every PySide6 program (the bare host's too):
- 14 modules that libshiboken carries as *source* and compiles with ``compile()`` at every start; Python's own
  bytecode cache never sees them;
- three regular expressions of about 6,000 characters each (its argument parser and its stub generator), which
  ``re`` parses and compiles at every start.
On the 2-vCPU benchmark machine that is about 80 ms of the main thread, before Qt has started.

:func:`compiled_once` wraps that import. The first start records what was compiled: each code object with the
source, file name and flags it came from, and each pattern's compiled form (what ``re`` hands to
``_sre.compile``). Later starts get the same objects back from the file instead of compiling them, as Python's
``.pyc`` files do for modules (and, as with those, a warning the compiler gave is not given again). Why that is
safe:
- an entry is used only for exactly the same input (source, file name and flags; pattern and flags); anything
  else is compiled as before, and the file then keeps only what this start used;
- the file belongs to one Python build (its version, marshal's and ``_sre``'s); any other is ignored;
- its header (a mark, the length and a CRC-32) is checked before anything is unmarshalled, and ``_sre.compile``
  checks the code it is given: a file damaged on disk is ignored and written anew;
- only the importing thread is served or recorded, and only during the import; the hooks are put back after;
- writing is best effort and atomic; a read-only or missing folder costs only the time it would have saved.
The file holds PySide6's and Python's own code and patterns, nothing of the person's. It is *code the app runs*:
the checksum finds damage, not intent, so the file is only as trusted as where it comes from. Where it lives and
who may have written it is ``desktop/services/trusted_cache.py``: the packaged app carries it in its bundle, made
when the package is built, and writes none; a pip install keeps it in the person's cache folder, used only when
every folder down to it is the person's alone (issue 25). Where only code installed by an administrator may run,
IT turns the cache off with ``performance_tuning`` false.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import marshal
import re
import sys
import threading
import zlib
from collections.abc import Iterator
from types import CodeType
from typing import Any

from desktop.services.trusted_cache import StartupCache, read_cache, write_cache

# Untyped internals: ``re``'s compiler module and its C side, both loaded by ``import re``.
_re_compiler: Any = sys.modules["re._compiler"]
_sre: Any = sys.modules["_sre"]

#: What ``compile()`` inherits from the code that calls it (CPython's PyCF_MASK): its future features.
_INHERITED_FLAGS = 0
for _feature in ("division", "absolute_import", "with_statement", "print_function", "unicode_literals",
                 "barry_as_FLUFL", "generator_stop", "annotations"):
    _INHERITED_FLAGS |= getattr(__future__, _feature).compiler_flag
#: The Python build a file is for (code objects and pattern code are only valid there), and its ``-O`` level.
FORMAT = (sys.version, marshal.version, _sre.MAGIC, sys.flags.optimize)
#: The start of every cache file, before its payload's length and CRC-32.
MARK = b"embeddable-desktop startup cache 1\n"


class _Recorder:
    """The entries read from the file, those this start used or made, and whether the file needs writing."""

    def __init__(self, known: dict[Any, Any]) -> None:
        self.known = known
        self.used: dict[Any, Any] = {}
        self.compiled = 0
        #: How many pieces came from the file.
        self.served = 0
        #: Why the file could not be written, when that was tried and failed.
        self.not_kept: str | None = None
        self.thread = threading.get_ident()

    def ours(self) -> bool:
        return threading.get_ident() == self.thread

    def compile_code(self, real: Any, source: str | bytes, filename: str, mode: str, flags: int) -> Any:
        # The source's type is part of the key: "x" and b"x" are different sources (and compared, a BytesWarning).
        key = (f"code:{type(source).__name__}", filename, flags)
        entry = self.known.get(key)
        if (type(entry) is tuple and len(entry) == 2 and type(entry[0]) is type(source) and entry[0] == source
                and type(entry[1]) is CodeType):
            self.used[key] = entry
            self.served += 1
            return entry[1]
        code = real(source, filename, mode, flags, True)
        self.used[key] = (source, code)
        self.compiled += 1
        return code

    def compile_pattern(self, real: Any, pattern: str | bytes, flags: int) -> Any:
        key = (f"re:{type(pattern).__name__}", pattern, flags)
        entry = self.known.get(key)
        if type(entry) is tuple:
            with contextlib.suppress(Exception):  # anything wrong with the entry: compile it as ``re`` would
                compiled = _sre.compile(pattern, *entry)
                self.used[key] = entry
                self.served += 1
                return compiled
        made: list[tuple[Any, ...]] = []
        real_sre = _sre.compile

        def capture(*args: Any) -> Any:
            if self.ours():
                made.append(args)
            return real_sre(*args)

        _sre.compile = capture
        try:
            compiled = real(pattern, flags)
        finally:
            _sre.compile = real_sre
        if len(made) == 1 and made[0][0] == pattern:
            # As plain values: re's opcodes are int subclasses, which marshal does not take.
            flags_made, code, groups, groupindex, indexgroup = made[0][1:]
            self.used[key] = (int(flags_made), [int(op) for op in code], int(groups), dict(groupindex),
                              tuple(indexgroup))
            self.compiled += 1
        return compiled

    def changed(self) -> bool:
        return self.compiled > 0 or self.used.keys() != self.known.keys()


@contextlib.contextmanager
def compiled_once(cache: StartupCache) -> Iterator[_Recorder]:
    """Serve what the import in the ``with`` block compiles from ``cache``, and keep there what it had to compile
    (unless the cache is the packaged app's own, which is only read).

    Nothing is written when the block raises. Yields the recorder: ``compiled`` counts what was compiled anew,
    ``served`` what came from the file, and ``not_kept`` says why the file was not written, when it was not."""
    recorder = _Recorder(_read(cache))
    real_compile = builtins.compile
    real_pattern = _re_compiler.compile

    def cached_compile(  # noqa: PLR0917 - compile()'s own signature
            source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
            optimize: int = -1, **options: Any) -> Any:
        if not dont_inherit:
            # compile() inherits the future features of the code that calls it, which is the frame below this one
            # (none when C calls it with no Python below, e.g. a thread started on compile itself).
            with contextlib.suppress(ValueError):
                flags |= sys._getframe(1).f_code.co_flags & _INHERITED_FLAGS
        if (options or mode != "exec" or optimize != -1 or flags & ~_INHERITED_FLAGS or type(filename) is not str
                or type(source) not in (str, bytes) or not recorder.ours()):
            return real_compile(source, filename, mode, flags, True, optimize, **options)
        return recorder.compile_code(real_compile, source, filename, mode, flags)

    def cached_pattern(pattern: Any, flags: Any = 0) -> Any:
        # A re.DEBUG pattern prints its parse when compiled, so it is always compiled.
        if type(pattern) not in (str, bytes) or type(flags) is not int or flags & re.DEBUG or not recorder.ours():
            return real_pattern(pattern, flags)
        return recorder.compile_pattern(real_pattern, pattern, flags)

    builtins.compile = cached_compile
    _re_compiler.compile = cached_pattern
    try:
        yield recorder
    finally:
        if builtins.compile is cached_compile:
            builtins.compile = real_compile
        if _re_compiler.compile is cached_pattern:
            _re_compiler.compile = real_pattern
    if recorder.changed():
        recorder.not_kept = _write(cache, recorder.used)


def _read(cache: StartupCache) -> dict[Any, Any]:
    """The entries of a file written by :func:`_write` for this Python build; {} for anything else, and for a file
    someone else could have written."""
    try:
        data = read_cache(cache)
        head = len(MARK) + 12
        payload = data[head:]
        if (data[:len(MARK)] != MARK or int.from_bytes(data[len(MARK):len(MARK) + 8], "little") != len(payload)
                or int.from_bytes(data[len(MARK) + 8:head], "little") != zlib.crc32(payload)):
            return {}
        build, entries = marshal.loads(payload)
    except Exception:  # noqa: BLE001 - whatever the file holds, the import goes on without it
        return {}
    return entries if build == FORMAT and type(entries) is dict else {}


def _write(cache: StartupCache, entries: dict[Any, Any]) -> str | None:
    """Replace the file with ``entries`` at once; None, or why that failed."""
    try:
        payload = marshal.dumps((FORMAT, entries))
    except ValueError as exc:
        return str(exc)
    header = MARK + len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little")
    return write_cache(cache, header + payload)

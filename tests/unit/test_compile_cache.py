"""The start-up cache of what importing PySide6 compiles (desktop/services/compile_cache.py).

Each test runs an "import" twice: the first run compiles and keeps, the second gets the same objects back with
Python's compilers made to fail if they were called. Bad files must cost only the time, never a wrong object.
"""

from __future__ import annotations

import builtins
import marshal
import os
import random
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from desktop.services.compile_cache import FORMAT, MARK, compiled_once
from desktop.services.trusted_cache import StartupCache
from tests.support.startup_cache import (
    PATTERN,
    SOURCE,
    answer,
    cache_in,
    load,
    run_import,
    same_pattern,
    store,
    workload,
)


@pytest.fixture
def compilers_that_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, Python's source compiler and re's pattern parser raise: a cached run must not reach them."""
    def no_compiling(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("compiled although the cache had it")

    monkeypatch.setattr(builtins, "compile", no_compiling)
    monkeypatch.setattr(sys.modules["re._parser"], "parse", no_compiling)


def test_a_second_run_gets_the_same_objects_without_compiling(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    reference_code, reference_pattern = compile(SOURCE, "support/module.py", "exec"), re.compile(
        PATTERN, re.VERBOSE | re.IGNORECASE)
    cache = cache_in(tmp_path)
    path = cache.file
    code, pattern, first = run_import(cache)
    assert first.compiled == 2 and first.not_kept is None and path.exists()
    assert code == reference_code
    request.getfixturevalue("compilers_that_fail")
    again, pattern_again, second = run_import(cache)
    assert second.compiled == 0
    assert again == reference_code
    same_pattern(pattern_again, reference_pattern)
    same_pattern(pattern, reference_pattern)
    module: dict[str, Any] = {}
    exec(again, module)  # noqa: S102 - the cached module runs as the compiled one does
    assert module["ANSWER"] == 42 and module["greet"]("you") == "hello you"


def test_compile_inherits_the_callers_future_features_as_the_builtin_does(tmp_path: Path) -> None:
    """This file has ``from __future__ import annotations``; a caller compiled without it must not get the flag."""
    plain_caller: dict[str, Any] = {}
    exec(compile("def call(source):\n    return compile(source, 'support/module.py', 'exec')\n", "caller.py",  # noqa: S102
                 "exec", dont_inherit=True), plain_caller)
    for _ in range(2):  # compiled, then from the file: both keep the two apart
        with compiled_once(cache_in(tmp_path)):
            from_here = compile(SOURCE, "support/module.py", "exec")
            from_plain = plain_caller["call"](SOURCE)
        assert from_here.co_flags & 0x1000000  # CO_FUTURE_ANNOTATIONS, from this file
        assert not from_plain.co_flags & 0x1000000
        assert from_plain == plain_caller["call"](SOURCE)  # as the real compile() gives that caller
        with pytest.raises(NameError, match="Undefined"):
            exec(from_plain, {})  # noqa: S102 - without the future feature the annotation is evaluated
        exec(from_here, {})  # noqa: S102


def test_what_is_not_an_import_of_source_passes_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Other modes, optimisation levels, AST output, debug patterns and other threads: compiled as usual."""
    import ast

    cache = cache_in(tmp_path)
    path = cache.file
    found: list[Any] = []
    nothing = compile("pass", "p", "exec").co_code
    re.purge()
    with compiled_once(cache) as recorder:
        assert eval(compile("6 * 7", "expr", "eval")) == 42  # noqa: S307
        assert compile("assert False", "opt", "exec", optimize=2).co_code == nothing
        assert isinstance(compile("x = 1", "tree", "exec", ast.PyCF_ONLY_AST), ast.Module)
        assert re.compile(r"debug(ged)?", re.DEBUG).match("debugged")
        thread = threading.Thread(target=lambda: found.append(compile("y = 2", "thread.py", "exec")))
        thread.start()
        thread.join()
    assert recorder.compiled == 0 and not path.exists()
    assert found[0].co_filename == "thread.py"
    assert "LITERAL" in capsys.readouterr().out  # re.DEBUG printed its parse: it was really compiled


def test_a_thread_with_no_python_below_can_compile(tmp_path: Path) -> None:
    import _thread
    import time

    # Only C between the thread's start and compile(): list.extend over map() (neither has a Python frame).
    # If compile() raised there, the thread would end with nothing added (and Python would print it).
    results: list[Any] = []
    with compiled_once(cache_in(tmp_path)):
        _thread.start_new_thread(results.extend, (map(builtins.compile, ["z = 3\n"], ["bare.py"], ["exec"]),))
        deadline = time.monotonic() + 10
        while not results and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(results) == 1 and results[0].co_filename == "bare.py"


def test_the_hooks_are_put_back_and_nothing_is_written_when_the_import_fails(tmp_path: Path) -> None:
    real_compile, real_pattern = builtins.compile, sys.modules["re._compiler"].compile
    cache = cache_in(tmp_path)
    path = cache.file
    with pytest.raises(ImportError), compiled_once(cache):
        workload()
        raise ImportError("no PySide6 here")
    assert builtins.compile is real_compile and sys.modules["re._compiler"].compile is real_pattern
    assert not path.exists()


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "a flipped byte", "another mark", "another Python",
                                    "wrong shape", "tampered pattern code", "another source"])
def test_a_bad_file_costs_the_time_only_and_is_written_anew(tmp_path: Path, damage: str) -> None:
    cache = cache_in(tmp_path)
    path = cache.file
    run_import(cache)
    data = path.read_bytes()
    header, entries = load(path)
    if damage == "random bytes":
        path.write_bytes(random.Random(12).randbytes(4096))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "a flipped byte":  # the constant 42 becomes 43: still unmarshals; the checksum catches it
        at = max(data.rfind(b"i*\x00\x00\x00"), data.rfind(b"\xe9*\x00\x00\x00")) + 1
        assert at > 0
        path.write_bytes(data[:at] + b"+" + data[at + 1:])
    elif damage == "another mark":  # another program's file, or another format of this one
        path.write_bytes(MARK[:-2].upper() + MARK[-2:] + data[len(MARK):])
    elif damage == "another Python":
        store(path, ("2.7.18", *header[1:]), entries)
    elif damage == "wrong shape":
        store(path, header, {}, payload=marshal.dumps([header, list(entries.items())]))
    elif damage == "tampered pattern code":
        key = next(k for k in entries if k[0].startswith("re:"))
        flags, code, *rest = entries[key]
        store(path, header, {**entries, key: (flags, [999] * len(code), *rest)})
    else:  # an entry for this file name, made from other source
        key = next(k for k in entries if k[0].startswith("code:"))
        store(path, header, {**entries, key: (b"ANSWER = 0\n", compile(b"ANSWER = 0\n", key[1], "exec"))})
    code, pattern, recorder = run_import(cache)
    assert recorder.compiled >= 1
    assert answer(code) == 42
    same_pattern(pattern, re.compile(PATTERN, re.VERBOSE | re.IGNORECASE))
    assert run_import(cache)[2].compiled == 0  # written anew, and good again


def test_a_file_marshal_fails_on_in_any_way_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A payload made to pass the header can still make marshal fail otherwise, e.g. asking for 16 GiB."""
    cache = cache_in(tmp_path)
    run_import(cache)

    def out_of_memory(_data: bytes) -> object:
        raise MemoryError

    monkeypatch.setattr(marshal, "loads", out_of_memory)
    assert run_import(cache)[2].compiled == 2
    monkeypatch.undo()
    assert run_import(cache)[2].compiled == 0


def test_the_file_keeps_only_what_this_start_used(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    path = cache.file
    run_import(cache)
    header, entries = load(path)
    entries[("code:bytes", "gone.py", 0)] = (b"x = 1\n", compile(b"x = 1\n", "gone.py", "exec"))
    store(path, header, entries)
    assert run_import(cache)[2].compiled == 0
    assert ("code:bytes", "gone.py", 0) not in load(path)[1]
    assert load(path)[0] == FORMAT


def test_a_folder_that_cannot_be_written_only_costs_the_time(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    code, pattern, recorder = run_import(StartupCache(file=tmp_path / "a-file" / "cache.bin", root=tmp_path))
    assert recorder.compiled == 2 and recorder.not_kept
    assert code == compile(SOURCE, "support/module.py", "exec")
    same_pattern(pattern, re.compile(PATTERN, re.VERBOSE | re.IGNORECASE))
    assert list(tmp_path.iterdir()) == [tmp_path / "a-file"]


def test_only_the_importing_thread_is_recorded(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    path = cache.file
    others: list[re.Pattern[str]] = []
    re.purge()
    with compiled_once(cache) as recorder:
        thread = threading.Thread(target=lambda: others.append(re.compile(r"other (thread)+")))
        thread.start()
        thread.join()
    assert others[0].match("other threadthread") and recorder.compiled == 0
    assert not path.exists()


def test_pysides_import_is_served_from_the_file_and_works_the_same(tmp_path: Path) -> None:
    """In fresh processes, as start-up does it: the first import keeps PySide6's support code (its embedded
    modules and its three long patterns), the second compiles none of it, and PySide6's signatures and error
    messages are those of a plain import."""
    code = ("import hashlib, logging, sys\n"
            "from pathlib import Path\n"
            "compiled = -1\n"
            "if sys.argv[1] == 'off':\n"
            "    from desktop.ui.pyside_imports import import_pyside\n"
            "    import_pyside(None)\n"
            "if sys.argv[1] == 'cached':\n"
            "    from desktop.services import compile_cache\n"
            "    from desktop.services.trusted_cache import StartupCache\n"
            "    cache = StartupCache(file=Path(sys.argv[2]), root=Path(sys.argv[2]).parent)\n"
            "    with compile_cache.compiled_once(cache) as recorder:\n"
            "        import PySide6\n"
            "    compiled = recorder.compiled\n"
            "from PySide6 import QtCore, QtWebEngineCore\n"
            "lines = [f'{c}.{m}: {getattr(getattr(getattr(mod, c), m), \"__signature__\", None)}'\n"
            "         for mod in (QtCore, QtWebEngineCore) for c in sorted(dir(mod))\n"
            "         if isinstance(getattr(mod, c), type) for m in sorted(vars(getattr(mod, c)))]\n"
            "try:\n"
            "    QtCore.QObject().setObjectName(5)\n"
            "except TypeError as exc:\n"
            "    lines.append(str(exc))\n"
            "print(compiled, len(lines), hashlib.sha256('\\n'.join(lines).encode()).hexdigest())\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    path = tmp_path / "pyside.bin"

    def run(*args: str) -> list[str]:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                              timeout=120, check=True).stdout.split()

    plain = run("plain")
    assert run("off")[1:] == plain[1:] and not path.exists()  # performance_tuning false: nothing kept
    first = run("cached", str(path))
    second = run("cached", str(path))
    assert int(first[0]) >= 17, first  # PySide6's embedded modules and patterns
    assert second[0] == "0", second
    assert int(plain[1]) > 5000 and first[1:] == plain[1:] and second[1:] == plain[1:]
    kept = load(path)[1]
    assert sum(key[0] == "re:str" and len(key[1]) > 5000 for key in kept) == 3  # the three long patterns
    assert any(key[0] == "code:bytes" and key[1].endswith("signature/parser.py") for key in kept)

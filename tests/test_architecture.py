"""The pure core and the services never import Qt; every module has a docstring and stays small."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "desktop"
PURE = [p for sub in ("core", "services") for p in sorted((PACKAGE / sub).glob("*.py"))]
ALL = sorted(PACKAGE.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_pure_layers_do_not_import_qt(path: Path) -> None:
    forbidden = {n for n in imported_modules(path) if n.split(".")[0] in {"PySide6", "shiboken6", "qasync"}
                 or n.startswith("desktop.ui")}
    assert not forbidden, f"{path.name} imports {sorted(forbidden)}"


def test_the_check_sees_pure_modules() -> None:
    assert len(PURE) >= 8  # guards against the glob silently matching nothing


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_have_docstrings_and_stay_small(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300


PHONE_SIDE = sorted((PACKAGE / "ui" / "phone").glob("*.py")) + sorted((PACKAGE / "ui" / "signin").glob("*.py"))


def test_the_ui_is_arranged_by_concern() -> None:
    flat = sorted(p.name for p in (PACKAGE / "ui").glob("*.py") if p.name != "__init__.py")
    assert flat == ["app.py", "binding_check.py", "controller.py", "pyside_imports.py", "versions.py"], flat
    assert len(PHONE_SIDE) >= 15


@pytest.mark.parametrize("path", PHONE_SIDE, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_phone_and_sign_in_never_import_the_window(path: Path) -> None:
    """The phone and sign-in work without the window, its menus or the tray: they ask the few things they
    need through desktop/ui/phone/shell.py, and whatever drives them (tray, hotkeys, another process) goes
    through the Phone. Type-only imports count too."""
    imports = imported_modules(path)
    assert not {n for n in imports if n.startswith(("desktop.ui.window", "desktop.ui.menus", "desktop.ui.system",
                                                    "desktop.ui.controller", "desktop.ui.app"))}, sorted(imports)


def test_the_command_link_is_qt_free() -> None:
    """``embeddable-desktop call mute`` must not pay for importing Qt (a hotkey must feel instant)."""
    for path in (PACKAGE / "cli" / "__init__.py", PACKAGE / "cli" / "remote.py", PACKAGE / "core" / "verbs.py",
                 PACKAGE / "services" / "instance_link.py",
                 PACKAGE / "services" / "private_socket.py", PACKAGE / "services" / "windows_pipe.py",
                 PACKAGE / "core" / "remote_commands.py", PACKAGE / "core" / "command_line.py"):
        qt = {n for n in imported_modules(path) if n.split(".")[0] in {"PySide6", "shiboken6", "qasync"}}
        assert not qt, f"{path.name} imports {sorted(qt)}"


def test_a_verb_module_is_loaded_only_when_its_verb_runs() -> None:
    """desktop.cli.run imports a verb's module by its name in the table, and nothing else imports one: so the app's
    own start loads no verb, and ``call mute`` loads only its own."""
    from desktop.cli import verb_modules

    verbs = set(verb_modules())
    assert verbs and all((PACKAGE.parent / (name.replace(".", "/") + ".py")).is_file() for name in verbs)
    for path in ALL:
        names = imported_modules(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:  # "from desktop.cli import config" too
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        assert not names & verbs, f"{path.relative_to(PACKAGE)} imports {sorted(names & verbs)}"


def test_every_package_is_installed() -> None:
    """setuptools installs only the packages pyproject.toml names: a new folder must be listed there too."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)


def test_nothing_slow_is_imported_before_the_widget_loads() -> None:
    """What start-up imports before ``load()`` (desktop.launch, desktop.ui.app and the controller with the whole
    window) leaves the diagnostics, httpx, asyncio, ssl and the keychain for later (issue 12: they cost start-up
    time and memory the phone may never need)."""
    import subprocess
    import sys

    later = ("httpx", "asyncio", "ssl", "keyring", "qasync", "desktop.diagnostics.report")
    code = ("import sys, desktop.launch, desktop.ui.app, desktop.ui.controller; "
            f"print(','.join(m for m in {later!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert loaded.stdout.strip() == "", f"imported before the load: {loaded.stdout.strip()}"


def test_classes_are_records_not_dataclasses() -> None:
    """desktop.core.records makes the app's dataclasses without compiling their methods (issue 12: about 1 ms a
    class at start-up on Python 3.11); a plain @dataclass would bring that back."""
    plain = []
    for path in ALL:
        if path.name == "records.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                    if name == "dataclass":
                        plain.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert not plain, plain


def test_start_up_compiles_no_dataclass_methods() -> None:
    """Importing what start-up imports before ``load()`` compiles no generated dataclass method: the check counts
    the source texts ``dataclasses`` hands to ``exec``, and it is seen to count (the control below)."""
    import subprocess
    import sys

    code = ("import builtins, sys; real = builtins.exec; n = []\n"
            "def counting(source, *a, **k):\n"
            "    if isinstance(source, str) and '__create_fn__' in source: n.append(1)\n"
            "    return real(source, *a, **k)\n"
            "builtins.exec = counting\n"
            "import desktop.launch, desktop.ui.app, desktop.ui.controller\n"
            "from dataclasses import dataclass\n"
            "before = len(n); dataclass(frozen=True)(type('Control', (), {'__annotations__': {'a': 'int'}}))\n"
            "print(before, len(n) - before)")
    counted = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    start_up, control = (int(n) for n in counted.stdout.split())
    assert control >= 5, "the check does not see dataclasses compile"
    assert start_up == 0, f"{start_up} dataclass methods compiled on the way to load()"


def test_no_import_circle_in_the_package() -> None:
    """No module reaches itself through imports, counting those inside functions and the type-only ones, as a
    reader follows them (issue 26): each layer and concern can be read on its own."""
    from tests.support.import_graph import circles, import_graph

    assert circles(import_graph()) == []


def test_the_circle_check_sees_every_kind_of_import() -> None:
    from tests.support.import_graph import circles, import_graph

    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}) == [["a", "b", "c"]]
    graph = import_graph()
    assert "desktop.launch" in graph["desktop.__main__"]  # inside a function
    assert "desktop.ui.menus.account" in graph["desktop.ui.window.phone_window"]  # under TYPE_CHECKING
    assert "desktop.services.private_socket" in graph["desktop.services.instance_link"]  # from package import module


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_the_core_imports_only_the_core(path: Path) -> None:
    """The bottom layer (docs/architecture.md): a core module uses other core modules and the package's names only,
    never the services, the diagnostics, the terminal tools or the shell above it."""
    above = {n for n in imported_modules(path) if n.startswith("desktop.") and not n.startswith("desktop.core")}
    assert not above, f"{path.name} imports {sorted(above)}"

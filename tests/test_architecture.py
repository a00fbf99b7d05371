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

"""Layering of the emulator, checked on its source: no import cycles, and none of the SDK's code.

The emulator must never use the SDK's request builders or parsers (a shared bug would agree with
itself); it may use the SDK's constants (`SDK_CONSTANTS`). Imports under ``if TYPE_CHECKING:`` do not
run and are not counted. Importing a submodule of another package counts as importing that package
too, since its ``__init__`` runs first.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

EMULATOR = Path(__file__).resolve().parents[2] / "src" / "skytells" / "emulator"
PACKAGE = "skytells.emulator"
#: The only SDK modules the emulator may import (constants, no behaviour).
SDK_CONSTANTS = ("skytells._version", "skytells.types")


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Every module under `root`, by dotted name (a package by its own name)."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules `name` imports when it runs (``from p import m`` is ``p.m`` when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            found.add(submodule if submodule in known else base)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Which modules of `package` each of its modules imports, outer packages' ``__init__`` included."""
    modules = modules_of(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = graph.setdefault(name, set())
        for target in imports_of(name, path, set(modules)) & set(modules):
            edges.add(target)
            parts = target.split(".")
            for end in range(len(package.split(".")) + 1, len(parts)):
                outer = ".".join(parts[:end])
                if name != outer and not name.startswith(outer + "."):
                    edges.add(outer)
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """An import cycle, each module importing the next (the first again at the end); None if none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(reversed(error.args[1]))
    return None


def sdk_imports(root: Path, package: str) -> list[str]:
    """``module -> import`` for every import of SDK code (anything of ``skytells`` but constants)."""
    modules = modules_of(root, package)
    found = []
    for name, path in modules.items():
        for target in sorted(imports_of(name, path, set(modules))):
            if target != "skytells" and not target.startswith("skytells."):
                continue
            if target == package or target.startswith(package + "."):
                continue
            if not any(target == allowed or target.startswith(allowed + ".") for allowed in SDK_CONSTANTS):
                found.append(f"{name} -> {target}")
    return found


def test_no_import_cycles_among_emulator_modules() -> None:
    graph = import_graph(EMULATOR, PACKAGE)
    assert len(graph) > 30
    cycle = cycle_in(graph)
    assert cycle is None, "import cycle: " + " imports ".join(cycle or [])


def test_the_emulator_imports_no_sdk_code() -> None:
    assert sdk_imports(EMULATOR, PACKAGE) == []


def test_the_checks_catch_a_cycle_and_an_sdk_import(tmp_path: Path) -> None:
    sources = {
        "__init__.py": "",
        "a.py": "from fake import b\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import fake.c\n",
        "c.py": "from . import a\n",
        "d/__init__.py": "from fake.d import e\n",
        "d/e.py": "from skytells._client import SkytellsClient\nimport skytells._version\n",
        "f.py": "import fake.d.e\n",
    }
    for name, text in sources.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path, "fake")
    assert graph["fake.b"] == set()  # the TYPE_CHECKING import does not count
    assert graph["fake.f"] == {"fake.d", "fake.d.e"}  # importing d.e runs d's __init__ first
    assert graph["fake.d"] == {"fake.d.e"}  # but not from inside d
    assert cycle_in(graph) is None
    (tmp_path / "b.py").write_text("import fake.c\n")
    assert set(cycle_in(import_graph(tmp_path, "fake")) or ()) == {"fake.a", "fake.b", "fake.c"}
    assert sdk_imports(tmp_path, "fake") == ["fake.d.e -> skytells._client"]

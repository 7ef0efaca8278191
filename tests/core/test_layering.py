"""The SDK's layers, checked from its source: each module imports only its own layer or lower ones,
``_core`` never touches httpx, the CLI uses public names only, and no runtime imports form a cycle.

Type-only imports (under ``if TYPE_CHECKING:``) are allowed upwards: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "skytells"

#: the layers, lowest first; a module may import from its own layer and the ones before it
LAYERS: list[tuple[str, ...]] = [
    ("skytells._version", "skytells._exceptions", "skytells.types"),
    ("skytells._core",),
    ("skytells._transport",),
    ("skytells._sync_driver", "skytells._async_driver", "skytells._telemetry"),
    ("skytells._prediction", "skytells._results", "skytells.webhooks"),
    ("skytells._base_client", "skytells._resources"),
    ("skytells._client", "skytells._async_client"),
    ("skytells",),
]
#: what the command line may import from the SDK: its public modules
CLI_MAY_IMPORT = ("skytells", "skytells.types", "skytells.webhooks", "skytells.emulator")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sdk_modules() -> dict[str, Path]:
    return {
        _module_name(p): p for p in PACKAGE.rglob("*.py") if "emulator" not in p.relative_to(PACKAGE).parts
    }


def _runtime_imports(path: Path, name: str) -> list[tuple[str, bool]]:
    """``(imported module, at module level)`` for every import that runs (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other, top)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.append((base, top))
                found.extend((f"{base}.{alias.name}", top) for alias in child.names)
            is_def = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            visit(child, top and not is_def)

    visit(tree, True)
    return found


def _layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    return None if best is None else best[0]


MODULES = _sdk_modules()


def _internal(imported: str) -> str | None:
    """The SDK module an import refers to (a name imported from a module maps to that module)."""
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported or None


def _in_cli(name: str) -> bool:
    return name == "skytells._cli" or name.startswith("skytells._cli.")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not _in_cli(n)))
def test_no_module_imports_a_higher_layer(name):
    own = _layer(name)
    assert own is not None, f"{name} is in no layer: add it to LAYERS"
    upward = {
        target
        for imported, _ in _runtime_imports(MODULES[name], name)
        if (target := _internal(imported)) is not None and (_layer(target) or 0) > own
    }
    assert not upward, f"{name} imports from a higher layer: {sorted(upward)}"


def test_the_core_never_imports_httpx():
    offenders = {
        name
        for name, path in MODULES.items()
        if name.startswith("skytells._core")
        for imported, _ in _runtime_imports(path, name)
        if imported.split(".")[0] in ("httpx", "httpcore", "asyncio")
    }
    assert not offenders


def test_the_cli_uses_public_names_only():
    offenders = {
        (name, imported)
        for name, path in MODULES.items()
        if _in_cli(name)
        for imported, _ in _runtime_imports(path, name)
        if (target := _internal(imported)) is not None and not (_in_cli(target) or target in CLI_MAY_IMPORT)
    }
    assert not offenders


def test_no_import_cycles():
    graph = {
        name: {
            target
            for imported, top in _runtime_imports(path, name)
            if top and (target := _internal(imported)) is not None and target != name
        }
        for name, path in MODULES.items()
    }
    # a package's __init__ importing its own submodules is how packages work, not a cycle
    for name, targets in graph.items():
        graph[name] = {t for t in targets if not (MODULES[name].name == "__init__.py" and t.startswith(name))}
    state: dict[str, int] = {}
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)


def test_the_layering_check_can_fail(tmp_path):
    """The checks above see a violation when there is one (guards against a silently empty scan)."""
    bad = tmp_path / "skytells" / "_core" / "_bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("import httpx\nfrom .._client import SkytellsClient\n", encoding="utf-8")
    imports = {i for i, _ in _runtime_imports(bad, "skytells._core._bad")}
    assert "httpx" in imports and "skytells._client.SkytellsClient" in imports
    client_layer = _layer(_internal("skytells._client.SkytellsClient") or "")
    assert client_layer == 6 > (_layer("skytells._core._bad") or 0)

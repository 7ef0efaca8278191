"""The SDK uses only the public API of httpx and httpcore: no ``httpx._x`` / ``httpcore._x`` module or
name, and none of the private attributes the async client once reached into."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import skytells

HTTP_MODULES = {"httpx", "httpcore"}
#: private attributes of httpx's client and transports and httpcore's pools
PRIVATE_ATTRIBUTES = {"_transport_for_url", "_pool", "_network_backend", "_mounts", "_connections"}
REFLECTION = {"getattr", "setattr", "hasattr", "delattr"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_module(dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[0] in HTTP_MODULES and any(_private(part) for part in parts[1:])


def private_http_names(source: str) -> list[str]:
    """Each use of a private httpx/httpcore name in `source`, as ``line: what``."""
    tree = ast.parse(source)
    aliases = set(HTTP_MODULES)  # names bound to httpx, httpcore or one of their modules
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update(a.asname or a.name for a in node.names if a.name.split(".")[0] in HTTP_MODULES)
    found: list[str] = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Import):
            what = next((a.name for a in node.names if _private_module(a.name)), None)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in HTTP_MODULES:
                private = [a.name for a in node.names if _private(a.name)]
                if _private_module(node.module) or private:
                    what = f"from {node.module} import {', '.join(a.name for a in node.names)}"
        elif isinstance(node, ast.Attribute):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if node.attr in PRIVATE_ATTRIBUTES:
                what = f".{node.attr}"
            elif _private(node.attr) and isinstance(root, ast.Name) and root.id in aliases:
                what = f"{root.id}...{node.attr}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFLECTION:
            name = node.args[1] if len(node.args) > 1 else None
            if isinstance(name, ast.Constant) and name.value in PRIVATE_ATTRIBUTES:
                what = f"{node.func.id}(..., {name.value!r})"
        if what is not None:
            found.append(f"{getattr(node, 'lineno', '?')}: {what}")
    return found


def test_the_sdk_uses_no_private_name_of_httpx_or_httpcore():
    root = Path(skytells.__file__).parent
    found = {
        str(path.relative_to(root)): names
        for path in sorted(root.rglob("*.py"))
        if (names := private_http_names(path.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize(
    "source",
    [
        "from httpcore._utils import is_socket_readable",
        "from httpcore._backends.auto import AutoBackend",
        "import httpx._utils",
        "from httpx import _config",
        "import httpx\nhttpx._utils.URLPattern('all://')",
        "import httpcore as hc\nhc._async.connection_pool",
        "client._transport_for_url(url)",
        "pool = transport._pool",
        "pool._network_backend = backend",
        "for m in client._mounts.values(): pass",
        "getattr(transport, '_pool', None)",
        "hasattr(pool, '_network_backend')",
    ],
)
def test_the_scan_finds_each_kind_of_private_use(source):
    assert private_http_names(source)


def test_the_scan_leaves_public_names_and_the_sdks_own_private_ones_alone():
    source = (
        "import httpx, httpcore\nfrom httpx import AsyncClient\nfrom ._proxies import EnvironmentProxies\n"
        "httpcore.AsyncConnectionPool(network_backend=b)\nself._transport.send(r)\nhttpx.__version__\n"
    )
    assert private_http_names(source) == []

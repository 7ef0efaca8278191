"""Layering of the SDK, checked on its source: the I/O-free core imports no HTTP library, driver,
namespace or client; namespaces import no client; result types import neither core nor namespaces.
Imports under ``if TYPE_CHECKING:`` do not run and are not counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.emulator.test_layering import imports_of, modules_of

SDK = Path(__file__).resolve().parents[2] / "src" / "skytells"
MODULES = {name: path for name, path in modules_of(SDK, "skytells").items() if ".emulator" not in name}

DRIVERS_AND_CLIENTS = (
    "httpx",
    "httpcore",
    "skytells._transport",
    "skytells._sync_driver",
    "skytells._async_driver",
    "skytells._client",
    "skytells._async_client",
    "skytells._base_client",
    "skytells._telemetry",
)
RULES = {
    "skytells._core": (*DRIVERS_AND_CLIENTS, "skytells._resources", "skytells._prediction"),
    "skytells._resources": (
        "httpx",
        "httpcore",
        "skytells._transport",
        "skytells._client",
        "skytells._async_client",
    ),
    "skytells.types": (*DRIVERS_AND_CLIENTS, "skytells._core", "skytells._resources"),
}


def forbidden_imports(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for name, path in MODULES.items():
        if name != layer and not name.startswith(layer + "."):
            continue
        for target in sorted(imports_of(name, path, set(MODULES))):
            if any(target == f or target.startswith(f + ".") for f in forbidden):
                found.append(f"{name} -> {target}")
    return found


@pytest.mark.parametrize("layer", sorted(RULES))
def test_no_layer_imports_up(layer: str) -> None:
    assert any(name.startswith(layer) for name in MODULES)
    assert forbidden_imports(layer, RULES[layer]) == []

"""Test an app that uses Skytells against the local emulator, one line per thing a test does.

The pytest plugin (``skytells.testing.pytest_plugin``, registered when ``skytells`` is installed)
gives the fixtures ``skytells_emulator``, ``skytells_client``, ``async_skytells_client`` and
``skytells_env``; see docs/testing-your-app.md.

>>> def test_a_failed_render_is_reported(skytells_emulator, skytells_client):
...     skytells_emulator.next("flux-pro").fails("GPU melted")
...     ...
...     skytells_emulator.assert_created(model="flux-pro", input_contains={"prompt": "a cat"})

Outside pytest, wrap any running emulator: ``EmulatorControl(EmulatorServer(...).start())``.
Names load on first use, so importing this package (as pytest does) costs next to nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._control import DEFAULT_API_KEY, EmulatorControl
    from ._faults import Fault, Faults
    from ._outcomes import NextPredictions
    from ._serving import serve_app
    from ._webhooks import WebhookLog

__all__ = [
    "DEFAULT_API_KEY",
    "EmulatorControl",
    "Fault",
    "Faults",
    "NextPredictions",
    "WebhookLog",
    "serve_app",
]

_WHERE = {
    "DEFAULT_API_KEY": "_control",
    "EmulatorControl": "_control",
    "Fault": "_faults",
    "Faults": "_faults",
    "NextPredictions": "_outcomes",
    "WebhookLog": "_webhooks",
    "serve_app": "_serving",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

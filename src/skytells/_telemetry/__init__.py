"""Tracing hooks the drivers call around each SDK call, event stream and HTTP attempt.

:class:`Telemetry` records nothing; :func:`telemetry_for` turns a client's ``telemetry=`` argument
into the hooks to use. OpenTelemetry is imported only when tracing is on (``telemetry=True``, a tracer
provider passed in, or, by default, once the application itself has imported OpenTelemetry and set a
tracer provider), so ``import skytells`` never loads it.

>>> telemetry = telemetry_for(None, "https://api.skytells.ai/v1")   # automatic
>>> op = telemetry.operation(flow)   # None unless a tracer provider is set
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .._core._errors import sdk_error
from ._hooks import OFF, Telemetry

if TYPE_CHECKING:
    from ._otel import Operation, OtelTelemetry

__all__ = ["OFF", "AutoTelemetry", "Telemetry", "telemetry_for"]


class AutoTelemetry(Telemetry):
    """Traces while the application has set an OpenTelemetry tracer provider (checked on each call,
    without importing OpenTelemetry: an application that set one has imported it already)."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._otel: OtelTelemetry | None = None

    def _active(self) -> OtelTelemetry | None:
        trace = sys.modules.get("opentelemetry.trace")
        if trace is None:
            return None
        provider = trace.get_tracer_provider()
        if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
            return None
        if self._otel is None:
            from ._otel import OtelTelemetry

            self._otel = OtelTelemetry(None, self._base_url)
        return self._otel

    def operation(self, flow: Any) -> Operation | None:
        otel = self._active()
        return None if otel is None else otel.operation(flow)

    def stream(self, machine: Any) -> Operation | None:
        otel = self._active()
        return None if otel is None else otel.stream(machine)


def telemetry_for(setting: Any, base_url: str) -> Telemetry:
    """The hooks for a client's ``telemetry=``: None (automatic), True (the global tracer provider,
    installed or not yet), False (off), or a ``TracerProvider`` of your own."""
    if setting is None:
        return AutoTelemetry(base_url)
    if setting is False:
        return OFF
    if setting is not True and not callable(getattr(setting, "get_tracer", None)):
        raise sdk_error(
            f"telemetry= takes None, True, False or a TracerProvider, not {type(setting).__name__}"
        )
    try:
        from ._otel import OtelTelemetry
    except ImportError:
        raise sdk_error(
            "telemetry=True needs OpenTelemetry: pip install 'skytells[otel]'",
            "The opentelemetry-api package is not installed.",
        ) from None
    return OtelTelemetry(None if setting is True else setting, base_url)

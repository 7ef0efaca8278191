"""The hooks the drivers call: :class:`Telemetry`, which traces nothing, and its subclasses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._otel import Operation

__all__ = ["OFF", "Telemetry"]


class Telemetry:
    """Tracing switched off: no operation, so the drivers take their untraced path."""

    def operation(self, flow: Any) -> Operation | None:
        """The span of one SDK call (a flow), or None when nothing is traced."""
        return None

    def stream(self, machine: Any) -> Operation | None:
        """The span of one event stream (all its connections), or None when nothing is traced."""
        return None


#: tracing switched off
OFF = Telemetry()

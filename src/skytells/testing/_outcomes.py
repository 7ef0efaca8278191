"""How the next predictions of a model end: ``emulator.next("flux-pro").fails("GPU melted")``.

Built on the emulator's test outcome rules (``POST /_emulator/outcomes``), tried in the order they
were added.
"""

from __future__ import annotations

from typing import Any

from ._admin import EmulatorLike


class NextPredictions:
    """The next ``times`` predictions of ``model`` (``"*"``: any model; ``times=None``: all of them).

    >>> emulator.next("flux-pro").fails("GPU melted")        # the next one fails with that message
    >>> emulator.next(times=None).succeeds_at_once()         # every one is succeeded in the create answer
    >>> emulator.next("mera", times=2).stays_pending()       # pending until cancelled
    """

    def __init__(self, server: EmulatorLike, model: str = "*", times: int | None = 1) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be a positive number, or None for every prediction")
        self._server = server
        self.model = model
        self.times = times

    def fails(self, message: str = "Prediction failed.") -> dict[str, Any]:
        """They go through their lifecycle and end ``failed``, with ``error`` set to ``message``."""
        return self._rule("fail", message)

    def stays_pending(self) -> dict[str, Any]:
        """They stay ``pending`` until cancelled (an ``await: true`` create is held up to the cap)."""
        return self._rule("pending")

    def succeeds_at_once(self) -> dict[str, Any]:
        """They are ``succeeded``, with their output files, in the create answer itself."""
        return self._rule("instant")

    def _rule(self, outcome: str, message: str | None = None) -> dict[str, Any]:
        rule: dict[str, Any] = {"model": self.model, "outcome": outcome, "count": self.times}
        if message is not None:
            rule["message"] = message
        added: dict[str, Any] = self._server.admin("POST", "/outcomes", rule)
        return added

    def __repr__(self) -> str:
        return f"NextPredictions(model={self.model!r}, times={self.times!r})"

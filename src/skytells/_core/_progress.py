"""What a progress callback is told: a prediction's state, moved forward by live events and polls.

Live events carry parts of a prediction (``status``, ``progress``, ``output``) and, last, the whole
of it. :class:`LiveState` merges each into the last known state and says whether the result is worth
reporting: it changed since the last report, it never moves backwards (a resumed or replayed stream
repeats old events), and a finished prediction is reported once, whole (not from the ``status``
event that precedes its outputs).

>>> live = LiveState({"id": "p1", "status": "pending"})
>>> live.report()["status"]
'pending'
>>> live.apply(StreamEvent("status", {"id": "p1", "status": "processing"}))
True
>>> live.state["status"], live.final
('processing', None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._sse import StreamEvent
from ._status import TERMINAL_STATUSES, status_of

#: how far along each status is: a state never moves to a lower rank
_RANK = {"pending": 0, "queued": 0, "starting": 1, "started": 2, "processing": 3}
_DONE_RANK = 4


#: events that carry a part of a prediction, even when their data names its id and status
PART_EVENTS = frozenset({"status", "progress", "output", "log", "logs"})


def whole_prediction(event: StreamEvent) -> dict[str, Any] | None:
    """The prediction an event carries whole (the stream's last event, a JSON answer), else None."""
    data = event.prediction
    if data is None or event.event in PART_EVENTS or set(data) <= {"id", "status"}:
        return None
    return data


def _rank(status: str) -> int | None:
    return _DONE_RANK if status in TERMINAL_STATUSES else _RANK.get(status)


def _forward(old: str, new: str) -> bool:
    """True unless ``new`` is a status that comes before ``old`` (unknown statuses are taken as they come)."""
    old_rank, new_rank = _rank(old), _rank(new)
    return old_rank is None or new_rank is None or new_rank >= old_rank


class LiveState:
    """The last known state of one prediction, and the last one reported."""

    def __init__(self, prediction: Mapping[str, Any]) -> None:
        #: the state as known now
        self.state: dict[str, Any] = dict(prediction)
        #: the finished prediction, whole, once known
        self.final: dict[str, Any] | None = None
        self._reported: dict[str, Any] | None = None

    def apply(self, event: StreamEvent) -> bool:
        """Merge one live event; True when the new state should be reported."""
        whole = whole_prediction(event)
        if whole is not None:
            return self.replace(whole)
        if not isinstance(event.data, Mapping):
            return False  # a log line
        data = event.data
        if data.get("id") not in (None, self.state.get("id")):
            return False
        state = dict(self.state)
        for key, value in data.items():
            if key == "id":
                continue
            if key == "status":
                if not isinstance(value, str) or not _forward(status_of(state), value):
                    continue
                state["status"] = value
            elif key == "progress":
                metrics = dict(state.get("metrics") or {})
                if isinstance(value, (int, float)) and value >= (metrics.get("progress") or 0):
                    metrics["progress"] = value
                    state["metrics"] = metrics
            else:
                state[key] = value
        self.state = state
        return self._worth_reporting(whole=False)

    def replace(self, prediction: Mapping[str, Any]) -> bool:
        """Take a whole prediction (the stream's last event, or a poll); True when it should be reported."""
        if not _forward(status_of(self.state), status_of(prediction)):
            return False
        self.state = dict(prediction)
        if status_of(prediction) in TERMINAL_STATUSES:
            self.final = self.state
        return self._worth_reporting(whole=True)

    def report(self) -> dict[str, Any]:
        """The state to hand to the callback (remembered as the last one reported)."""
        self._reported = self.state
        return dict(self.state)

    def _worth_reporting(self, *, whole: bool) -> bool:
        if not whole and status_of(self.state) in TERMINAL_STATUSES:
            return False  # the whole finished prediction follows: report that one, once
        return self.state != self._reported

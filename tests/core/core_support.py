"""Support of the I/O-free core tests: drive a flow by hand with scripted replies and a fake clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from skytells._core._config import resolve_config
from skytells._core._effects import Listen, Notify, Reply, Request, Sleep, StreamEnd
from skytells._core._send import Context

FAKE_KEY = "sk-test-core-0000000000000000"
BASE = "https://api.example.test/v1"


def json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"content-type": "application/json", **(headers or {})}, json.dumps(body).encode())


def prediction(status: str = "processing", pid: str = "p1", **extra: Any) -> dict[str, Any]:
    return {"id": pid, "status": status, "output": None, **extra}


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Script:
    """Answers requests from a list (a Reply, a Failure, or a callable of the Request), and listens
    from ``events`` (a StreamEvent, a StreamEnd, or None: the listen's time runs out); with no events
    left, a listened stream has ended (as on a server without live events)."""

    clock: FakeClock
    answers: list[Any]
    requests: list[Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    notified: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    listens: list[Listen] = field(default_factory=list)

    def run(self, flow: Any) -> Any:
        answer: Any = None
        while True:
            try:
                effect = flow.send(answer)
            except StopIteration as stop:
                return stop.value
            if isinstance(effect, Request):
                self.requests.append(effect)
                item = self.answers.pop(0)
                answer = item(effect) if callable(item) else item
            elif isinstance(effect, Sleep):
                self.sleeps.append(effect.seconds)
                self.clock.now += effect.seconds
                answer = None
            elif isinstance(effect, Notify):
                self.notified.append(effect.argument)
                answer = effect.callback(effect.argument)
            elif isinstance(effect, Listen):
                self.listens.append(effect)
                answer = self.events.pop(0) if self.events else StreamEnd()
                if answer is None and effect.seconds is not None:
                    self.clock.now += effect.seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_ctx(clock: FakeClock) -> Callable[..., Context]:
    def make(**config: Any) -> Context:
        keys = iter(f"key-{n}" for n in range(1000))
        cfg = resolve_config(config.pop("api_key", FAKE_KEY), base_url=BASE, environ={}, **config)
        return Context(cfg, clock=clock, new_key=lambda: next(keys))

    return make


@pytest.fixture
def script(clock: FakeClock) -> Callable[[Iterable[Any]], Script]:
    return lambda answers: Script(clock, list(answers))

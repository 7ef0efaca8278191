"""A prediction's steps are each due their duration after the step before was due: a step that runs
late (an event loop busy with a burst of creates) does not push back the steps after it, so the
prediction still ends its model's latency after its create. Driven on a loop whose clock the test
moves, so nothing here waits or depends on the machine's speed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import skytells.emulator.media  # noqa: F401  (loaded: a completing prediction plans its output at once)
from skytells.emulator.accounts import Accounts
from skytells.emulator.catalog import Catalog
from skytells.emulator.predictions.lifecycle import Engine, NewPrediction
from skytells.emulator.store import Store
from skytells.emulator.webhooks.dispatcher import WebhookDispatcher


class Timer:
    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self._when, self.callback, self.cancelled = when, callback, False

    def when(self) -> float:
        return self._when

    def cancel(self) -> None:
        self.cancelled = True


class ManualLoop:
    """The part of an event loop the engine's timers use, with a clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.timers: list[Timer] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(when, callback)
        self.timers.append(timer)
        return timer

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now + delay, callback)

    def fire_next(self, late_by: float) -> float:
        """Run the next timer `late_by` seconds after it was due; the time it was due."""
        timer = min((t for t in self.timers if not t.cancelled), key=Timer.when)
        self.timers.remove(timer)
        self.now = timer.when() + late_by
        timer.callback()
        return timer.when()


@pytest.fixture
def engine(tmp_path: Path) -> Any:
    store = Store(tmp_path)
    engine = Engine(
        store,
        Catalog.load(),
        Accounts(store, ()),
        WebhookDispatcher(allow_hosts=(), speed=1.0, store=store),
        speed=2.0,
    )
    engine._loop = ManualLoop()  # type: ignore[assignment]
    yield engine
    store.close()


@pytest.mark.parametrize("late_by", [0.0, 0.05, 0.4])
def test_steps_run_late_but_the_prediction_ends_its_latency_after_its_create(
    engine: Any, late_by: float
) -> None:
    loop: ManualLoop = engine.loop
    model = engine.catalog.get("gpt-5-mini")
    account = engine.accounts.get_or_create("sk-test-late-steps")
    created_at = loop.now
    stored = engine.create(
        NewPrediction(
            account, model, engine.catalog.validate(model, {"prompt": "x"}), None, False, "http://e"
        )
    )

    due = []
    while any(not timer.cancelled for timer in loop.timers):
        due.append(loop.fire_next(late_by))

    latency = model.latency
    assert len(due) >= 3  # queue, boot or start, the progress ticks
    assert due[-1] - created_at == pytest.approx((latency.queue_s + latency.boot_s + latency.run_s) / 2.0)
    assert engine.get(stored.id).status == "succeeded"


def test_a_new_speed_moves_the_rest_of_the_current_step(engine: Any) -> None:
    loop: ManualLoop = engine.loop
    model = engine.catalog.get("gpt-5-mini")
    account = engine.accounts.get_or_create("sk-test-speed-steps")
    engine.create(NewPrediction(account, model, {"prompt": "x"}, None, False, "http://e"))
    first = next(timer for timer in loop.timers if not timer.cancelled)
    remaining = first.when() - loop.now

    engine.set_speed(4.0)  # twice as fast as the engine's 2.0

    moved = next(timer for timer in loop.timers if not timer.cancelled)
    assert first.cancelled and moved.when() - loop.now == pytest.approx(remaining / 2)
    loop.fire_next(0.0)
    after = next(timer for timer in loop.timers if not timer.cancelled)
    assert after.when() >= moved.when()  # the next step counts from the moved one

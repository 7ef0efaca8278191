"""The live wait (``follow``) and the state it reports (``LiveState``), with scripted events and replies."""

from __future__ import annotations

import pytest

from skytells import NotFoundError, WaitTimeoutError
from skytells._core import _prediction_flows as flows
from skytells._core._effects import StreamEnd
from skytells._core._progress import LiveState
from skytells._core._sse import StreamEvent
from tests.core.core_support import json_reply, prediction


def status(value: str) -> StreamEvent:
    return StreamEvent("status", {"id": "p1", "status": value})


def progress(value: int) -> StreamEvent:
    return StreamEvent("progress", {"id": "p1", "progress": value})


DONE = StreamEvent(
    "done", prediction("succeeded", output=["https://x.test/o.webp"], metrics={"progress": 100})
)


def test_follow_reports_each_change_once_and_returns_the_whole_final_state(make_ctx, script):
    run = script([])
    run.events = [status("pending"), status("processing"), progress(40), progress(40), status("succeeded")]
    run.events += [StreamEvent("output", {"id": "p1", "output": ["u"]}), DONE]
    seen: list[dict] = []

    final = run.run(flows.follow(make_ctx(), prediction("pending"), on_progress=seen.append))

    assert final == DONE.data and run.requests == []
    assert [(p["status"], (p.get("metrics") or {}).get("progress")) for p in seen] == [
        ("pending", None),
        ("processing", None),
        ("processing", 40),
        ("succeeded", 100),
    ]


def test_replayed_events_never_move_the_state_back():
    live = LiveState(prediction("processing", metrics={"progress": 60}))
    live.report()
    assert not live.apply(status("pending")) and not live.apply(progress(20))
    assert live.state["status"] == "processing" and live.state["metrics"]["progress"] == 60
    assert live.apply(progress(80)) and live.report()["metrics"]["progress"] == 80


def test_a_finished_status_alone_is_held_until_the_whole_prediction(make_ctx, script):
    live = LiveState(prediction("processing"))
    live.report()
    assert not live.apply(status("succeeded")) and live.final is None
    assert live.apply(DONE) and live.final == DONE.data


def test_a_stream_that_ends_early_hands_over_to_polling_without_repeats(make_ctx, script):
    run = script([json_reply(200, prediction("processing")), json_reply(200, prediction("succeeded"))])
    run.events = [status("processing"), StreamEnd(NotFoundError("no stream", "NOT_FOUND", "", 404))]
    seen: list[dict] = []

    final = run.run(flows.follow(make_ctx(), prediction("pending"), on_progress=seen.append, interval_ms=100))

    assert final["status"] == "succeeded"
    assert [p["status"] for p in seen] == ["pending", "processing", "succeeded"], (
        "the poll of 'processing' is no news"
    )
    assert [r.method for r in run.requests] == ["GET", "GET"] and run.sleeps == [0.1]


def test_max_wait_ends_a_quiet_stream(make_ctx, script, clock):
    run = script([])
    run.events = [None]
    with pytest.raises(WaitTimeoutError):
        run.run(flows.follow(make_ctx(), prediction("pending"), max_wait_ms=2000))
    assert run.listens[0].seconds == pytest.approx(2.0)


def test_given_an_id_the_prediction_is_fetched_and_reported_first(make_ctx, script):
    run = script([json_reply(200, prediction("processing"))])
    run.events = [DONE]
    seen: list[dict] = []

    run.run(flows.follow(make_ctx(), "p1", on_progress=seen.append))

    assert [p["status"] for p in seen] == ["processing", "succeeded"] and len(run.requests) == 1


def test_run_follows_unless_asked_to_poll(make_ctx, script):
    run = script([json_reply(200, prediction("pending"))])
    run.events = [DONE]
    assert run.run(flows.run(make_ctx(), {"model": "m", "input": {}}, on_progress=lambda p: None))[
        "status"
    ] == ("succeeded")
    assert len(run.listens) == 1
    polled = script([json_reply(200, prediction("pending")), json_reply(200, prediction("succeeded"))])
    polled.run(flows.run(make_ctx(), {"model": "m", "input": {}}, on_progress=lambda p: None, live=False))
    assert polled.listens == [] and len(polled.requests) == 2

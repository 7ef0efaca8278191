"""stream_prediction() (the JSON form) and the live Server-Sent Events of a prediction."""

from __future__ import annotations

import httpx

IMAGE = "flux-pro"


def _event_prediction(event):
    prediction = getattr(event, "prediction", None)
    if prediction is None and isinstance(getattr(event, "data", None), dict) and "status" in event.data:
        prediction = event.data
    return prediction


def test_stream_prediction_returns_the_prediction_with_its_stream_url(sdk):
    created = sdk.resolve(
        sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}, "stream": True})
    )

    info = sdk.resolve(sdk.client.stream_prediction(created["id"]))

    assert info["id"] == created["id"]
    assert info["urls"]["stream"].startswith("http")
    assert info["urls"]["stream"].endswith(f"/predictions/{created['id']}/stream")


def test_stream_prediction_of_an_unknown_id_is_not_found(sdk):
    error = sdk.error(lambda: sdk.client.stream_prediction("00000000-0000-4000-8000-000000000000"))

    assert error.http_status == 404


def test_live_events_end_with_the_finished_prediction(sdk):
    created = sdk.resolve(
        sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}, "stream": True})
    )

    events = sdk.collect(sdk.client.stream_events(created["id"]))

    assert events, "the stream produced no events"
    final = _event_prediction(events[-1])
    assert final is not None, f"the last event carries no prediction: {events[-1]!r}"
    assert final["id"] == created["id"]
    assert final["status"] == "succeeded"
    assert final["output"]


def test_live_events_report_status_and_progress_while_running(sdk):
    sdk.speed(2000)
    created = sdk.resolve(
        sdk.client.predictions.create({"model": "mera", "input": {"prompt": "x"}, "stream": True})
    )

    events = sdk.collect(sdk.client.stream_events(created["id"]))

    names = [e.event for e in events]
    assert "status" in names
    assert "progress" in names or any((_event_prediction(e) or {}).get("metrics") for e in events)
    ids = [e.id for e in events if e.id is not None]
    assert len(ids) == len(set(ids)), "event ids repeat"


def test_live_events_of_a_cancelled_prediction_end_with_cancelled(sdk):
    sdk.outcome(IMAGE, "pending")
    created = sdk.resolve(
        sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}, "stream": True})
    )
    sdk.resolve(sdk.client.cancel_prediction(created["id"]))

    events = sdk.collect(sdk.client.stream_events(created["id"]))

    assert _event_prediction(events[-1])["status"] == "cancelled"


def test_live_events_of_a_pending_prediction_can_be_left_early(sdk):
    sdk.outcome(IMAGE, "pending")
    created = sdk.resolve(sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))

    first = sdk.collect(sdk.client.stream_events(created["id"]), limit=1)

    assert len(first) == 1
    after = sdk.resolve(sdk.client.models.list())
    assert after, "the client still works after leaving a stream early"


def test_live_events_resume_after_the_last_event_id(sdk):
    created = sdk.resolve(sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))
    everything = sdk.collect(sdk.client.stream_events(created["id"]))
    assert len(everything) >= 3
    resume_from = everything[1].id

    rest = sdk.collect(sdk.client.stream_events(created["id"], last_event_id=resume_from))

    assert [e.id for e in rest] == [e.id for e in everything[2:]]
    assert rest[-1].prediction["status"] == "succeeded"


def test_live_events_survive_a_dropped_connection(sdk):
    created = sdk.resolve(sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))
    sdk.fault(method="GET", route="/v1/predictions/*/stream", action="drop", first=1)

    events = sdk.collect(sdk.client.stream_events(created["id"]))

    assert events[-1].prediction["status"] == "succeeded"
    ids = [e.id for e in events if e.id is not None]
    assert len(ids) == len(set(ids))


def test_live_events_from_a_server_without_sse_give_one_final_event(sdk):
    """A server that answers the stream route with plain JSON still ends the iteration with the prediction."""
    prediction = {"id": "p1", "status": "succeeded", "output": ["https://x/1.png"]}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=prediction)

    client = sdk.mock_client(handler)

    events = sdk.collect(client.stream_events("p1"))

    assert len(events) == 1
    assert events[0].prediction == prediction


def test_live_events_of_an_unknown_prediction_raise_not_found(sdk):
    error = sdk.error(lambda: sdk.collect(sdk.client.stream_events("00000000-0000-4000-8000-000000000000")))

    assert error.http_status == 404
    assert error.error_id == "PREDICTION_NOT_FOUND"

"""A prediction's live events when the emulator spoils its event stream: a cut or stalled stream is
resumed from ``Last-Event-ID`` with nothing lost or repeated; a malformed event is a clear error."""

from __future__ import annotations

import pytest

from skytells import RetryOptions, SkytellsError

VIDEO = "mera"  # runs long enough to stream several events at test speed
STREAM_ROUTE = "/v1/predictions/*/stream"


def _prediction(sdk, client):
    return sdk.resolve(client.predictions.create(model=VIDEO, input={"prompt": "A slow pan"}))


def _ids(events):
    return [int(e.id) for e in events if e.id is not None and e.id.isdigit()]


def test_a_cut_prediction_stream_resumes_from_the_last_event_id(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, action="stream_cut", after_events=2, first=1)
    client, recorder = sdk.recording_client()
    prediction = _prediction(sdk, client)

    events = sdk.collect(client.stream_events(prediction.id))

    opened = recorder.matching("GET", "/stream")
    assert len(opened) == 2, "one reconnect after the cut"
    assert opened[1].headers.get("last-event-id") == events[1].id
    assert _ids(events) == sorted(set(_ids(events))), "no event lost or repeated"
    assert events[-1].prediction.status == "succeeded"


def test_a_stalled_prediction_stream_resumes_after_the_read_timeout(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, action="stream_stall", after_events=1, stall_ms=3000, first=1)
    client, recorder = sdk.recording_client(timeout=500, retry=RetryOptions(retries=0))
    prediction = _prediction(sdk, client)

    events = sdk.collect(client.stream_events(prediction.id))

    assert len(recorder.matching("GET", "/stream")) == 2
    assert _ids(events) == sorted(set(_ids(events)))
    assert events[-1].prediction.status == "succeeded"


def test_a_malformed_prediction_event_is_a_clear_error(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, action="stream_malformed", after_events=1, first=1)
    client = sdk.make_client()
    prediction = _prediction(sdk, client)

    with pytest.raises(SkytellsError) as caught:
        sdk.collect(client.stream_events(prediction.id))

    assert caught.value.error_id == "INVALID_JSON"
    assert "malformed" in caught.value.message

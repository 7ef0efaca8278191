"""run() and wait() with a progress callback follow the prediction's live events: every state once, in
order, the finished prediction returned as soon as the stream says so (no polls), and polling where
the server has no live events, when the stream breaks for good, or when asked (``live=False``)."""

from __future__ import annotations

import threading

import httpx
import pytest

from skytells import RetryOptions, WaitOptions

VIDEO = "mera"  # runs long enough at test speed to send several events
STREAM_ROUTE = "/v1/predictions/*/stream"
RANK = {
    "pending": 0,
    "starting": 1,
    "started": 2,
    "processing": 3,
    "succeeded": 4,
    "failed": 4,
    "cancelled": 4,
}


def _polls(recorder):
    """GET /predictions/{id} requests (the event stream's own requests are not polls)."""
    return [
        r for r in recorder.matching("GET", "/predictions/") if not r.url.split("?")[0].endswith("/stream")
    ]


def _streams(recorder):
    return recorder.matching("GET", "/stream")


def _key(state):
    return (state["status"], (state.get("metrics") or {}).get("progress"), state.get("output") is not None)


def assert_reported_in_order_once(states):
    """Each state reported once; statuses and progress never go back; the finished one last, whole."""
    keys = [_key(s) for s in states]
    assert len(states) == len({repr(dict(s)) for s in states}), f"a state was reported twice: {keys}"
    ranks = [RANK[s["status"]] for s in states]
    assert ranks == sorted(ranks), keys
    progress = [p for _, p, _ in keys if isinstance(p, (int, float))]
    assert progress == sorted(progress), keys
    assert states[-1]["status"] == "succeeded" and states[-1]["output"], keys
    assert all(RANK[s["status"]] < 4 for s in states[:-1]), "a finished state was reported before the last"


def _run(sdk, client, **kwargs):
    states = []
    prediction = sdk.resolve(
        client.run(VIDEO, input={"prompt": "A slow pan"}, on_progress=states.append, **kwargs)
    )
    return prediction, states


def test_run_with_progress_follows_the_live_events_and_never_polls(sdk):
    sdk.speed(400)
    client, recorder = sdk.recording_client()

    prediction, states = _run(sdk, client)

    assert prediction.status == "succeeded" and prediction.outputs()
    assert_reported_in_order_once(states)
    assert [s["status"] for s in states][:1] == ["pending"]
    assert any((s.get("metrics") or {}).get("progress") for s in states[:-1]), "no progress was reported"
    assert dict(states[-1]) == dict(prediction)
    assert len(_streams(recorder)) == 1
    assert _polls(recorder) == [], "the stream said when it ended: no GET polls"
    assert type(states[0]) is type(prediction), "the callback gets bound prediction objects"


@pytest.mark.parametrize("start", ["prediction", "id"])
def test_wait_with_progress_follows_the_live_events(sdk, start):
    sdk.speed(400)
    client, recorder = sdk.recording_client()
    created = sdk.resolve(client.predictions.create(model=VIDEO, input={"prompt": "Waves"}))
    states = []

    final = sdk.resolve(
        client.wait(created if start == "prediction" else created.id, on_progress=states.append)
    )

    assert final.status == "succeeded"
    assert_reported_in_order_once(states)
    assert len(_polls(recorder)) == (1 if start == "id" else 0), "an id alone is fetched once, then followed"


def test_a_server_that_answers_the_stream_route_with_an_error_is_polled(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, status=404, error_id="NOT_FOUND")
    client, recorder = sdk.recording_client()

    prediction, states = _run(sdk, client, interval=20)

    assert prediction.status == "succeeded"
    assert_reported_in_order_once(states)
    assert len(_streams(recorder)) == 1 and _polls(recorder), "one try of the stream, then polling"


def test_a_server_that_answers_the_stream_route_with_json_is_polled(sdk):
    """A server without live events answers the stream route with the prediction as JSON."""
    sdk.speed(400)

    polled = []

    def plain_json(request: httpx.Request) -> None:
        if request.url.path.endswith("/stream"):
            request.headers["accept"] = "application/json"
        elif request.method == "GET":
            polled.append(request.url.path)

    hooks = [plain_json] if not sdk.is_async else [_async(plain_json)]
    client = sdk.make_client(http_client=sdk.http_client(event_hooks={"request": hooks}))

    prediction, states = _run(sdk, client, interval=20)

    assert prediction.status == "succeeded"
    assert_reported_in_order_once(states)
    assert polled, "the plain JSON answer hands over to polling"


def _async(hook):
    async def run(request):
        hook(request)

    return run


def test_live_false_polls(sdk):
    sdk.speed(400)
    client, recorder = sdk.recording_client()

    prediction, states = _run(sdk, client, interval=20, live=False)

    assert prediction.status == "succeeded" and states[-1]["status"] == "succeeded"
    assert _streams(recorder) == [] and _polls(recorder)


def test_wait_options_can_ask_for_polling(sdk):
    sdk.speed(400)
    client, recorder = sdk.recording_client()
    created = sdk.resolve(client.predictions.create(model=VIDEO, input={"prompt": "Waves"}))

    final = sdk.resolve(
        client.wait(created, WaitOptions(interval=20, live=False), on_progress=lambda p: None)
    )

    assert final.status == "succeeded" and _streams(recorder) == [] and _polls(recorder)


def test_a_cut_stream_resumes_from_the_last_event_id_with_nothing_reported_twice(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, action="stream_cut", after_events=3, first=1)
    client, recorder = sdk.recording_client()

    prediction, states = _run(sdk, client)

    assert prediction.status == "succeeded"
    assert_reported_in_order_once(states)
    opened = _streams(recorder)
    assert len(opened) == 2 and opened[1].headers.get("last-event-id") == "3"
    assert _polls(recorder) == []


def test_a_stalled_stream_resumes_after_the_client_timeout(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, action="stream_stall", after_events=2, stall_ms=3000, first=1)
    client, recorder = sdk.recording_client(timeout=500, retry=RetryOptions(retries=0))

    prediction, states = _run(sdk, client)

    assert prediction.status == "succeeded"
    assert_reported_in_order_once(states)
    assert len(_streams(recorder)) == 2 and _polls(recorder) == []


def test_a_stream_that_stays_broken_hands_over_to_polling_from_the_same_state(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, action="stream_cut", after_events=2)
    client, recorder = sdk.recording_client()

    prediction, states = _run(sdk, client, interval=20)

    assert prediction.status == "succeeded"
    assert_reported_in_order_once(states)
    assert len(_streams(recorder)) == 4, "the first stream and its three reconnects"
    assert _polls(recorder)


def test_a_malformed_event_hands_over_to_polling(sdk):
    sdk.speed(400)
    sdk.fault(method="GET", route=STREAM_ROUTE, action="stream_malformed", after_events=2, first=1)
    client, recorder = sdk.recording_client()

    prediction, states = _run(sdk, client, interval=20)

    assert prediction.status == "succeeded"
    assert_reported_in_order_once(states)
    assert _polls(recorder)


def test_max_wait_applies_while_following_the_stream(sdk):
    sdk.outcome(VIDEO, "pending")
    client, recorder = sdk.recording_client()

    error = sdk.error(
        lambda: client.run(VIDEO, input={"prompt": "x"}, on_progress=lambda p: None, max_wait=300)
    )

    assert error.error_id == "WAIT_TIMEOUT" and error.prediction["status"] == "pending"
    assert len(_streams(recorder)) == 1 and _polls(recorder) == []


def test_the_abort_signal_applies_while_following_the_stream(sdk):
    sdk.outcome(VIDEO, "pending")
    client, recorder = sdk.recording_client()
    signal = sdk.new_signal()
    if sdk.is_async:
        sdk.loop.call_later(0.3, signal.set)
    else:
        threading.Timer(0.3, signal.set).start()

    error = sdk.error(
        lambda: client.run(VIDEO, input={"prompt": "x"}, on_progress=lambda p: None, signal=signal)
    )

    assert error.error_id == "ABORTED"
    assert len(_streams(recorder)) == 1 and _polls(recorder) == []


def test_an_async_callback_is_awaited_for_each_live_state(sdk):
    if not sdk.is_async:
        pytest.skip("awaitable callbacks are the async client's")
    sdk.speed(400)
    states = []

    async def on_progress(prediction):
        states.append(prediction)

    sdk.resolve(sdk.client.run(VIDEO, input={"prompt": "x"}, on_progress=on_progress))

    assert_reported_in_order_once(states)


def test_many_concurrent_live_waits_spread_over_the_async_connection_pools(sdk, sleeps):
    """Each open event stream holds a connection: 24 at once must spread over the client's pools of 8
    connections rather than queue for one (whose openings would time out and hand over to polling,
    whose waits ``sleeps`` records)."""
    if not sdk.is_async:
        pytest.skip("the async client's connection shards")
    sdk.outcome(VIDEO, "pending")  # every stream stays open until max_wait
    client = sdk.make_client(max_connections=64, timeout=500)

    async def many():
        import asyncio

        runs = (
            client.run(VIDEO, input={"prompt": f"many {i}"}, on_progress=lambda p: None, max_wait=3000)
            for i in range(24)
        )
        return await asyncio.gather(*runs, return_exceptions=True)

    results = sdk.run_async(many())

    assert {getattr(r, "error_id", r) for r in results} == {"WAIT_TIMEOUT"}
    assert sleeps.delays == [], "no live wait fell back to polling"

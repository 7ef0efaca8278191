"""The flows, driven by hand: requests built, retries, polling schedules, run() paths."""

from __future__ import annotations

import json
import threading

import pytest

from skytells import (
    AbortedError,
    DispatchError,
    PredictionFailedError,
    RateLimitError,
    ServerError,
    SkytellsError,
    WaitTimeoutError,
)
from skytells._core import _model_flows as model_flows
from skytells._core import _prediction_flows as flows
from skytells._core._effects import Failure
from skytells.types import PredictionSdkOptions, RetryOptions
from tests.core.core_support import json_reply, prediction


def body_of(request):
    return json.loads(request.content)


# ---- create -------------------------------------------------------------------------------------


def test_create_posts_the_body_with_an_idempotency_key(make_ctx, script):
    run = script([json_reply(200, prediction("pending"))])
    result = run.run(
        flows.create(make_ctx(), {"model": "flux-pro", "input": {"prompt": "x"}}, default_await=False)
    )
    (request,) = run.requests
    assert (request.method, request.url) == ("POST", "/predictions")
    assert body_of(request) == {"model": "flux-pro", "input": {"prompt": "x"}, "await": False}
    assert request.headers["Idempotency-Key"] == "key-0"
    assert result["status"] == "pending"


def test_a_retried_create_sends_the_same_idempotency_key(make_ctx, script):
    ctx = make_ctx(retry=RetryOptions(retries=2, retry_delay=100))
    run = script(
        [
            json_reply(503, {"error": {"error_id": "INFRASTRUCTURE_ERROR", "message": "busy"}}),
            Failure("network", "connection reset"),
            json_reply(200, prediction("pending")),
        ]
    )
    run.run(flows.create(ctx, {"model": "m", "input": {}}))
    keys = {r.headers["Idempotency-Key"] for r in run.requests}
    assert len(run.requests) == 3 and keys == {"key-0"}
    assert run.sleeps == [0.1, 0.2]  # linear: retry_delay * n


def test_two_creates_get_two_keys(make_ctx, script):
    ctx = make_ctx()
    run = script([json_reply(200, prediction("pending")), json_reply(200, prediction("pending", "p2"))])
    run.run(flows.create(ctx, {"model": "m", "input": {}}))
    run.run(flows.create(ctx, {"model": "m", "input": {}}))
    assert [r.headers["Idempotency-Key"] for r in run.requests] == ["key-0", "key-1"]


def test_predict_omits_await_unless_asked(make_ctx, script):
    run = script([json_reply(200, prediction("pending"))])
    run.run(flows.create(make_ctx(), {"model": "m", "input": {}}))
    assert "await" not in body_of(run.requests[0])


def test_unserialisable_input_is_an_sdk_error_before_any_request(make_ctx, script):
    run = script([])
    with pytest.raises(SkytellsError) as info:
        run.run(flows.create(make_ctx(), {"model": "m", "input": {"x": object()}}))
    assert info.value.error_id == "SDK_ERROR" and run.requests == []


def test_auto_await_awaits_image_models_only(make_ctx, script):
    ctx = make_ctx()
    sdk = PredictionSdkOptions(compatibility_check=True, auto_await=True)
    run = script(
        [
            json_reply(200, {"namespace": "flux-pro", "type": "image"}),
            json_reply(200, prediction("succeeded")),
            json_reply(200, {"namespace": "mera", "type": "video"}),
            json_reply(200, prediction("pending")),
            json_reply(200, prediction("succeeded")),  # flux-pro again: model cached, no GET
        ]
    )
    run.run(flows.create(ctx, {"model": "flux-pro", "input": {}}, sdk, default_await=False))
    run.run(flows.create(ctx, {"model": "mera", "input": {}}, sdk, default_await=False))
    run.run(flows.create(ctx, {"model": "flux-pro", "input": {}}, sdk, default_await=False))
    posts = [r for r in run.requests if r.method == "POST"]
    assert [body_of(p)["await"] for p in posts] == [True, False, True]
    assert [r.url for r in run.requests if r.method == "GET"] == ["/models/flux-pro", "/models/mera"]


def test_explicit_await_wins_over_auto_await(make_ctx, script):
    run = script([json_reply(200, {"type": "image"}), json_reply(200, prediction("pending"))])
    sdk = PredictionSdkOptions(compatibility_check=True, auto_await=True)
    run.run(flows.create(make_ctx(), {"model": "m", "input": {}, "await": False}, sdk))
    assert body_of(run.requests[1])["await"] is False
    assert "compatibility_check" not in body_of(run.requests[1])


def test_compatibility_check_rejects_chat_models(make_ctx, script):
    run = script([json_reply(200, {"type": "text", "metadata": {"openai_compatible": True}})])
    with pytest.raises(SkytellsError) as info:
        run.run(flows.create(make_ctx(), {"model": "gpt-5", "input": {}}, PredictionSdkOptions(True)))
    assert info.value.error_id == "SDK_ERROR" and len(run.requests) == 1


# ---- retries ------------------------------------------------------------------------------------


def test_retry_after_replaces_the_linear_delay(make_ctx, script):
    ctx = make_ctx(retry={"retries": 3, "retry_delay": 1000})
    limited = json_reply(
        429, {"error": {"error_id": "RATE_LIMIT_EXCEEDED", "message": "slow"}}, {"retry-after": "7"}
    )
    run = script([limited, json_reply(500, {"error": {"error_id": "INTERNAL_ERROR"}}), json_reply(200, [])])
    run.run(model_flows.list_models(ctx))
    assert run.sleeps == [7.0, 2.0]


def test_no_retries_by_default(make_ctx, script):
    run = script([json_reply(503, {"error": {"error_id": "INFRASTRUCTURE_ERROR", "message": "down"}})])
    with pytest.raises(ServerError) as info:
        run.run(model_flows.list_models(make_ctx()))
    assert info.value.http_status == 503 and run.sleeps == []


def test_statuses_outside_retry_on_are_not_retried(make_ctx, script):
    ctx = make_ctx(retry={"retries": 3, "retry_on": [503]})
    run = script([json_reply(500, {"error": {"error_id": "INTERNAL_ERROR", "message": "x"}})])
    with pytest.raises(ServerError):
        run.run(model_flows.list_models(ctx))
    assert len(run.requests) == 1


def test_the_last_error_is_raised_when_retries_run_out(make_ctx, script):
    ctx = make_ctx(retry={"retries": 1, "retry_delay": 10})
    limited = json_reply(
        429, {"error": {"error_id": "RATE_LIMIT_EXCEEDED", "message": "slow"}}, {"retry-after": "2"}
    )
    run = script([limited, limited])
    with pytest.raises(RateLimitError) as info:
        run.run(model_flows.list_models(ctx))
    assert info.value.retry_after == 2.0 and len(run.requests) == 2


def test_timeouts_are_not_retried_unless_408_is_listed(make_ctx, script):
    run = script([Failure("timeout", "read timeout", 1.5)])
    with pytest.raises(SkytellsError) as info:
        run.run(model_flows.list_models(make_ctx(retry={"retries": 2})))
    assert (info.value.error_id, info.value.http_status) == ("REQUEST_TIMEOUT", 408)
    assert "1500ms" in info.value.message
    run = script([Failure("timeout", "read timeout", 1.5), json_reply(200, [])])
    run.run(model_flows.list_models(make_ctx(retry={"retries": 2, "retry_on": [408]})))
    assert len(run.requests) == 2


# ---- waiting ------------------------------------------------------------------------------------


def test_wait_returns_a_terminal_prediction_without_any_request(make_ctx, script):
    run = script([])
    done = prediction("succeeded", output="u")
    assert run.run(flows.wait(make_ctx(), done)) == done and run.requests == []


def test_wait_polls_at_once_then_every_interval(make_ctx, script):
    answers = [json_reply(200, prediction(s)) for s in ("processing", "processing", "succeeded")]
    run = script(answers)
    seen = []
    result = run.run(flows.wait(make_ctx(), prediction("pending"), interval_ms=3000, on_progress=seen.append))
    assert result["status"] == "succeeded"
    assert run.sleeps == [3.0, 3.0]
    assert [p["status"] for p in seen] == ["processing", "processing", "succeeded"]
    assert all(r.url == "/predictions/p1" for r in run.requests)


def test_wait_follows_urls_get_on_its_own_origin_only(make_ctx, script):
    own = "https://api.example.test/v1/predictions/p1?via=urls"
    run = script(
        [
            json_reply(200, prediction("processing", urls={"get": "https://elsewhere.test/p1"})),
            json_reply(200, prediction("succeeded")),
        ]
    )
    run.run(flows.wait(make_ctx(), prediction("pending", urls={"get": own}), interval_ms=1))
    assert [r.url for r in run.requests] == [own, "/predictions/p1"]


def test_wait_times_out_with_the_last_state(make_ctx, script):
    run = script([json_reply(200, prediction("processing"))] * 10)
    with pytest.raises(WaitTimeoutError) as info:
        run.run(flows.wait(make_ctx(), "p1", interval_ms=4000, max_wait_ms=10_000))
    error = info.value
    assert (error.error_id, error.http_status) == ("WAIT_TIMEOUT", 408)
    assert run.sleeps == [4.0, 4.0, 2.0]  # min(interval, remaining)
    assert error.prediction["status"] == "processing" and "10000ms" in error.message


def test_wait_aborts_when_the_signal_is_set(make_ctx, script):
    signal = threading.Event()

    def answer(_request):
        signal.set()
        return json_reply(200, prediction("processing"))

    run = script([answer])
    with pytest.raises(AbortedError) as info:
        run.run(flows.wait(make_ctx(), "p1", interval_ms=10, signal=signal))
    assert info.value.error_id == "ABORTED" and len(run.requests) == 1


def test_an_abort_cuts_a_retry_wait_short(make_ctx, script):
    """A signal set while a poll is being retried ends the wait instead of sitting out Retry-After."""
    signal = threading.Event()

    def busy(_request):
        signal.set()
        busy_body = {"error": {"error_id": "INFRASTRUCTURE_ERROR", "message": "busy"}}
        return json_reply(503, busy_body, {"retry-after": "300"})

    run = script([busy])
    ctx = make_ctx(retry=RetryOptions(retries=3, retry_delay=100))
    with pytest.raises(AbortedError):
        run.run(flows.wait(ctx, "p1", interval_ms=10, signal=signal))
    assert len(run.requests) == 1


def test_wait_needs_an_id(make_ctx, script):
    with pytest.raises(SkytellsError) as info:
        script([]).run(flows.wait(make_ctx(), {"status": "pending"}))
    assert info.value.error_id == "SDK_ERROR"


# ---- run ----------------------------------------------------------------------------------------


def test_run_is_one_awaited_create_when_the_answer_is_terminal(make_ctx, script):
    run = script([json_reply(200, prediction("succeeded", output=["u"]))])
    result = run.run(flows.run(make_ctx(timeout=30_000), {"model": "flux-pro", "input": {"prompt": "x"}}))
    assert body_of(run.requests[0])["await"] is True and len(run.requests) == 1
    assert run.requests[0].timeout == 30 + flows.AWAIT_GRACE_S  # the server's own hold limit answers first
    assert result["output"] == ["u"]


def test_run_keeps_polling_when_the_server_ignores_await(make_ctx, script):
    answers = [json_reply(200, prediction(s)) for s in ("pending", "processing", "processing", "succeeded")]
    run = script(answers)
    result = run.run(flows.run(make_ctx(), {"model": "mera", "input": {}}))
    assert result["status"] == "succeeded" and len(run.requests) == 4
    assert run.sleeps == [0.2, 0.4]  # quick first polls when no interval is given


def test_run_with_progress_creates_then_reports_every_state(make_ctx, script):
    answers = [json_reply(200, prediction(s)) for s in ("pending", "processing", "succeeded")]
    run = script(answers)
    seen = []
    flow = flows.run(
        make_ctx(), {"model": "m", "input": {}}, on_progress=seen.append, interval_ms=5000, live=False
    )
    run.run(flow)
    assert body_of(run.requests[0])["await"] is False
    assert [p["status"] for p in seen] == ["processing", "succeeded"]
    assert run.sleeps == [5.0]


def test_run_with_progress_reports_a_prediction_finished_at_once(make_ctx, script):
    run = script([json_reply(200, prediction("succeeded"))])
    seen = []
    run.run(flows.run(make_ctx(), {"model": "m", "input": {}}, on_progress=seen.append))
    assert [p["status"] for p in seen] == ["succeeded"] and len(run.requests) == 1


def test_a_failed_prediction_raises_with_the_prediction(make_ctx, script):
    failed = prediction("failed", error="NSFW content detected")
    run = script([json_reply(200, failed)])
    with pytest.raises(PredictionFailedError) as info:
        run.run(flows.run(make_ctx(), {"model": "m", "input": {}}))
    assert info.value.error_id == "PREDICTION_FAILED"
    assert info.value.prediction == failed and info.value.message == "NSFW content detected"


def test_run_max_wait_counts_from_the_start(make_ctx, script, clock):
    def slow_create(_request):
        clock.now += 8
        return json_reply(200, prediction("pending"))

    run = script(
        [slow_create, json_reply(200, prediction("processing"))]
        + [json_reply(200, prediction("processing"))] * 5
    )
    with pytest.raises(WaitTimeoutError):
        run.run(flows.run(make_ctx(), {"model": "m", "input": {}}, max_wait_ms=10_000, interval_ms=1000))
    assert sum(run.sleeps) <= 2.0 + 1e-9


# ---- lists, dispatch, downloads -----------------------------------------------------------------


def test_list_params_use_the_wire_names():
    params = flows.list_params(page=2, since="2026-01-01", until="2026-03-16", model="flux-pro")
    assert params == {"page": "2", "from": "2026-01-01", "to": "2026-03-16", "model": "flux-pro"}
    assert flows.list_params() == {}


def test_list_params_pass_iso_8601_date_times_through_unchanged():
    """Seed 004: since/until are "ISO 8601 / YYYY-MM-DD"; the server reads them, the SDK does not."""
    since, until = "2026-01-01T10:00:00+02:00", "2026-01-02T08:30:00.250Z"
    assert flows.list_params(since=since, until=until) == {"from": since, "to": until}


def test_next_page_stops_at_the_last_page():
    page = {"data": [1], "pagination": {"current_page": 1, "last_page": 3}}
    assert flows.next_page(page, {"model": "m"}) == {"model": "m", "page": "2"}
    assert flows.next_page({"data": [1], "pagination": {"current_page": 3, "last_page": 3}}, {}) is None
    assert flows.next_page({"data": [], "pagination": {"current_page": 1, "last_page": 9}}, {}) is None


def test_dispatch_errors_keep_what_was_created():
    error = SkytellsError("no", "INVALID_INPUT", "bad", 400)
    with pytest.raises(DispatchError) as info:
        flows.combine_dispatch([{"id": "a"}, error, {"id": "c"}])
    assert info.value.predictions == [{"id": "a"}, None, {"id": "c"}]
    assert info.value.errors == [None, error, None]
    assert flows.combine_dispatch([{"id": "a"}]) == [{"id": "a"}]


def test_downloads_send_the_key_to_our_origin_only(make_ctx, script):
    from skytells._core._effects import Reply

    files = {
        "output": ["https://api.example.test/v1/files/p1/a.png", "https://cdn.example.test/x/a.png"],
        "id": "p1",
    }
    run = script([Reply(200, {"content-type": "image/png"}, b"one"), Reply(200, {}, b"two")])
    saved = run.run(flows.download(make_ctx(), files))
    assert saved == [("a.png", b"one"), ("a-1.png", b"two")]
    assert [r.auth for r in run.requests] == [True, False]


def test_retry_after_is_honoured_on_any_retried_status(make_ctx, script):
    busy = json_reply(
        503, {"error": {"error_id": "INFRASTRUCTURE_ERROR", "message": "busy"}}, {"retry-after": "5"}
    )
    run = script([busy, json_reply(200, [])])
    run.run(model_flows.list_models(make_ctx(retry={"retries": 1, "retry_delay": 10})))
    assert run.sleeps == [5.0]


def test_a_text_output_is_saved_as_a_text_file(make_ctx, script):
    run = script([])
    saved = run.run(flows.download(make_ctx(), {"id": "p1", "output": "Once upon a time"}))
    assert saved == [("output.txt", b"Once upon a time")] and run.requests == []


def test_run_accepts_a_whole_request_in_place_of_the_model():
    from skytells._core._arguments import run_call
    from skytells.types import PredictionRequest

    body, polling = run_call(
        PredictionRequest(model="flux-pro", input={"prompt": "a"}, stream=True),  # type: ignore[arg-type]
        None,
        None,
        False,
        {"interval": 250},
        None,
        None,
        None,
    )
    assert body == {"model": "flux-pro", "input": {"prompt": "a"}, "stream": True}
    assert polling.interval_ms == 250

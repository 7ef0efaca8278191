"""OpenTelemetry spans, both clients, over HTTP: one span per SDK call and per stream, a child span per
HTTP attempt, the documented attributes, and never the key, the input or a message in any of them."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from skytells import RetryOptions
from tests.client.conftest import Harness
from tests.waiting import wait_until

SECRET_PROMPT = "A very private prompt 4f1c"
SECRET_MESSAGE = "My confidential message 9e2d"
REPO = Path(__file__).resolve().parents[2]


class Traced:
    """A tracer provider of its own (the global one is left alone) and the spans it finished."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, name: str) -> list[ReadableSpan]:
        return [span for span in self.spans if span.name == name]

    def one(self, name: str) -> ReadableSpan:
        [span] = self.named(name)
        return span

    def children(self, parent: ReadableSpan) -> list[ReadableSpan]:
        return [s for s in self.spans if s.parent is not None and s.parent.span_id == parent.context.span_id]

    def everything(self) -> str:
        """Every span's name, attributes, status and events, as one text to search."""
        return json.dumps(
            [
                [
                    s.name,
                    dict(s.attributes or {}),
                    s.status.description,
                    [[e.name, dict(e.attributes or {})] for e in s.events],
                ]
                for s in self.spans
            ],
            default=str,
        )


@pytest.fixture
def traced() -> Iterator[Traced]:
    found = Traced()
    yield found
    found.provider.shutdown()


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def test_run_is_one_span_with_a_child_per_http_attempt(sdk: Harness, traced: Traced) -> None:
    client = sdk.make_client(telemetry=traced.provider)
    prediction = sdk.resolve(client.run("truefusion", input={"prompt": SECRET_PROMPT}))
    run = traced.one("skytells.predictions.run")
    assert run.kind == SpanKind.INTERNAL and run.parent is None
    assert attrs(run) == {
        "skytells.operation": "predictions.run",
        "skytells.model": "truefusion",
        "skytells.prediction.id": prediction.id,
        "skytells.prediction.status": "succeeded",
        "skytells.http.attempts": 1,
        "http.response.status_code": 200,
    }
    [post] = traced.children(run)
    assert (post.name, post.kind) == ("POST /predictions", SpanKind.CLIENT)
    assert attrs(post) == {
        "http.request.method": "POST",
        "url.full": f"{sdk.base_url}/predictions",
        "url.template": "/predictions",
        "server.address": "127.0.0.1",
        "server.port": httpx.URL(sdk.base_url).port,
        "skytells.model": "truefusion",
        "http.response.status_code": 200,
    }
    assert SECRET_PROMPT not in traced.everything() and sdk.api_key not in traced.everything()


def test_spans_nest_under_the_callers_span(sdk: Harness, traced: Traced) -> None:
    client = sdk.make_client(telemetry=traced.provider)
    tracer = traced.provider.get_tracer("app")
    with tracer.start_as_current_span("checkout"):
        prediction = sdk.resolve(client.predictions.create(model="flux-pro", input={"prompt": "x"}))
        sdk.resolve(client.wait(prediction, interval=20))
    checkout = traced.one("checkout")
    create, wait = traced.one("skytells.predictions.create"), traced.one("skytells.predictions.wait")
    assert create.parent.span_id == checkout.context.span_id  # type: ignore[union-attr]
    assert wait.parent.span_id == checkout.context.span_id  # type: ignore[union-attr]
    assert {s.context.trace_id for s in traced.spans} == {checkout.context.trace_id}
    polls = traced.children(wait)
    assert polls and {p.name for p in polls} == {"GET /predictions/{id}"}
    assert attrs(wait)["skytells.http.attempts"] == len(polls)
    assert attrs(wait)["skytells.prediction.status"] == "succeeded"
    assert all(attrs(p)["skytells.prediction.id"] == prediction.id for p in polls)


def test_retried_attempts_are_counted(sdk: Harness, traced: Traced, sleeps: Any) -> None:
    sdk.fault(method="GET", route="/v1/models*", action="error", status=503, first=2)
    client = sdk.make_client(telemetry=traced.provider, retry=RetryOptions(retries=3, retry_delay=10))
    sdk.resolve(client.models.list())
    listing = traced.one("skytells.models.list")
    attempts = traced.children(listing)
    assert [attrs(a).get("http.request.resend_count") for a in attempts] == [None, 1, 2]
    assert [attrs(a)["http.response.status_code"] for a in attempts] == [503, 503, 200]
    assert [a.status.status_code for a in attempts] == [StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET]
    assert attrs(attempts[0])["error.type"] == "503"
    assert attrs(listing)["skytells.http.attempts"] == 3 and attrs(listing)["skytells.http.retries"] == 2
    assert listing.status.status_code == StatusCode.UNSET


def test_a_failed_prediction_records_its_error_id_not_its_message(sdk: Harness, traced: Traced) -> None:
    sdk.outcome("truefusion", "fail", message=f"GPU fell over on {SECRET_PROMPT}")
    client = sdk.make_client(telemetry=traced.provider)
    error = sdk.error(lambda: client.run("truefusion", input={"prompt": SECRET_PROMPT}, interval=20))
    run = traced.one("skytells.predictions.run")
    assert run.status.status_code == StatusCode.ERROR and run.status.description == "PREDICTION_FAILED"
    assert attrs(run)["error.type"] == attrs(run)["skytells.error_id"] == "PREDICTION_FAILED"
    assert attrs(run)["skytells.prediction.status"] == "failed"
    assert attrs(run)["skytells.prediction.id"] == error.prediction.id  # type: ignore[attr-defined]
    assert run.events == () and SECRET_PROMPT not in traced.everything()


def test_an_api_error_records_status_and_error_id(sdk: Harness, traced: Traced) -> None:
    client = sdk.make_client(telemetry=traced.provider)
    sdk.error(lambda: client.predictions.get("pred_missing"))
    get = traced.one("skytells.predictions.get")
    assert attrs(get)["skytells.error_id"] == "PREDICTION_NOT_FOUND"
    assert attrs(get)["http.response.status_code"] == 404
    assert attrs(get)["skytells.prediction.id"] == "pred_missing"
    [attempt] = traced.children(get)
    assert attempt.name == "GET /predictions/{id}" and attrs(attempt)["error.type"] == "404"


def test_the_request_id_is_recorded(sdk: Harness, traced: Traced) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[], headers={"x-request-id": "req_abc123"})

    client = sdk.mock_client(handler, telemetry=traced.provider)
    sdk.resolve(client.models.list())
    listing = traced.one("skytells.models.list")
    assert attrs(listing)["skytells.request_id"] == "req_abc123"
    assert attrs(traced.children(listing)[0])["skytells.request_id"] == "req_abc123"


def test_a_network_failure_is_an_attempt_error(sdk: Harness, traced: Traced) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = sdk.mock_client(handler, telemetry=traced.provider, retry={"retries": 0})
    sdk.error(lambda: client.models.get("flux-pro"))
    [attempt] = traced.children(traced.one("skytells.models.get"))
    assert attempt.name == "GET /models/{id}" and attrs(attempt)["error.type"] == "network"
    assert attrs(attempt)["url.full"] == "https://api.example.test/v1/models/flux-pro"
    assert attrs(traced.one("skytells.models.get"))["error.type"] == "NETWORK_ERROR"


def test_a_prediction_stream_is_one_span_with_its_connection(sdk: Harness, traced: Traced) -> None:
    client = sdk.make_client(telemetry=traced.provider)
    prediction = sdk.resolve(client.predictions.create(model="flux-pro", input={"prompt": "x"}, stream=True))
    events = sdk.collect(client.stream_events(prediction.id))
    stream = traced.one("skytells.predictions.stream")
    assert attrs(stream)["skytells.stream.events"] == len(events)
    assert attrs(stream)["skytells.prediction.status"] == "succeeded"
    [connection] = traced.children(stream)
    assert (
        connection.name == "GET /predictions/{id}/stream"
        and attrs(connection)["http.response.status_code"] == 200
    )
    assert connection.end_time is not None and connection.end_time <= stream.end_time  # type: ignore[operator]


def test_a_stream_left_early_still_ends_its_spans(sdk: Harness, traced: Traced) -> None:
    client = sdk.make_client(telemetry=traced.provider)
    prediction = sdk.resolve(client.predictions.create(model="mera", input={"prompt": "x"}, stream=True))
    events = client.stream_events(prediction.id)
    if sdk.is_async:  # an async generator left early ends when it is closed

        async def first() -> Any:
            async with contextlib.aclosing(events) as stream:
                async for event in stream:
                    return event

        assert sdk.run_async(first()) is not None
    else:
        with contextlib.closing(events) as stream:
            assert next(stream) is not None
    stream = traced.one("skytells.predictions.stream")
    assert stream.status.status_code == StatusCode.UNSET and attrs(stream)["skytells.stream.events"] == 1
    assert len(traced.children(stream)) == 1


def test_chat_and_embeddings_never_record_messages_or_input(
    sdk: Harness, traced: Traced, chat_model: str
) -> None:
    client = sdk.make_client(telemetry=traced.provider)
    messages = [{"role": "user", "content": SECRET_MESSAGE}]
    sdk.resolve(client.chat.completions.create(model=chat_model, messages=messages))
    sdk.collect(client.chat.completions.create(model=chat_model, messages=messages, stream=True))
    sdk.resolve(client.embeddings.create(model="deepbrain-embed", input=SECRET_MESSAGE))
    create = traced.one("skytells.chat.completions.create")
    assert attrs(create)["skytells.model"] == chat_model and "skytells.prediction.id" not in attrs(create)
    assert attrs(traced.one("skytells.chat.completions.stream"))["skytells.stream.events"] > 1
    assert attrs(traced.one("skytells.embeddings.create"))["skytells.model"] == "deepbrain-embed"
    text = traced.everything()
    assert SECRET_MESSAGE not in text and sdk.api_key not in text


def test_file_inputs_never_reach_a_span(sdk: Harness, traced: Traced) -> None:
    client = sdk.make_client(telemetry=traced.provider)
    sdk.resolve(
        client.run("truefusion-edit", input={"image": b"GIF89a-secret-bytes", "prompt": SECRET_PROMPT})
    )
    text = traced.everything()
    assert "data:" not in text and "R0lGODlh" not in text and SECRET_PROMPT not in text


def test_telemetry_false_traces_nothing(sdk: Harness, traced: Traced) -> None:
    """(With no global provider at all nothing is traced either: the subprocess tests below show it;
    in this process another test may have set the global provider, which can be set only once.)"""
    sdk.resolve(sdk.make_client(telemetry=False).models.list())
    assert traced.spans == []
    error = sdk.error(lambda: sdk.make_client(telemetry="yes"))
    assert error.error_id == "SDK_ERROR" and "TracerProvider" in error.message


def run_python(code: str, base_url: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), base_url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_global_tracer_provider_turns_tracing_on_by_itself(base_url: str) -> None:
    out = run_python(
        """
        import sys
        from skytells import SkytellsClient
        client = SkytellsClient("sk-test-0123456789abcdef", base_url=sys.argv[1])
        client.models.list()  # before a provider is set: not traced
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        client.models.get("flux-pro")
        print(sorted(span.name for span in exporter.get_finished_spans()))
        """,
        base_url,
    )
    assert out == "['GET /models/{id}', 'skytells.models.get']"


def test_a_run_in_the_apps_span_goes_to_the_global_providers_console_exporter(base_url: str) -> None:
    out = run_python(
        f"""
        import sys
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
        from skytells import SkytellsClient
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        trace.set_tracer_provider(provider)
        client = SkytellsClient("sk-test-0123456789abcdef", base_url=sys.argv[1])
        with trace.get_tracer("my-app").start_as_current_span("make-thumbnail"):
            print(client.run("truefusion", input={{"prompt": "{SECRET_PROMPT}"}}).status)
        """,
        base_url,
    )
    assert SECRET_PROMPT not in out and "sk-test-0123456789abcdef" not in out
    spans: dict[str, Any] = {}
    order: list[str] = []  # span names and printed lines, in the order they came
    rest = out
    while rest := rest.lstrip():  # each span is a JSON object, printed as it ends
        if rest.startswith("{"):
            span, end = json.JSONDecoder().raw_decode(rest)
            spans[span["name"]] = span
            order.append(span["name"])
        else:
            end = len(rest.partition("\n")[0])
            order.append(rest[:end])
        rest = rest[end:]
    assert order == ["POST /predictions", "skytells.predictions.run", "succeeded", "make-thumbnail"]
    post, run, app = spans["POST /predictions"], spans["skytells.predictions.run"], spans["make-thumbnail"]
    assert post["parent_id"] == run["context"]["span_id"] and run["parent_id"] == app["context"]["span_id"]
    assert post["attributes"]["http.response.status_code"] == 200
    assert run["attributes"]["skytells.model"] == "truefusion"
    assert run["attributes"]["skytells.prediction.status"] == "succeeded"


def test_import_skytells_does_not_import_opentelemetry(base_url: str) -> None:
    out = run_python(
        """
        import sys
        import skytells
        client = skytells.SkytellsClient("sk-test-0123456789abcdef", base_url=sys.argv[1])
        client.models.list()
        print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
        """,
        base_url,
    )
    assert out == "[]"


def test_without_opentelemetry_installed_nothing_changes(base_url: str) -> None:
    out = run_python(
        """
        import sys
        class NoOpenTelemetry:  # as if the package were not installed
            def find_spec(self, name, path=None, target=None):
                if name == "opentelemetry" or name.startswith("opentelemetry."):
                    raise ModuleNotFoundError(f"No module named {name!r}")
                return None
        sys.meta_path.insert(0, NoOpenTelemetry())
        import skytells
        client = skytells.SkytellsClient("sk-test-0123456789abcdef", base_url=sys.argv[1])
        print(len(client.models.list()) > 0)
        try:
            skytells.SkytellsClient("sk-test-0123456789abcdef", telemetry=True)
        except skytells.SkytellsError as error:
            print(error.error_id, error.message)
        """,
        base_url,
    )
    assert out.splitlines() == [
        "True",
        "SDK_ERROR telemetry=True needs OpenTelemetry: pip install 'skytells[otel]'",
    ]


def test_a_live_run_traces_the_stream_it_follows_inside_its_own_span(sdk: Harness, traced: Traced) -> None:
    """``run(on_progress=...)`` follows the event stream on a helper thread or task: its span is still a
    child of the run's, in the same trace."""
    client = sdk.make_client(telemetry=traced.provider)
    states: list[str] = []
    sdk.resolve(client.run("flux-pro", input={"prompt": "x"}, on_progress=lambda p: states.append(p.status)))
    wait_until(lambda: traced.named("skytells.predictions.stream"), what="the stream's span to end")
    run, stream = traced.one("skytells.predictions.run"), traced.one("skytells.predictions.stream")
    assert stream.parent is not None and stream.parent.span_id == run.context.span_id
    assert stream.context.trace_id == run.context.trace_id
    assert {s.name for s in traced.children(stream)} == {"GET /predictions/{id}/stream"}
    assert states[-1] == "succeeded"

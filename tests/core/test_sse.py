"""Server-Sent Events decoding and the stream's end and resume rules."""

from __future__ import annotations

import pytest

from skytells import SkytellsError
from skytells._core._config import resolve_config
from skytells._core._effects import Failure, Reply
from skytells._core._event_stream import EventStream
from skytells._core._prediction_flows import event_stream
from skytells._core._send import Context
from skytells._core._sse import SSEDecoder, StreamEvent


def _stream(prediction_id):
    ctx = Context(resolve_config("sk-test-sse-0000", base_url="http://127.0.0.1:9/v1"))
    return event_stream(ctx, prediction_id)


def test_events_split_across_chunks_and_line_endings():
    decoder = SSEDecoder()
    wire = (
        b'id: 1\r\nevent: status\r\ndata: {"status": "processing"}\r\n\r\n: keep-alive\n\n'
        b"id: 2\rdata: a\rdata: b\r\r"
    )
    events = []
    for i in range(len(wire)):
        events.extend(decoder.feed(wire[i : i + 1]))
    events.extend(decoder.flush())
    assert [(e.event, e.data, e.id) for e in events] == [
        ("status", {"status": "processing"}, "1"),
        ("message", "a\nb", "2"),
    ]
    assert decoder.last_event_id == "2"


def test_an_unterminated_last_event_is_flushed():
    decoder = SSEDecoder()
    assert decoder.feed(b"event: done\ndata: {}") == []
    (event,) = decoder.flush()
    assert (event.event, event.data) == ("done", {})


def test_the_stream_ends_after_the_final_event_and_resumes_from_the_last_id():
    stream = _stream("p 1")
    assert stream.request().url == "/predictions/p%201/stream"
    events = stream.feed(b'id: 4\nevent: progress\ndata: {"progress": 40}\n\n')
    assert [e.event for e in events] == ["progress"] and not stream.finished
    stream.closed()
    assert stream.reconnect()
    assert stream.request().headers["Last-Event-ID"] == "4"
    done = stream.feed(
        b'id: 5\nevent: done\ndata: {"id": "p 1", "status": "succeeded"}\n\nid: 6\nevent: late\ndata: 1\n\n'
    )
    assert [e.event for e in done] == ["done"] and done[0].prediction["status"] == "succeeded"
    assert stream.finished and not stream.reconnect()


def test_reconnects_are_bounded():
    stream = _stream("p1")
    assert [stream.reconnect() for _ in range(5)] == [True, True, True, False, False]


def test_a_json_answer_becomes_one_final_event():
    stream = _stream("p1")
    reply = Reply(200, {"content-type": "application/json"}, b'{"id": "p1", "status": "succeeded"}')
    (event,) = stream.not_a_stream(reply)
    assert event.event == "done" and event.prediction == {"id": "p1", "status": "succeeded"}


class _Completion(EventStream):
    """A stream that must reach ``[DONE]`` and is never resumed (as chat completions are)."""

    def is_final(self, event: StreamEvent) -> bool:
        return event.data == "[DONE]"


def _completion():
    from skytells._core._effects import Request

    return _Completion(Request("POST", "/chat/completions"), "sk-secret-0000")


def test_a_stream_that_must_end_raises_when_it_closes_early():
    stream = _completion()
    assert [e.data for e in stream.feed(b'data: {"a": 1}\n\n')] == [{"a": 1}]
    stream.closed()
    with pytest.raises(SkytellsError) as caught:
        stream.reconnect()
    assert caught.value.error_id == "NETWORK_ERROR" and "after 1 events" in str(caught.value.details)


def test_a_stream_that_must_end_stops_at_done_without_passing_it_on():
    stream = _completion()
    assert [e.data for e in stream.feed(b'data: {"a": 1}\n\ndata: [DONE]\n\n')] == [{"a": 1}]
    assert stream.finished and not stream.reconnect()


def test_a_broken_connection_is_resumed_while_reconnects_are_left_then_raised():
    stream = _stream("p1")
    for _ in range(3):
        stream.broken(Failure("network", "reset"))
    with pytest.raises(SkytellsError) as caught:
        stream.broken(Failure("timeout", "read timed out", 5.0))
    assert caught.value.error_id == "REQUEST_TIMEOUT"

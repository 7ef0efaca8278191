"""Server-Sent Events decoding and the stream's end and resume rules."""

from __future__ import annotations

from skytells._core._effects import Reply
from skytells._core._sse import SSEDecoder
from skytells._core._stream import EventStream


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
    stream = EventStream(None, "p 1")
    assert stream.request().url == "/predictions/p%201/stream"
    events = stream.feed(b'id: 4\nevent: progress\ndata: {"progress": 40}\n\n')
    assert [e.event for e in events] == ["progress"] and not stream.finished
    stream.closed()
    assert stream.should_reconnect()
    assert stream.request().headers["Last-Event-ID"] == "4"
    done = stream.feed(
        b'id: 5\nevent: done\ndata: {"id": "p 1", "status": "succeeded"}\n\nid: 6\nevent: late\ndata: 1\n\n'
    )
    assert [e.event for e in done] == ["done"] and done[0].prediction["status"] == "succeeded"
    assert stream.finished and not stream.should_reconnect()


def test_reconnects_are_bounded():
    stream = EventStream(None, "p1")
    assert [stream.should_reconnect() for _ in range(5)] == [True, True, True, False, False]


def test_a_json_answer_becomes_one_final_event():
    stream = EventStream(None, "p1")
    reply = Reply(200, {"content-type": "application/json"}, b'{"id": "p1", "status": "succeeded"}')
    (event,) = stream.not_a_stream(reply)
    assert event.event == "done" and event.prediction == {"id": "p1", "status": "succeeded"}

"""GET /v1/predictions/{id}/stream: JSON by default, Server-Sent Events on request."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import create, wait_terminal

SSE = {"accept": "text/event-stream"}


def read_events(response: httpx.Response) -> tuple[list[dict[str, Any]], int]:
    """(events as {id, event, data}, keep-alive comments seen) until the stream ends."""
    events: list[dict[str, Any]] = []
    comments = 0
    for chunk in "".join(response.iter_text()).split("\n\n"):
        if chunk.startswith(":"):
            comments += 1
        elif chunk.strip():
            fields = dict(line.split(": ", 1) for line in chunk.splitlines())
            events.append(
                {"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])}
            )
    return events, comments


def test_stream_without_accept_returns_the_prediction_json(http: httpx.Client) -> None:
    created = create(http, stream=True)  # urls.stream is there for `stream: true` predictions (seed 002)
    response = http.get(f"/predictions/{created['id']}/stream")
    assert response.headers["content-type"] == "application/json"
    assert response.json()["id"] == created["id"]
    assert response.json()["urls"]["stream"].endswith(f"/predictions/{created['id']}/stream")


def test_sse_follows_a_prediction_to_its_end(http: httpx.Client, plain: httpx.Client) -> None:
    created = create(http, model="truefusion-x")

    with http.stream("GET", f"/predictions/{created['id']}/stream", headers=SSE) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events, _ = read_events(response)

    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    statuses = [e["data"]["status"] for e in events if e["event"] == "status"]
    assert statuses == ["pending", "starting", "started", "processing", "succeeded"]
    progress = [e["data"]["progress"] for e in events if e["event"] == "progress"]
    assert progress == sorted(progress) and progress and all(0 < p < 100 for p in progress)
    output = next(e for e in events if e["event"] == "output")
    final = events[-1]
    assert final["event"] == "done"
    assert final["data"]["status"] == "succeeded"
    assert output["data"]["output"] == final["data"]["output"]
    assert plain.get(final["data"]["output"][0]).status_code == 200


def test_last_event_id_replays_only_what_came_after(http: httpx.Client) -> None:
    created = create(http)
    wait_terminal(http, created["id"])
    with http.stream("GET", f"/predictions/{created['id']}/stream", headers=SSE) as response:
        everything, _ = read_events(response)

    resumed_headers = {**SSE, "last-event-id": str(everything[-3]["id"])}
    with http.stream("GET", f"/predictions/{created['id']}/stream", headers=resumed_headers) as response:
        rest, _ = read_events(response)

    assert rest == everything[-2:]


def test_keep_alive_comments_while_nothing_happens(http: httpx.Client, emulator: EmulatorServer) -> None:
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
    created = create(http)
    comments = 0
    with http.stream("GET", f"/predictions/{created['id']}/stream", headers=SSE) as response:
        for block in response.iter_text():
            if block.startswith(": keep-alive"):
                comments += 1
                if comments == 2:
                    http.post(f"/predictions/{created['id']}/cancel")
            if '"status":"cancelled"' in block and "event: done" in block:
                break
    assert comments >= 2


@pytest.mark.parametrize("path", ["/predictions/{id}/stream", "/predictions/{id}"])
def test_stream_of_an_unknown_prediction_is_404(http: httpx.Client, path: str) -> None:
    response = http.get(path.format(id="0c5b0b5e-5d8b-4d0c-9a0a-000000000000"), headers=SSE)
    assert response.status_code == 404
    assert response.json()["error"]["error_id"] == "PREDICTION_NOT_FOUND"

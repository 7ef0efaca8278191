"""Create, get, cancel and delete over HTTP: the prediction object and its lifecycle."""

from __future__ import annotations

import datetime
import json
import re
import threading
import uuid
from importlib import resources
from pathlib import Path

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import create, fast_config, wait_terminal
from tests.waiting import wait_until

#: ``created_at``/``updated_at``: microseconds and ``Z``; ``started_at``/``completed_at``: ``+00:00``
#: (the protocol evidence's full prediction uses exactly these two forms).
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
OFFSET_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
FIELDS = {
    "id", "status", "type", "stream", "input", "response", "output", "error", "created_at", "updated_at",
    "privacy", "source", "model", "webhook", "metrics", "metadata", "urls",
}  # fmt: skip


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("route", ["/predict", "/predictions"])
def test_create_returns_a_complete_pending_prediction(http: httpx.Client, route: str) -> None:
    response = http.post(route, json={"model": "truefusion-pro", "input": {"prompt": "A lake"}})

    assert response.status_code == 200  # seed 003's status table: 200, not 201
    assert "idempotent-replayed" not in response.headers
    assert response.headers["content-type"] == "application/json"
    p = response.json()
    assert set(p) == FIELDS
    assert uuid.UUID(p["id"]).version == 4
    assert p["status"] == "pending"
    assert (p["type"], p["source"], p["privacy"], p["stream"]) == ("inference", "api", "private", False)
    assert p["model"] == {"name": "truefusion-pro", "type": "image"}
    assert p["webhook"] == {"url": None, "events": []}
    assert p["input"]["prompt"] == "A lake" and p["input"]["num_outputs"] == 1  # schema defaults applied
    assert p["output"] is None and p["error"] is None
    assert TIMESTAMP.match(p["created_at"]) and TIMESTAMP.match(p["updated_at"])
    assert "started_at" not in p and "completed_at" not in p  # a pending prediction has neither key
    assert p["metrics"] == {"progress": 0}
    base = f"{http.base_url}predictions/{p['id']}"
    assert p["urls"] == {"get": base, "cancel": f"{base}/cancel", "delete": f"{base}/delete"}


def test_urls_stream_is_there_only_for_a_prediction_created_with_stream_true(http: httpx.Client) -> None:
    """Seed 002: ``stream`` "Enable streaming. Populates urls["stream"] in the response."."""
    streamed = create(http, stream=True)
    plain = create(http, stream=False)
    base = f"{http.base_url}predictions/{streamed['id']}"
    assert streamed["stream"] is True and streamed["urls"]["stream"] == f"{base}/stream"
    assert plain["stream"] is False and "stream" not in plain["urls"]
    for prediction in (streamed, plain):  # the same on every later read, and from the stream route
        for path in ("", "/stream"):
            again = http.get(f"/predictions/{prediction['id']}{path}").json()
            assert again["urls"] == prediction["urls"]
    # the stream route itself answers whether or not the prediction asked for streaming
    with http.stream(
        "GET", f"/predictions/{plain['id']}/stream", headers={"accept": "text/event-stream"}
    ) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")


def test_started_at_and_completed_at_appear_when_known_in_the_offset_form(
    http: httpx.Client, emulator: EmulatorServer
) -> None:
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending", "count": 1})
    held = create(http)
    cancelled = http.post(f"/predictions/{held['id']}/cancel").json()
    assert "started_at" not in cancelled and OFFSET_TIMESTAMP.match(cancelled["completed_at"])

    running = create(http, model="truefusion-x")
    seen = http.get(f"/predictions/{running['id']}").json()
    while seen["status"] != "processing":
        assert "started_at" not in seen and "completed_at" not in seen, seen["status"]
        seen = http.get(f"/predictions/{running['id']}").json()
    assert OFFSET_TIMESTAMP.match(seen["started_at"]) and "completed_at" not in seen


def test_a_prediction_runs_to_success_with_real_files(http: httpx.Client, plain: httpx.Client) -> None:
    created = create(http, input={"prompt": "A lake", "num_outputs": 2, "output_format": "png"})

    done = wait_terminal(http, created["id"])

    assert done["status"] == "succeeded"
    assert done["error"] is None
    assert OFFSET_TIMESTAMP.match(done["started_at"]) and OFFSET_TIMESTAMP.match(done["completed_at"])
    assert moment(done["created_at"]) <= moment(done["started_at"]) <= moment(done["completed_at"])
    assert moment(done["completed_at"]) <= moment(done["updated_at"])
    assert done["metrics"]["progress"] == 100
    assert (
        done["metrics"]["predict_time"] > 0
        and done["metrics"]["total_time"] >= done["metrics"]["predict_time"]
    )
    assert done["metrics"]["image_count"] == 2
    assert done["metadata"]["billing"]["credits_used"] == pytest.approx(0.10)
    assert done["metadata"]["data_available"] is True
    files = done["metadata"]["storage"]["files"]
    assert [f["url"] for f in files] == done["output"]
    for f in files:
        served = plain.get(f["url"])  # no key: output URLs work in a browser
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/png" == f["type"]
        assert len(served.content) == f["size"]
        assert served.content.startswith(b"\x89PNG")


def test_statuses_seen_by_a_poller_never_include_started(http: httpx.Client) -> None:
    created = create(http, model="truefusion-x")  # has a cold boot: pending, starting, processing
    seen: list[str] = []

    def finished() -> bool:
        status = http.get(f"/predictions/{created['id']}").json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        return status in ("succeeded", "failed", "cancelled")

    wait_until(finished, "the prediction to finish", interval=0)
    assert seen[-1] == "succeeded"
    assert set(seen) <= {"pending", "starting", "processing", "succeeded"}


def test_text_models_answer_a_string(http: httpx.Client) -> None:
    created = create(http, model="gpt-5", input={"prompt": "Say hello"}, **{"await": True})
    assert created["status"] == "succeeded"
    assert isinstance(created["output"], str) and created["output"]
    assert created["metadata"]["storage"]["files"] == []


def test_await_holds_the_request_until_the_prediction_is_terminal(http: httpx.Client) -> None:
    p = http.post("/predict", json={"model": "flux-pro", "input": {"prompt": "x"}, "await": True}).json()
    assert p["status"] == "succeeded"
    assert len(p["output"]) == 1


def test_await_is_ignored_for_video_models(http: httpx.Client) -> None:
    p = http.post("/predict", json={"model": "mera", "input": {"prompt": "City"}, "await": True}).json()
    assert p["status"] == "pending"


def test_await_cap_returns_the_current_state(plain: httpx.Client) -> None:
    with EmulatorServer(fast_config(await_cap=0.2, speed=1.0)) as emu:
        p = plain.post(
            emu.base_url + "/predict",
            json={"model": "truefusion-x", "input": {"prompt": "x"}, "await": True},
            headers={"x-api-key": "sk-test-cap"},
        ).json()
    assert p["status"] in ("pending", "starting")


@pytest.mark.parametrize("body", [{"model": "truefusion-pro"}, {"model": "truefusion-pro", "input": None}])
def test_a_create_without_input_is_422_validation_error(http: httpx.Client, body: dict[str, object]) -> None:
    """The TypeScript SDK's fixture and the API's error page: a missing input is 422 VALIDATION_ERROR."""
    response = http.post("/predictions", json=body)
    assert response.status_code == 422
    assert response.json()["response"] == "The input field is required."
    assert response.json()["error"] == {
        "http_status": 422,
        "message": "The input field is required.",
        "details": "The input field is required.",
        "error_id": "VALIDATION_ERROR",
    }


def test_an_empty_input_is_validated_against_the_schema(http: httpx.Client) -> None:
    response = http.post("/predictions", json={"model": "truefusion-pro", "input": {}})
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] == "INVALID_INPUT"
    assert "prompt" in response.json()["error"]["message"]
    ok = http.post("/predictions", json={"model": "deepbrain-router", "input": {"prompt": "hi"}})
    assert ok.status_code == 200


def test_get_returns_the_same_prediction(http: httpx.Client) -> None:
    created = create(http)
    got = http.get(f"/predictions/{created['id']}")
    assert got.status_code == 200
    assert got.json()["id"] == created["id"]
    assert got.json()["created_at"] == created["created_at"]


def test_unknown_prediction_is_404(http: httpx.Client) -> None:
    response = http.get(f"/predictions/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["error"]["error_id"] == "PREDICTION_NOT_FOUND"


def test_cancel_takes_effect_at_once(http: httpx.Client, emulator: EmulatorServer) -> None:
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
    created = create(http)

    cancelled = http.post(f"/predictions/{created['id']}/cancel")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["completed_at"] is not None
    assert http.get(f"/predictions/{created['id']}").json()["status"] == "cancelled"


def test_cancel_releases_a_held_await_request(http: httpx.Client, emulator: EmulatorServer) -> None:
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
    answers: list[dict[str, object]] = []

    def held_create() -> None:
        body = {"model": "flux-pro", "input": {"prompt": "x"}, "await": True}
        answers.append(http.post("/predictions", json=body).json())

    thread = threading.Thread(target=held_create)
    thread.start()
    listed = wait_until(lambda: http.get("/predictions").json()["data"], "the held create")
    prediction_id = listed[0]["id"]
    http.post(f"/predictions/{prediction_id}/cancel")
    thread.join(10)

    assert answers and answers[0]["status"] == "cancelled"


def test_cancelling_a_finished_prediction_returns_it_unchanged(http: httpx.Client) -> None:
    done = http.post("/predict", json={"model": "flux-pro", "input": {"prompt": "x"}, "await": True}).json()
    again = http.post(f"/predictions/{done['id']}/cancel").json()
    assert again["status"] == "succeeded"
    assert again["output"] == done["output"]
    assert again["updated_at"] == done["updated_at"]


@pytest.mark.parametrize("suffix", ["", "/delete"])
def test_delete_removes_the_record_and_its_files(
    http: httpx.Client, suffix: str, plain: httpx.Client
) -> None:
    done = http.post("/predict", json={"model": "flux-pro", "input": {"prompt": "x"}, "await": True}).json()
    assert plain.get(done["output"][0]).status_code == 200

    deleted = http.delete(f"/predictions/{done['id']}{suffix}")

    assert deleted.status_code == 200
    assert deleted.json()["id"] == done["id"]
    assert http.get(f"/predictions/{done['id']}").status_code == 404
    gone = plain.get(done["output"][0])
    assert gone.status_code == 404
    assert gone.json()["error"]["error_id"] == "FILE_NOT_FOUND"


def test_deleting_a_running_prediction_cancels_it_first(http: httpx.Client) -> None:
    created = create(http, model="mera", input={"prompt": "x"})
    deleted = http.delete(f"/predictions/{created['id']}").json()
    assert deleted["status"] == "cancelled"
    assert http.get(f"/predictions/{created['id']}").status_code == 404


def test_video_and_audio_models_give_one_playable_file(http: httpx.Client, plain: httpx.Client) -> None:
    video = create(http, model="mera", input={"prompt": "City", "seconds": "8", "size": "1280x720"})
    song = create(http, model="beatfusion-2.0", input={"lyrics": "[Verse]\nla la", "prompt": "pop"})
    for created, mime in ((video, "video/mp4"), (song, "audio/mpeg")):
        done = wait_terminal(http, created["id"])
        assert done["status"] == "succeeded", done
        assert isinstance(done["output"], str)
        served = plain.get(done["output"])
        assert served.headers["content-type"] == mime
        assert done["metadata"]["storage"]["files"][0]["size"] == len(served.content)


def test_a_custom_catalog_replaces_the_packaged_one(tmp_path: Path, plain: httpx.Client) -> None:
    entries = json.loads((resources.files("skytells.emulator") / "data" / "models.json").read_text())
    mine = {
        **next(e for e in entries if e["namespace"] == "flux-pro"),
        "namespace": "acme-painter",
        "name": "Acme",
    }
    catalog = tmp_path / "models.json"
    catalog.write_text(json.dumps([mine]))

    with EmulatorServer(fast_config(catalog_path=str(catalog))) as emu:
        headers = {"x-api-key": "sk-test-custom"}
        models = plain.get(emu.base_url + "/models", headers=headers).json()
        body = {"model": "acme-painter", "input": {"prompt": "x"}, "await": True}
        done = plain.post(emu.base_url + "/predict", json=body, headers=headers).json()

    assert [m["namespace"] for m in models] == ["acme-painter"]
    assert done["status"] == "succeeded" and done["model"]["name"] == "acme-painter"


def test_shared_outputs_make_every_prediction_of_a_model_share_one_file(plain: httpx.Client) -> None:
    def image(emu: EmulatorServer, prompt: str) -> bytes:
        body = {"model": "flux-fast", "input": {"prompt": prompt}, "await": True}
        done = plain.post(
            emu.base_url + "/predict", json=body, headers={"x-api-key": "sk-test-shared"}
        ).json()
        return plain.get(done["output"][0]).content

    with EmulatorServer(fast_config(shared_outputs=True)) as emu:
        shared = image(emu, "a red boat"), image(emu, "a green hill")
    with EmulatorServer(fast_config()) as emu:
        unique = image(emu, "a red boat"), image(emu, "a green hill")
    assert shared[0] == shared[1]
    assert unique[0] != unique[1]


def test_cancel_and_failure_notify_the_webhook(http: httpx.Client, emulator: EmulatorServer) -> None:
    emulator.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "pending", "count": 1})
    emulator.admin(
        "POST", "/outcomes", {"model": "flux-pro", "outcome": "fail", "message": "No GPU", "count": 1}
    )
    hook = {"url": "http://hooks.example.invalid/skytells", "events": ["started", "failed", "canceled"]}
    held = create(http, model="flux-pro", webhook=hook)
    http.post(f"/predictions/{held['id']}/cancel")
    failed = http.post(
        "/predict", json={"model": "flux-pro", "input": {"prompt": "x"}, "webhook": hook, "await": True}
    )

    log = emulator.admin("GET", "/webhooks/deliveries")
    entries = log["data"] if isinstance(log, dict) else log
    events = {(e["prediction_id"], e["event"]) for e in entries}
    assert held["webhook"] == hook
    assert failed.json()["status"] == "failed"
    assert events == {
        (held["id"], "canceled"),
        (failed.json()["id"], "started"),
        (failed.json()["id"], "failed"),
    }
    assert {e["status"] for e in entries} == {"blocked"}  # not on the allow-list: logged, never sent


@pytest.mark.parametrize(
    "slug", ["truefusion-pro", "TRUEFUSION-PRO", "skytells/truefusion-pro", "Skytells/TrueFusion-Pro"]
)
def test_a_slug_matches_in_any_case_and_with_its_vendor_as_owner(http: httpx.Client, slug: str) -> None:
    """The API's webhook docs create with ``skytells/truefusion-pro``; the TypeScript README queues
    ``FLUX-2.0``. The prediction names the model by its catalog slug, as the list filter compares it."""
    created = create(http, model=slug)
    assert created["model"] == {"name": "truefusion-pro", "type": "image"}
    listed = http.get("/predictions", params={"model": slug}).json()["data"]
    assert [p["id"] for p in listed] == [created["id"]]


@pytest.mark.parametrize("slug", ["openai/truefusion-pro", "truefusion-pro/skytells", "/truefusion-pro"])
def test_an_owner_that_is_not_the_models_vendor_is_model_not_found(http: httpx.Client, slug: str) -> None:
    response = http.post("/predictions", json={"model": slug, "input": {"prompt": "x"}})
    assert response.status_code == 404
    assert response.json()["error"]["error_id"] == "MODEL_NOT_FOUND"


@pytest.mark.parametrize("slug", ["truefusion-edge", "flux-fast"])
@pytest.mark.parametrize("route", ["/predict", "/predictions"])
def test_a_fast_model_answers_the_create_already_succeeded(http: httpx.Client, slug: str, route: str) -> None:
    """Seed 003: "Fast models (e.g., truefusion-edge): often succeeded in the initial response"."""
    body = {"model": slug, "input": {"prompt": "quick"}, "await": False}
    created = http.post(route, json=body).json()
    assert created["status"] == "succeeded"
    assert created["output"] and created["metadata"]["storage"]["files"]
    assert http.get(f"/predictions/{created['id']}").json() == created


def test_a_fast_model_held_pending_or_failing_answers_as_the_outcome_says(
    http: httpx.Client, emulator: EmulatorServer
) -> None:
    emulator.admin("POST", "/outcomes", {"model": "truefusion-edge", "outcome": "pending", "count": 1})
    emulator.admin("POST", "/outcomes", {"model": "truefusion-edge", "outcome": "fail", "message": "no"})
    assert create(http, model="truefusion-edge")["status"] == "pending"  # not held until the cap
    failed = create(http, model="truefusion-edge")
    assert (failed["status"], failed["error"]) == ("failed", "no")


def test_standard_and_video_models_answer_the_create_at_once(http: httpx.Client) -> None:
    """Seed 002: a create "returns immediately with status pending" (truefusion-pro takes about 7 s)."""
    assert create(http, model="truefusion-pro")["status"] == "pending"
    video = create(http, model="mera", input={"prompt": "City", "seconds": "4", "size": "1280x720"})
    assert video["status"] == "pending"

"""A user's session with the Skytells Python SDK, checked step by step; prints a JSON report.

Written against the published ``skytells`` 1.0.0 API (and so also a check that our package is a drop-in
for it). It runs in whatever interpreter starts it, against the server in SKYTELLS_BASE_URL with the key
in SKYTELLS_API_KEY, using only the standard library and ``skytells``::

    SKYTELLS_BASE_URL=http://127.0.0.1:8790/v1 SKYTELLS_API_KEY=sk-test-1 \
        python published_scenario.py [CHECK ...]

The last line printed is ``{"<check>": {"ok": bool, "detail": ...}, ...}``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import skytells
from skytells import AsyncSkytellsClient, SkytellsClient, SkytellsError

BASE = os.environ["SKYTELLS_BASE_URL"]
KEY = os.environ["SKYTELLS_API_KEY"]
IMAGE_MODEL = "flux-pro"
VIDEO_MODEL = "mera"
FAST_WAIT = {"interval": 100, "max_wait": 60_000}
TERMINAL = ("succeeded", "failed", "cancelled")

CHECKS: dict[str, Callable[[SkytellsClient], Any]] = {}


def check(fn: Callable[[SkytellsClient], Any]) -> Callable[[SkytellsClient], Any]:
    CHECKS[fn.__name__] = fn
    return fn


def expect(condition: bool, what: Any) -> None:
    if not condition:
        raise AssertionError(what)


def error_of(call: Callable[[], Any]) -> SkytellsError:
    try:
        call()
    except SkytellsError as e:
        return e
    raise AssertionError("no SkytellsError raised")


@check
def run(client: SkytellsClient) -> Any:
    prediction = client.run(IMAGE_MODEL, input={"prompt": "A lighthouse"})
    expect(prediction.status == "succeeded", prediction.status)
    expect(prediction.output and prediction.outputs(), prediction.output)
    expect(prediction.raw()["id"] == prediction.id, "raw() id")
    return {"id": prediction.id, "output": prediction.outputs()}


@check
def run_video_model(client: SkytellsClient) -> Any:
    """A video model ignores `await: true`; 1.0.0's run() does not poll, so it returns what it got."""
    prediction = client.run(VIDEO_MODEL, input={"prompt": "waves", "seconds": "8", "size": "1280x720"})
    return {"status": prediction.status, "output": prediction.output}


@check
def predict(client: SkytellsClient) -> Any:
    response = client.predict({"model": IMAGE_MODEL, "input": {"prompt": "A landscape"}})
    expect(isinstance(response, dict) and response["id"], response)
    expect(response["status"] in ("pending", "starting", "started", "processing", "succeeded"), response)
    awaited = client.predict({"model": IMAGE_MODEL, "input": {"prompt": "A landscape"}, "await": True})
    expect(awaited["status"] == "succeeded", awaited["status"])
    return {"first": response["status"], "awaited": awaited["status"]}


@check
def create_and_wait(client: SkytellsClient) -> Any:
    created = client.predictions.create({"model": IMAGE_MODEL, "input": {"prompt": "A forest"}})
    expect(created["status"] not in TERMINAL, created["status"])
    seen: list[str] = []
    done = client.wait(created, options=FAST_WAIT, on_progress=lambda p: seen.append(p["status"]))
    expect(done["status"] == "succeeded" and done["output"], done)
    again = client.predictions.get(created["id"])
    expect(again["id"] == created["id"] and again["status"] == "succeeded", again)
    return {"progress": seen}


@check
def list_with_filters(client: SkytellsClient) -> Any:
    mine = client.predict({"model": IMAGE_MODEL, "input": {"prompt": "listed"}, "await": True})
    other = client.predict({"model": "truefusion", "input": {"prompt": "other"}, "await": True})
    today = mine["created_at"][:10]
    page = client.predictions.list(page=1, since=today, until=today, model=IMAGE_MODEL)
    ids = [p["id"] for p in page.data]
    expect(mine["id"] in ids and other["id"] not in ids, ids)
    expect(all((p["model"] or {}).get("name") == IMAGE_MODEL for p in page.data), "model filter")
    expect(page.pagination.current_page == 1 and page.pagination.total >= 1, repr(page.pagination))
    empty = client.predictions.list(options={"since": "2001-01-01", "until": "2001-01-02"})
    expect(empty.data == [] and empty.pagination.total == 0, repr(empty))
    bad = error_of(lambda: client.predictions.list(since="yesterday"))
    expect(bad.error_id == "INVALID_DATE_FORMAT" and bad.http_status == 400, repr(bad))
    return {"total": page.pagination.total}


@check
def queue_and_dispatch(client: SkytellsClient) -> Any:
    for prompt in ("Cat", "Dog", "Bird"):
        expect(client.queue({"model": IMAGE_MODEL, "input": {"prompt": prompt}}) is None, "queue()")
    sent = client.dispatch()
    expect([p["input"]["prompt"] for p in sent] == ["Cat", "Dog", "Bird"], sent)
    expect(client.dispatch() == [], "queue not cleared")
    done = [client.wait(p, options=FAST_WAIT)["status"] for p in sent]
    expect(done == ["succeeded"] * 3, done)
    return {"ids": [p["id"] for p in sent]}


@check
def stream_prediction(client: SkytellsClient) -> Any:
    created = client.predictions.create({"model": IMAGE_MODEL, "input": {"prompt": "s"}, "stream": True})
    info = client.stream_prediction(created["id"])
    expect(info["id"] == created["id"] and info["urls"]["stream"].startswith("http"), info)
    return {"stream": info["urls"]["stream"]}


@check
def cancel_prediction(client: SkytellsClient) -> Any:
    created = client.predictions.create(
        {"model": VIDEO_MODEL, "input": {"prompt": "c", "seconds": "8", "size": "1280x720"}}
    )
    cancelled = client.cancel_prediction(created["id"])
    expect(cancelled["status"] == "cancelled", cancelled["status"])
    expect(client.predictions.get(created["id"])["status"] == "cancelled", "status after cancel")
    return {"status": cancelled["status"]}


@check
def delete_prediction(client: SkytellsClient) -> Any:
    done = client.run(IMAGE_MODEL, input={"prompt": "d"})
    deleted = client.delete_prediction(done.id)
    expect(deleted["id"] == done.id, deleted)
    gone = error_of(lambda: client.predictions.get(done.id))
    expect(gone.http_status == 404, repr(gone))
    other = client.run(IMAGE_MODEL, input={"prompt": "e"})
    other.delete()
    expect(error_of(lambda: client.predictions.get(other.id)).http_status == 404, "Prediction.delete()")
    return {"after_delete": gone.error_id}


@check
def models_list(client: SkytellsClient) -> Any:
    models = client.models.list()
    expect(isinstance(models, list) and len(models) >= 30, len(models))
    slugs = {m["namespace"] for m in models}
    expect({"flux-pro", "truefusion-pro", "mera", "beatfusion-2.0"} <= slugs, sorted(slugs))
    expect(all("input_schema" not in m for m in models), "schemas without fields=")
    with_schema = client.models.list(fields=["input_schema"])
    expect(all(isinstance(m.get("input_schema"), dict) for m in with_schema), "fields=input_schema")
    return {"count": len(models)}


@check
def models_get_with_fields(client: SkytellsClient) -> Any:
    plain = client.models.get("truefusion-pro")
    expect(plain["namespace"] == "truefusion-pro" and "input_schema" not in plain, sorted(plain))
    full = client.models.get("truefusion-pro", fields=["input_schema", "output_schema"])
    expect("prompt" in full["input_schema"]["required"] and "output_schema" in full, sorted(full))
    opt = client.models.get("truefusion-pro", options={"fields": ["input_schema"]})
    expect("input_schema" in opt and "output_schema" not in opt, sorted(opt))
    return {"type": full["type"]}


@check
def async_run(client: SkytellsClient) -> Any:
    async def main() -> Any:
        aclient = AsyncSkytellsClient(KEY, base_url=BASE)
        results = await asyncio.gather(
            *(aclient.run(IMAGE_MODEL, input={"prompt": f"async {i}"}) for i in range(4))
        )
        expect([r.status for r in results] == ["succeeded"] * 4, [r.status for r in results])
        await results[0].delete()
        return {"ids": [r.id for r in results]}

    return asyncio.run(main())


@check
def async_surface(client: SkytellsClient) -> Any:
    async def main() -> Any:
        aclient = AsyncSkytellsClient(KEY, base_url=BASE)
        # `stream: true` (seed 002): only such a prediction carries urls.stream, read further down
        created = await aclient.predictions.create(
            {"model": IMAGE_MODEL, "input": {"prompt": "async bg"}, "stream": True}
        )
        done = await aclient.wait(created, options=FAST_WAIT)
        expect(done["status"] == "succeeded", done["status"])
        expect((await aclient.predictions.get(created["id"]))["id"] == created["id"], "get")
        page = await aclient.predictions.list(model=IMAGE_MODEL)
        expect(created["id"] in [p["id"] for p in page.data], "list")
        expect(len(await aclient.models.list()) >= 30, "models.list")
        expect("input_schema" in await aclient.models.get("mera", fields=["input_schema"]), "models.get")
        expect((await aclient.stream_prediction(created["id"]))["urls"]["stream"], "stream")
        aclient.queue({"model": IMAGE_MODEL, "input": {"prompt": "a"}})
        aclient.queue({"model": IMAGE_MODEL, "input": {"prompt": "b"}})
        sent = await aclient.dispatch()
        expect([p["input"]["prompt"] for p in sent] == ["a", "b"], sent)
        video = await aclient.predict(
            {"model": VIDEO_MODEL, "input": {"prompt": "v", "seconds": "8", "size": "1280x720"}}
        )
        expect((await aclient.cancel_prediction(video["id"]))["status"] == "cancelled", "cancel")
        expect((await aclient.delete_prediction(video["id"]))["id"] == video["id"], "delete")
        return {"dispatched": len(sent)}

    return asyncio.run(main())


def add_fault(rule: dict[str, Any]) -> None:
    """A fault rule on the emulator (its admin API sits next to /v1)."""
    import urllib.request

    root = BASE.rstrip("/").removesuffix("/v1")
    request = urllib.request.Request(
        f"{root}/_emulator/faults",
        data=json.dumps(rule).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        expect(answer.status == 201, answer.status)


@check
def injected_errors_and_retries(client: SkytellsClient) -> Any:
    """Error answers from the emulator's fault rules parse as 1.0.0 expects, and its retries get past them."""
    from skytells import RetryOptions

    model = os.environ.get("SCENARIO_FAULT_MODEL", "truefusion-x")  # one per concurrent run: rules are shared
    create = {"method": "POST", "route": "/v1/predict*", "model": model, "first": 1}
    add_fault({**create, "status": 503, "error_id": "INFRASTRUCTURE_ERROR", "message": "GPU pool drained"})
    e = error_of(lambda: client.predict({"model": model, "input": {"prompt": "x"}}))
    expect(e.error_id == "INFRASTRUCTURE_ERROR" and e.http_status == 503, repr(e))
    add_fault({**create, "action": "non_json", "status": 502})
    html = error_of(lambda: client.predict({"model": model, "input": {"prompt": "x"}}))
    expect(html.error_id == "SERVER_ERROR" and html.http_status == 502, repr(html))
    add_fault({**create, "status": 503, "error_id": "INFRASTRUCTURE_ERROR", "message": "GPU pool drained"})
    patient = SkytellsClient(KEY, base_url=BASE, retry=RetryOptions(retries=2, retry_delay=10))
    created = patient.predict({"model": model, "input": {"prompt": "after a retry"}})
    expect(created["id"] and created["input"]["prompt"] == "after a retry", created)
    return {"first": e.error_id, "html": html.error_id}


@check
def error_bad_key(client: SkytellsClient) -> Any:
    bad = SkytellsClient("not-a-valid-key", base_url=BASE)
    e = error_of(lambda: bad.run(IMAGE_MODEL, input={"prompt": "x"}))
    expect(e.error_id == "UNAUTHORIZED" and e.http_status == 401, repr(e))
    expect("not-a-valid-key" not in str(e) + repr(e) + str(e.details), "key echoed in the error")
    env_key = os.environ.pop("SKYTELLS_API_KEY")  # newer clients read a missing key from here
    try:
        none = error_of(lambda: SkytellsClient(None, base_url=BASE).models.get("flux-pro"))
    finally:
        os.environ["SKYTELLS_API_KEY"] = env_key
    # 1.0.0 sends the request and the server answers 401; ours refuses before sending (http_status 0)
    expect(none.error_id == "UNAUTHORIZED" and none.http_status in (401, 0), repr(none))
    return {"message": str(e)}


@check
def error_unknown_model(client: SkytellsClient) -> Any:
    e = error_of(lambda: client.run("no-such-model-xyz", input={"prompt": "x"}))
    expect(e.error_id == "MODEL_NOT_FOUND" and e.http_status == 404, repr(e))
    g = error_of(lambda: client.models.get("no-such-model-xyz"))
    expect(g.error_id == "MODEL_NOT_FOUND" and g.http_status == 404, repr(g))
    return {"message": str(e)}


@check
def error_invalid_input(client: SkytellsClient) -> Any:
    e = error_of(lambda: client.run("truefusion-pro", input={"width": 1024}))
    expect(e.error_id == "INVALID_INPUT" and e.http_status == 400, repr(e))
    expect("prompt" in f"{e} {e.details}", f"field not named: {e} / {e.details}")
    return {"message": str(e), "details": e.details}


@check
def option_objects(client: SkytellsClient) -> Any:
    """1.0.0's option classes wherever a dict is accepted."""
    from skytells import (
        ClientOptions,
        ModelFieldsOptions,
        PredictionRequest,
        PredictionsListOptions,
        RetryOptions,
        RunOptions,
        WaitOptions,
    )

    opts = SkytellsClient(KEY, ClientOptions(base_url=BASE, timeout=30_000, retry=RetryOptions(retries=1)))
    awaited = opts.predict(PredictionRequest(model=IMAGE_MODEL, input={"prompt": "req"}, await_=True))
    expect(awaited["status"] == "succeeded", awaited["status"])
    ran = opts.run(IMAGE_MODEL, options=RunOptions(input={"prompt": "run options"}))
    expect(ran.status == "succeeded" and ran.raw()["input"]["prompt"] == "run options", ran.raw()["input"])
    created = opts.predictions.create(PredictionRequest(model=IMAGE_MODEL, input={"prompt": "bg"}))
    done = opts.wait(created, WaitOptions(interval=100, max_wait=60_000))
    expect(done["status"] == "succeeded", done["status"])
    page = opts.predictions.list(options=PredictionsListOptions(model=IMAGE_MODEL, page=1))
    expect(created["id"] in [p["id"] for p in page.data], "list with PredictionsListOptions")
    model = opts.models.get("truefusion-pro", options=ModelFieldsOptions(fields=["input_schema"]))
    expect("input_schema" in model, sorted(model))
    opts.queue(PredictionRequest(model=IMAGE_MODEL, input={"prompt": "queued request"}))
    (sent,) = opts.dispatch()
    expect(sent["input"]["prompt"] == "queued request", sent)
    return {"awaited": awaited["status"]}


@check
def factory_and_deprecated(client: SkytellsClient) -> Any:
    import warnings

    made = skytells.Skytells(KEY, base_url=BASE, timeout=30_000)
    expect(isinstance(made, SkytellsClient), type(made))
    run = made.run(IMAGE_MODEL, input={"prompt": "deprecated"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        models = made.list_models()
        model = made.get_model(IMAGE_MODEL, fields=["input_schema"])
        page = made.list_predictions(page=1)
        got = made.get_prediction(run.id)
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    expect(len(deprecations) >= 4, [str(w.message) for w in caught])
    expect(len(models) >= 30 and "input_schema" in model and got["id"] == run.id, "deprecated results")
    expect(run.id in [p["id"] for p in page.data], "list_predictions")
    return {"warnings": len(deprecations)}


def main(names: list[str]) -> int:
    client = SkytellsClient(KEY, base_url=BASE)
    report: dict[str, Any] = {"_package": {"version": skytells.__version__, "file": skytells.__file__}}
    for name, fn in CHECKS.items():
        if names and name not in names:
            continue
        try:
            report[name] = {"ok": True, "detail": fn(client)}
        except Exception as exc:
            report[name] = {
                "ok": False,
                "detail": f"{type(exc).__name__}: {exc}",
                "trace": traceback.format_exc(),
            }
    print(json.dumps(report, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

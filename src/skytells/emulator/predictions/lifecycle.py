"""The prediction lifecycle: asyncio timers move each prediction through its statuses.

``pending`` (queue) → ``starting`` (cold boot) → ``started`` (an instant: an event, then the stored
status is ``processing``) → ``processing`` (run, with progress) → ``succeeded`` | ``failed`` |
``cancelled``. There is no thread or task per prediction: each in-flight prediction is one `Run`
holding one timer handle. A run that ends gets its output files planned (names and exact sizes,
nothing rendered); each file is rendered in a small thread pool on its first download
(:meth:`Engine.materialize`).

>>> engine = Engine(store, catalog, accounts, dispatcher, speed=10.0)
>>> await engine.start()
>>> stored = engine.create(NewPrediction(account, model, inputs, webhook, False, origin))
>>> await engine.wait(stored.id, timeout=60.0)
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from skytells.emulator.accounts import Account, Accounts
from skytells.emulator.catalog import Catalog, CatalogModel
from skytells.emulator.errors import ApiError
from skytells.emulator.files.storage import plan_is_cheap, plan_outputs, shape_key, size_outputs, write_output
from skytells.emulator.predictions.events import Event, PredictionEvents
from skytells.emulator.predictions.outcomes import OutcomeRules
from skytells.emulator.predictions.presentation import present
from skytells.emulator.store import TERMINAL_STATUSES, Store, StoredPrediction, utc_now, utc_offset_now
from skytells.emulator.webhooks.dispatcher import WebhookDispatcher

PROGRESS_STEPS = 5
#: distinct output shapes remembered as sized ahead (all are forgotten when this many are)
SIZED_SHAPES = 4096
_MESSAGES = {
    "pending": "Prediction is queued.",
    "starting": "Prediction is starting (the model is booting).",
    "processing": "Prediction is processing.",
    "succeeded": "Prediction completed successfully.",
    "cancelled": "Prediction was cancelled.",
}
_WEBHOOK_EVENTS = {"succeeded": "completed", "failed": "failed", "cancelled": "cancelled"}


@dataclass
class NewPrediction:
    """A validated create request."""

    account: Account
    model: CatalogModel
    inputs: dict[str, Any]
    webhook: dict[str, Any] | None
    stream: bool
    origin: str
    forced: Mapping[str, Any] | None = None


class Run:
    """An in-flight prediction: its record, one timer, waiters and its event log."""

    __slots__ = ("account", "done", "due", "events", "handle", "model", "stored", "tick")

    def __init__(self, stored: StoredPrediction, model: CatalogModel, account: Account) -> None:
        self.stored = stored
        self.model = model
        self.account = account
        self.handle: asyncio.TimerHandle | None = None
        self.tick: Callable[[], None] | None = None
        #: the event-loop time the current step is due at (the next one is due its duration later)
        self.due: float | None = None
        self.done: asyncio.Event | None = None
        self.events = PredictionEvents(stored.plan.setdefault("events", []))


class Engine:
    """Schedules, advances, cancels and resumes predictions."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        accounts: Accounts,
        dispatcher: WebhookDispatcher,
        *,
        speed: float = 1.0,
        render_workers: int = 2,
        shared_outputs: bool = False,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.accounts = accounts
        self.dispatcher = dispatcher
        self.speed = speed
        self.shared_outputs = shared_outputs
        self.outcomes = OutcomeRules(store)
        self.runs: dict[str, Run] = {}
        self._render_workers = render_workers
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writing: dict[tuple[str, str], asyncio.Future[Any]] = {}
        self._sized: set[tuple[Any, ...]] = set()  # output shapes sized, or being sized, ahead

    # ---- start / stop ----------------------------------------------------------------------

    async def start(self) -> None:
        """Bind to the running loop and resume predictions a previous process left unfinished."""
        self._loop = asyncio.get_running_loop()
        self._executor = ThreadPoolExecutor(self._render_workers, thread_name_prefix="emulator-render")
        self._executor.submit(importlib.import_module, "skytells.emulator.media")  # Pillow, PyAV: load early
        self.store.commit_per_turn(self._loop)
        for stored in self.store.unfinished_predictions():
            self._resume(stored)

    async def stop(self) -> None:
        """Stop every timer and render task (what is unfinished stays stored, to resume on start)."""
        self._drop_runs()
        self.store.commit_per_turn(None)
        for task in list(self._tasks):
            task.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    # ---- reading ---------------------------------------------------------------------------

    def get(self, prediction_id: str) -> StoredPrediction | None:
        run = self.runs.get(prediction_id)
        return run.stored if run else self.store.get_prediction(prediction_id)

    def latest(self, stored: StoredPrediction) -> StoredPrediction:
        """`stored` as it is now: the in-memory record when it is in flight (the store's lags)."""
        run = self.runs.get(stored.id)
        return run.stored if run else stored

    def get_for(self, account: Account, prediction_id: str) -> StoredPrediction:
        """An account's prediction; 404 ``PREDICTION_NOT_FOUND`` for any other."""
        stored = self.get(prediction_id)
        if stored is None or stored.account != account.id:
            raise ApiError("PREDICTION_NOT_FOUND", f"Prediction '{prediction_id[:100]}' was not found.")
        return stored

    async def wait(self, prediction_id: str, timeout: float) -> StoredPrediction | None:
        """Wait until the prediction is terminal (or `timeout` seconds pass); its latest state."""
        run = self.runs.get(prediction_id)
        if run is not None and timeout > 0:
            if run.done is None:
                run.done = asyncio.Event()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(run.done.wait(), timeout)
        return self.get(prediction_id)

    # ---- creating --------------------------------------------------------------------------

    def create(self, new: NewPrediction) -> StoredPrediction:
        """Store a new prediction and schedule its lifecycle (synchronous: no await before the insert)."""
        rule = dict(new.forced) if new.forced else self.outcomes.take(new.model.slug)
        outcome = rule.get("outcome") if rule else None
        now = utc_now()
        prediction_id = str(uuid.uuid4())
        body: dict[str, Any] = {
            "id": prediction_id,
            "status": "pending",
            "type": "inference",
            "stream": new.stream,
            "input": new.inputs,
            "response": _MESSAGES["pending"],
            "output": None,
            "error": None,
            "created_at": now,  # started_at and completed_at appear once they are known
            "updated_at": now,
            "privacy": "private",
            "source": "api",
            "model": {"name": new.model.slug, "type": new.model.type},
            "webhook": new.webhook or {"url": None, "events": []},
            "metrics": {"progress": 0},
            "metadata": {"billing": {"credits_used": 0}, "storage": {"files": []}, "data_available": False},
        }
        latency = new.model.latency
        plan: dict[str, Any] = {
            "queue_s": latency.queue_s,
            "boot_s": latency.boot_s,
            "run_s": latency.run_s,
            "outcome": outcome,
            "message": rule.get("message") if rule else None,
            "t_created": time.time(),
            "events": [["status", "pending"]],
        }
        stored = StoredPrediction(prediction_id, new.account.id, new.model.slug, new.origin, plan, body)
        self.store.insert_prediction(stored)
        run = Run(stored, new.model, new.account)
        self.runs[prediction_id] = run
        if outcome == "instant":
            self._spawn(self._finish_instantly(run))
            return stored
        if outcome != "pending":
            self._schedule(run, latency.queue_s, lambda: self._enter_starting(run))
        self._size_ahead(new.model, new.inputs)
        return stored

    def _size_ahead(self, model: CatalogModel, inputs: dict[str, Any]) -> None:
        """Size a new shape's outputs in the thread pool now, while the prediction runs (or is held): at
        completion its outputs are then planned on the event loop at once (rendering a shape's worst
        cases takes long enough to hold up every prediction of that shape completing meanwhile)."""
        if model.produces_text or self._executor is None:
            return
        key = shape_key(model, inputs, not self.shared_outputs)
        if key in self._sized:
            return
        if len(self._sized) >= SIZED_SHAPES:  # many distinct shapes: start again
            self._sized.clear()
        self._sized.add(key)
        self._executor.submit(size_outputs, model, inputs, not self.shared_outputs)

    def settles_in_create(self, prediction_id: str) -> bool:
        """Whether a create answers this prediction finished: a fast model on its normal course (a
        ``pending`` test outcome is held; an ``instant`` one settles anyway)."""
        run = self.runs.get(prediction_id)
        return run is not None and run.model.is_fast and run.stored.plan.get("outcome") != "pending"

    async def settle_instant(self, prediction_id: str) -> None:
        """Let an ``instant`` prediction finish before its create request answers."""
        run = self.runs.get(prediction_id)
        if run is not None and run.stored.plan.get("outcome") == "instant":
            await self.wait(prediction_id, timeout=60.0)

    # ---- cancel / delete -------------------------------------------------------------------

    def cancel(self, stored: StoredPrediction) -> StoredPrediction:
        """Cancel at once; a finished prediction is returned unchanged."""
        run = self.runs.get(stored.id)
        if run is None:
            return stored
        self._finish(run, "cancelled", None)
        return run.stored

    def delete(self, stored: StoredPrediction) -> StoredPrediction:
        """Remove a prediction and its files (a running one is cancelled first)."""
        stored = self.cancel(stored)
        self.store.delete_prediction(stored.id)
        return stored

    # ---- time and reset --------------------------------------------------------------------

    def set_speed(self, speed: float) -> None:
        """Change the speed factor (of webhook retries too); every running timer's rest is rescaled."""
        old, self.speed = self.speed, speed
        self.dispatcher.speed = speed
        now = self.loop.time()
        for run in self.runs.values():
            if run.handle is not None and run.tick is not None:
                remaining = max(0.0, run.handle.when() - now) * old / speed
                run.handle.cancel()
                run.due = now + remaining
                run.handle = self.loop.call_at(run.due, run.tick)

    def release_waiters(self) -> None:
        """Answer every held ``await`` create and end every SSE stream now (before a shutdown)."""
        for run in self.runs.values():
            if run.done:
                run.done.set()
            run.events.close()

    def reset(self) -> None:
        """Forget every in-flight prediction (no webhooks) and every outcome rule."""
        self.release_waiters()
        self._drop_runs()
        self.outcomes.clear()

    def _drop_runs(self) -> None:
        for run in self.runs.values():
            if run.handle:
                run.handle.cancel()
        self.runs.clear()

    # ---- SSE -------------------------------------------------------------------------------

    def subscribe(self, prediction_id: str) -> asyncio.Queue[Event] | None:
        """A queue of live events of an in-flight prediction (None when it is finished)."""
        run = self.runs.get(prediction_id)
        return run.events.subscribe() if run is not None else None

    def unsubscribe(self, prediction_id: str, queue: asyncio.Queue[Event]) -> None:
        run = self.runs.get(prediction_id)
        if run is not None:
            run.events.unsubscribe(queue)

    # ---- lifecycle steps -------------------------------------------------------------------

    def _schedule(self, run: Run, seconds_at_speed_1: float, step: Callable[[], None]) -> None:
        """Run `step` when the current step's duration has passed, counted from when the step before
        was due, not from when it ran: a busy event loop delays a step, never the whole lifecycle."""
        run.tick = step
        start = self.loop.time() if run.due is None else run.due
        run.due = start + max(0.0, seconds_at_speed_1 / self.speed)
        run.handle = self.loop.call_at(run.due, step)

    def _enter_starting(self, run: Run) -> None:
        plan = run.stored.plan
        if plan["boot_s"] > 0:
            self._set_status(run, "starting")
        self._schedule(run, plan["boot_s"], lambda: self._enter_processing(run))

    def _enter_processing(self, run: Run) -> None:
        self._mark_started(run)
        self._set_status(run, "processing")
        self._schedule_progress(run)

    def _mark_started(self, run: Run) -> None:
        """The instant ``started``: its time, its SSE event and its webhook."""
        run.stored.body["started_at"] = utc_offset_now()
        run.stored.plan["t_started"] = time.time()
        run.events.emit("status", "started")
        self._notify(run, "started")

    def _schedule_progress(self, run: Run) -> None:
        self._schedule(run, run.stored.plan["run_s"] / PROGRESS_STEPS, lambda: self._advance(run))

    def _advance(self, run: Run) -> None:
        metrics = run.stored.body["metrics"]
        progress = min(100, int(metrics.get("progress", 0)) + 100 // PROGRESS_STEPS)
        if progress < 100:
            metrics["progress"] = progress
            run.stored.body["updated_at"] = utc_now()
            run.events.emit("progress", progress)
            self._schedule_progress(run)
            return
        run.handle = run.tick = None
        if run.stored.plan.get("outcome") == "fail":
            self._finish(run, "failed")
        else:
            self._succeed(run)

    async def _finish_instantly(self, run: Run) -> None:
        self._mark_started(run)
        self._succeed(run)

    def _succeed(self, run: Run) -> None:
        """Plan the outputs and finish: at once when their sizes are known, else after sizing them
        in the thread pool (a shape's first prediction renders its worst cases once)."""
        stored = run.stored
        unique = not self.shared_outputs
        stored.plan["unique"] = unique
        arguments = (self.store, run.model, stored.id, stored.body["input"], unique)
        if plan_is_cheap(run.model, stored.body["input"], unique):
            try:
                outputs = plan_outputs(*arguments)
            except Exception as exc:  # a renderer bug fails the prediction, never the server
                self._finish(run, "failed", message=f"Output rendering failed: {type(exc).__name__}")
                return
            self._finish(run, "succeeded", outputs)
        else:
            self._spawn(self._plan_and_succeed(run, arguments))

    async def _plan_and_succeed(self, run: Run, arguments: tuple[Any, ...]) -> None:
        stored = run.stored
        try:
            outputs = await self.loop.run_in_executor(self._executor, plan_outputs, *arguments)
        except Exception as exc:  # a renderer bug fails the prediction, never the server
            if self.runs.get(stored.id) is run:
                self._finish(run, "failed", message=f"Output rendering failed: {type(exc).__name__}")
            return
        if self.runs.get(stored.id) is run:  # not cancelled, deleted or reset meanwhile
            self._finish(run, "succeeded", outputs)
        else:  # outputs that show file inputs were written already (see plan_outputs)
            self.store.remove_files(stored.id)

    # ---- output files ----------------------------------------------------------------------

    async def materialize(self, stored: StoredPrediction, name: str) -> None:
        """Render and write one planned output file of a finished prediction (in the thread pool;
        concurrent first downloads share one rendering)."""
        key = (stored.id, name)
        writing = self._writing.get(key)
        if writing is None:
            model = self.catalog.get(stored.model)
            if model is None:
                return
            unique = bool(stored.plan.get("unique", not self.shared_outputs))
            arguments = (self.store, model, stored.id, stored.body["input"], name, unique)
            writing = self.loop.run_in_executor(self._executor, write_output, *arguments)
            self._writing[key] = writing
            writing.add_done_callback(lambda _: self._writing.pop(key, None))
        await asyncio.shield(writing)
        if self.store.get_prediction(stored.id) is None:  # deleted while it was being written
            self.store.remove_files(stored.id)

    def _finish(
        self,
        run: Run,
        status: str,
        result: tuple[list[dict[str, Any]], str | None] | None = None,
        message: str | None = None,
    ) -> None:
        if run.handle:
            run.handle.cancel()
        run.handle = run.tick = None
        stored, body = run.stored, run.stored.body
        body["completed_at"] = utc_offset_now()
        metrics = _final_times(stored)
        if status == "succeeded" and result is not None:
            files, text = result
            metrics["progress"] = 100
            if files:
                if run.model.type == "image":
                    metrics["image_count"] = len(files)
                metrics["asset_count"] = len(files)
                urls = [f["url"] for f in files]
                body["output"] = urls if run.model.output_is_list else urls[0]
            else:
                body["output"] = text if text is not None else ""
            credits = run.model.credits(body["input"], max(1, len(files)))
            self.accounts.charge(run.account, credits)
            body["metadata"] = {
                "billing": {"credits_used": credits},
                "storage": {"files": files},
                "data_available": bool(files),
            }
            stored.plan["files"] = bool(files)
        elif status == "failed":
            body["error"] = message or stored.plan.get("message") or "Prediction failed."
        body["metrics"] = metrics
        body["response"] = body["error"] if status == "failed" else _MESSAGES[status]
        self._set_status(run, status)
        if body["output"] is not None:
            run.events.emit("output", None)
        run.events.emit("done", None)
        self.runs.pop(stored.id, None)
        self.store.update_prediction(stored)
        self._notify(run, _WEBHOOK_EVENTS[status])
        if run.done:
            run.done.set()
        run.events.close()

    def _set_status(self, run: Run, status: str) -> None:
        body = run.stored.body
        body["status"] = status
        body["updated_at"] = utc_now()
        if status not in TERMINAL_STATUSES:
            body["response"] = _MESSAGES[status]
            self.store.update_prediction(run.stored)
        run.events.emit("status", status)

    # ---- webhooks --------------------------------------------------------------------------

    def _notify(self, run: Run, event: str) -> None:
        self._notify_for(run.stored, run.account, event)

    def _notify_for(self, stored: StoredPrediction, account: Account, event: str) -> None:
        webhook = stored.body.get("webhook") or {}
        if not webhook.get("url"):
            return
        account = self.accounts.get(account.id) or account
        payload = present(stored, stored.origin)
        if event == "started":
            payload["status"] = "started"
        self.dispatcher.notify(
            signing_key=account.api_key,
            secret=account.whsec,
            webhook=webhook,
            event=event,
            prediction=payload,
            account=account.id,
        )

    # ---- resume ----------------------------------------------------------------------------

    def _resume(self, stored: StoredPrediction) -> None:
        """Continue a prediction a previous process left unfinished, from its stored status.

        One whose model is no longer in the catalog (a custom catalog changed between runs), or whose
        account is gone, cannot go on: it fails at once, with an ``error`` that says why.
        """
        model = self.catalog.get(stored.model)
        account = self.accounts.get(stored.account)
        if model is None or account is None:
            missing = (
                f"model '{stored.model}' is no longer in the catalog" if model is None else "account is gone"
            )
            self._fail_unresumable(
                stored, account, f"The prediction could not resume after a restart: its {missing}."
            )
            return
        run = Run(stored, model, account)
        self.runs[stored.id] = run
        plan, status = stored.plan, stored.status
        if plan.get("outcome") == "pending":
            return
        if plan.get("outcome") == "instant":  # its start was never stored: it starts again
            self._spawn(self._finish_instantly(run))
        elif status == "pending":
            self._schedule(run, plan["queue_s"], lambda: self._enter_starting(run))
        elif status == "starting":
            self._schedule(run, plan["boot_s"], lambda: self._enter_processing(run))
        else:
            self._schedule_progress(run)

    def _fail_unresumable(self, stored: StoredPrediction, account: Account | None, message: str) -> None:
        """Fail a stored prediction that cannot run again (its ``failed`` webhook is sent)."""
        body = stored.body
        body["metrics"] = _final_times(stored)
        body["status"], body["error"], body["response"] = "failed", message, message
        body["completed_at"], body["updated_at"] = utc_offset_now(), utc_now()
        events = PredictionEvents(stored.plan.setdefault("events", []))
        events.emit("status", "failed")
        events.emit("done", None)
        self.store.update_prediction(stored)
        if account is not None:
            self._notify_for(stored, account, _WEBHOOK_EVENTS["failed"])

    def _spawn(self, coro: Any) -> None:
        task = self.loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _final_times(stored: StoredPrediction) -> dict[str, Any]:
    """The prediction's metrics with ``predict_time`` and ``total_time`` as of now (seconds)."""
    t_now = time.time()
    metrics = dict(stored.body["metrics"])
    t_started = stored.plan.get("t_started")
    metrics["predict_time"] = round(t_now - t_started, 6) if t_started else 0.0
    metrics["total_time"] = round(t_now - stored.plan["t_created"], 6)
    return metrics

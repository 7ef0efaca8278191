"""State survives a restart, and predictions in flight when the process dies finish after it restarts."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from skytells.emulator import EmulatorServer
from skytells.emulator.store import Store
from tests.emulator.emulator_support import fast_config, wait_terminal
from tests.waiting import wait_until

KEY = {"x-api-key": "sk-test-persist"}


def test_a_restart_keeps_predictions_files_and_accounts(tmp_path: Path, plain: httpx.Client) -> None:
    with EmulatorServer(fast_config(data_dir=str(tmp_path), speed=1.0)) as first:
        first.admin("POST", "/accounts", {"api_key": KEY["x-api-key"], "credits": 5})
        first.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "instant", "count": 1})
        first.admin("POST", "/outcomes", {"model": "FLUX.2-pro", "outcome": "pending", "count": 1})
        body = {"model": "flux-pro", "input": {"prompt": "kept"}}
        done = plain.post(first.base_url + "/predictions", json=body, headers=KEY).json()
        body = {"model": "FLUX.2-pro", "input": {"prompt": "held"}}
        held = plain.post(first.base_url + "/predictions", json=body, headers=KEY).json()
        body = {"model": "truefusion-x", "input": {"prompt": "running"}}
        running = plain.post(first.base_url + "/predictions", json=body, headers=KEY).json()
        secret = plain.get(first.base_url + "/webhooks/default/secret", headers=KEY).json()["secret"]
    assert done["status"] == "succeeded"

    with EmulatorServer(fast_config(data_dir=str(tmp_path))) as second:
        with httpx.Client(base_url=second.base_url, headers=KEY, trust_env=False) as http:
            again = http.get(f"/predictions/{done['id']}").json()
            finished = wait_terminal(http, running["id"])
            still_held = http.get(f"/predictions/{held['id']}").json()
            listed = http.get("/predictions").json()
            assert http.get("/webhooks/default/secret").json()["secret"] == secret
        (account,) = second.admin("GET", "/accounts")
        file = plain.get(again["output"][0])

    assert again["output"][0].startswith(second.base_url)  # URLs follow the new port
    assert {k: v for k, v in again.items() if k not in ("output", "urls", "metadata")} == {
        k: v for k, v in done.items() if k not in ("output", "urls", "metadata")
    }
    assert file.status_code == 200 and len(file.content) == again["metadata"]["storage"]["files"][0]["size"]
    assert finished["status"] == "succeeded"
    assert still_held["status"] == "pending"
    assert listed["pagination"]["total"] == 3
    assert account["credits"] < 5


def test_a_create_is_committed_before_it_answers_and_later_changes_soon_after(
    tmp_path: Path, plain: httpx.Client
) -> None:
    """Writes of one loop turn share a transaction; a request commits what it changed before it answers."""
    with EmulatorServer(fast_config(data_dir=str(tmp_path), speed=1.0)) as server:
        server.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "instant", "count": 1})
        reader = sqlite3.connect(tmp_path / "emulator.sqlite3")  # another connection sees commits only
        try:
            body = {"model": "truefusion-x", "input": {"prompt": "durable"}}
            headers = {**KEY, "Idempotency-Key": "durable-1"}
            created = plain.post(server.base_url + "/predictions", json=body, headers=headers).json()
            rows = reader.execute("SELECT status FROM predictions WHERE id = ?", (created["id"],)).fetchall()
            keys = reader.execute("SELECT key FROM idempotency WHERE prediction_id = ?", (created["id"],))
            assert rows == [("pending",)] and keys.fetchall() == [("durable-1",)]

            body = {"model": "flux-pro", "input": {"prompt": "finished before it answers"}}
            done = plain.post(server.base_url + "/predictions", json=body, headers=KEY).json()
            row = reader.execute("SELECT status FROM predictions WHERE id = ?", (done["id"],)).fetchone()
            assert done["status"] == "succeeded" and row == ("succeeded",)

            url = f"{server.base_url}/predictions/{created['id']}"
            assert plain.post(url + "/cancel", headers=KEY).json()["status"] == "cancelled"
            row = reader.execute("SELECT status FROM predictions WHERE id = ?", (created["id"],)).fetchone()
            assert row == ("cancelled",)
            assert plain.delete(url + "/delete", headers=KEY).status_code < 300
            gone = reader.execute("SELECT status FROM predictions WHERE id = ?", (created["id"],)).fetchall()
            assert gone == []
        finally:
            reader.close()


def test_an_instant_prediction_cut_off_before_it_finished_resumes_from_its_start(
    tmp_path: Path, plain: httpx.Client
) -> None:
    with EmulatorServer(fast_config(data_dir=str(tmp_path))) as first:
        first.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "pending"})
        body = {"model": "flux-pro", "input": {"prompt": "cut off"}}
        created = plain.post(first.base_url + "/predictions", json=body, headers=KEY).json()
    store = Store(tmp_path)  # as an `instant` prediction is stored until it finishes: still pending
    stored = store.get_prediction(created["id"])
    assert stored is not None
    stored.plan["outcome"] = "instant"
    store.update_prediction(stored)
    store.close()

    with EmulatorServer(fast_config(data_dir=str(tmp_path))) as second:
        with httpx.Client(base_url=second.base_url, headers=KEY, trust_env=False) as http:
            done = wait_terminal(http, created["id"])
            with http.stream(
                "GET", f"/predictions/{created['id']}/stream", headers={"accept": "text/event-stream"}
            ) as response:
                events = "".join(response.iter_text())

    assert done["status"] == "succeeded"
    times = [
        datetime.fromisoformat(done[k].replace("Z", "+00:00"))
        for k in ("created_at", "started_at", "completed_at")
    ]
    assert times == sorted(times)
    assert done["metrics"]["predict_time"] > 0
    assert '"status":"started"' in events


@contextmanager
def emulator_process(data_dir: Path, speed: float) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m skytells.emulator`` on a free port; (process, base URL printed on stdout)."""
    command = [sys.executable, "-m", "skytells.emulator", "--port", "0", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--speed", str(speed), "--rate-limit", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:") and line.endswith("/v1"), line
        yield process, line
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


@pytest.mark.slow
def test_a_prediction_in_flight_survives_kill_9(tmp_path: Path, plain: httpx.Client) -> None:
    with emulator_process(tmp_path, speed=1.0) as (process, base_url):
        body = {"model": "truefusion-pro", "input": {"prompt": "survivor"}}
        created = plain.post(base_url + "/predictions", json=body, headers=KEY).json()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    assert created["status"] == "pending"

    with emulator_process(tmp_path, speed=100.0) as (_, base_url):
        with httpx.Client(base_url=base_url, headers=KEY, trust_env=False) as http:
            finished = wait_terminal(http, created["id"])
            image = plain.get(finished["output"][0])

    assert finished["status"] == "succeeded"
    assert image.status_code == 200 and image.headers["content-type"] == "image/webp"


def test_main_without_a_data_dir_says_it_uses_a_temporary_one() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "skytells.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first, second = process.stdout.readline(), process.stdout.readline()
        health = httpx.get(second.strip().removesuffix("/v1") + "/_emulator/health", trust_env=False)
    finally:
        process.kill()
        process.wait(10)
    assert "temporary" in first
    assert health.json()["status"] == "ok"


def test_main_rejects_bad_flags_with_a_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skytells.emulator", "--speed", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "speed" in result.stderr and "Traceback" not in result.stderr


def test_stopping_answers_held_await_creates_at_once(plain: httpx.Client) -> None:
    emu = EmulatorServer(fast_config()).start()
    emu.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
    answers: list[tuple[int, str]] = []

    def held() -> None:
        body = {"model": "flux-pro", "input": {"prompt": "x"}, "await": True}
        response = plain.post(emu.base_url + "/predict", json=body, headers=KEY)
        answers.append((response.status_code, response.json()["status"]))

    thread = threading.Thread(target=held)
    thread.start()
    wait_until(lambda: emu.admin("GET", "/health")["in_flight"], "the held create")
    emu.stop()
    thread.join(10)
    assert answers == [(200, "pending")]

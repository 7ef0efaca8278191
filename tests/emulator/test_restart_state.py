"""What a restart on the same data directory keeps besides predictions: fault rules, outcome rules and the
webhook delivery log; and what it does with a prediction whose model left a custom catalog."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from skytells.emulator import EmulatorServer
from skytells.emulator.faults.injector import FaultInjector
from skytells.emulator.faults.persistence import PersistentFaultInjector
from skytells.emulator.store import Store
from tests.emulator.emulator_support import fast_config, wait_terminal

KEY = {"x-api-key": "sk-test-restart"}


def packaged_models(*slugs: str) -> list[dict[str, Any]]:
    text = resources.files("skytells.emulator").joinpath("data/models.json").read_text(encoding="utf-8")
    return [entry for entry in json.loads(text) if entry["namespace"] in slugs]


def catalog_file(path: Path, *slugs: str) -> str:
    path.write_text(json.dumps(packaged_models(*slugs)), encoding="utf-8")
    return str(path)


def test_a_prediction_whose_model_left_the_catalog_fails_on_restart(tmp_path: Path) -> None:
    both = catalog_file(tmp_path / "both.json", "truefusion", "flux-pro")
    data = str(tmp_path / "data")
    with EmulatorServer(fast_config(data_dir=data, catalog_path=both)) as first:
        first.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "pending"})
        with httpx.Client(base_url=first.base_url, headers=KEY, trust_env=False) as http:
            body = {"model": "flux-pro", "input": {"prompt": "orphan"}}
            orphan = http.post("/predictions", json=body).json()
            kept = http.post("/predictions", json={"model": "truefusion", "input": {"prompt": "kept"}}).json()
    assert orphan["status"] == "pending"

    only_truefusion = catalog_file(tmp_path / "one.json", "truefusion")
    with EmulatorServer(fast_config(data_dir=data, catalog_path=only_truefusion)) as second:
        with httpx.Client(base_url=second.base_url, headers=KEY, trust_env=False) as http:
            failed = http.get(f"/predictions/{orphan['id']}").json()
            finished = wait_terminal(http, kept["id"])
            with http.stream(
                "GET", f"/predictions/{orphan['id']}/stream", headers={"accept": "text/event-stream"}
            ) as response:
                events = "".join(response.iter_text())
        assert second.admin("GET", "/health")["in_flight"] == 0

    assert failed["status"] == "failed"
    assert failed["error"] == failed["response"]
    assert "flux-pro" in failed["error"] and "no longer in the catalog" in failed["error"]
    assert failed["completed_at"] and failed["output"] is None
    assert "event: done" in events and '"status":"failed"' in events
    assert finished["status"] == "succeeded"


def test_fault_and_outcome_rules_survive_a_restart_with_their_counters(tmp_path: Path) -> None:
    configured = {"id": "from-config", "route": "/v1/webhooks/*", "status": 500}
    config = fast_config(data_dir=str(tmp_path), faults=(configured,))
    with EmulatorServer(config) as first:
        added = first.admin("POST", "/faults", {"route": "/v1/models", "status": 503, "first": 3})
        first.admin("POST", "/faults", {"spec": "GET /v1/model/* status=429 retry_after=2"})
        first.admin(
            "POST", "/outcomes", {"model": "flux-pro", "outcome": "fail", "message": "kept", "count": 2}
        )
        first.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
        with httpx.Client(base_url=first.base_url, headers=KEY, trust_env=False) as http:
            assert http.get("/models").status_code == 503
            used = http.post("/predictions", json={"model": "flux-pro", "input": {"prompt": "x"}}).json()
        before = first.admin("GET", "/faults")["faults"]
        outcomes_before = first.admin("GET", "/outcomes")

    with EmulatorServer(config) as second:
        after = second.admin("GET", "/faults")["faults"]
        outcomes_after = second.admin("GET", "/outcomes")
        with httpx.Client(base_url=second.base_url, headers=KEY, trust_env=False) as http:
            models = http.get("/models")
            failing = http.post("/predictions", json={"model": "flux-pro", "input": {"prompt": "y"}}).json()
            held = http.post("/predictions", json={"model": "truefusion", "input": {"prompt": "z"}}).json()
            done = wait_terminal(http, failing["id"])
        newer = second.admin("POST", "/faults", {"route": "/v1/files/*", "status": 500})

    assert after == before  # the same rules, ids, order and counters; the configured one once
    assert [rule["id"] for rule in after] == ["from-config", added["id"], "flt_2"]
    assert after[1]["matched"] == 1 and after[1]["remaining"] == 2
    assert models.status_code == 503
    assert outcomes_after == outcomes_before and outcomes_after[0]["count"] == 1
    assert used["status"] != "failed" or used["error"] == "kept"
    assert done["status"] == "failed" and done["error"] == "kept"
    assert held["status"] == "pending"
    assert newer["id"] == "flt_3"  # an id no stored rule has


def test_a_configured_rule_is_added_afresh_and_a_deleted_one_stays_deleted(tmp_path: Path) -> None:
    config = fast_config(data_dir=str(tmp_path), faults=({"route": "/v1/models", "status": 503, "first": 1},))
    with EmulatorServer(config) as first:
        with httpx.Client(base_url=first.base_url, headers=KEY, trust_env=False) as http:
            assert http.get("/models").status_code == 503
            assert http.get("/models").status_code == 200
        extra = first.admin("POST", "/faults", {"route": "/v1/model/*", "status": 500})
        first.admin("DELETE", f"/faults/{extra['id']}")

    with EmulatorServer(config) as second:
        faults = second.admin("GET", "/faults")["faults"]

    assert [(rule["route"], rule["matched"]) for rule in faults] == [("/v1/models", 0)]


def test_reset_clears_the_stored_rules_and_deliveries(tmp_path: Path) -> None:
    config = fast_config(data_dir=str(tmp_path))
    with EmulatorServer(config) as first:
        first.admin("POST", "/faults", {"route": "/v1/models", "status": 503})
        first.admin("POST", "/outcomes", {"model": "*", "outcome": "instant"})
        with httpx.Client(base_url=first.base_url, headers=KEY, trust_env=False) as http:
            webhook = {"url": f"http://127.0.0.1:{free_port()}/hook", "events": ["completed"]}
            body = {"model": "truefusion", "input": {"prompt": "x"}, "webhook": webhook}
            http.post("/predictions", json=body)
        wait_for(lambda: first.admin("GET", "/webhooks/deliveries"))
        first.reset()

    store = Store(tmp_path)
    try:
        assert store.load_rules("fault") == store.load_rules("outcome") == []
        assert store.load_deliveries() == []
    finally:
        store.close()
    with EmulatorServer(config) as second:
        assert second.admin("GET", "/faults")["faults"] == []
        assert second.admin("GET", "/outcomes") == []
        assert second.admin("GET", "/webhooks/deliveries") == []


def test_the_delivery_log_survives_and_a_retrying_delivery_carries_on(tmp_path: Path) -> None:
    port = free_port()
    hook = {"url": f"http://127.0.0.1:{port}/hook", "events": ["completed"]}
    with EmulatorServer(fast_config(data_dir=str(tmp_path), speed=1.0)) as first:
        first.admin("POST", "/outcomes", {"model": "*", "outcome": "instant"})
        with httpx.Client(base_url=first.base_url, headers=KEY, trust_env=False) as http:
            body = {"model": "truefusion", "input": {"prompt": "x"}, "webhook": hook}
            created = http.post("/predictions", json=body).json()
        (entry,) = wait_for(
            lambda: [d for d in first.admin("GET", "/webhooks/deliveries") if d["status"] == "retrying"]
        )  # the receiver is down: the first attempt failed, the next is a second away

    with receiving(port) as bodies, EmulatorServer(fast_config(data_dir=str(tmp_path))) as second:
        (delivered,) = wait_for(
            lambda: [d for d in second.admin("GET", "/webhooks/deliveries") if d["status"] == "delivered"]
        )
        replayed = second.admin("POST", f"/webhooks/deliveries/{entry['id']}/replay")
        wait_for(lambda: len(bodies) >= 2)

    assert delivered["id"] == entry["id"] and delivered["prediction_id"] == created["id"]
    assert delivered["attempts"] >= 2 and delivered["created_at"] == entry["created_at"]
    assert replayed["id"] == entry["id"]
    assert all(json.loads(raw)["id"] == created["id"] for raw in bodies)
    assert "sk-test-restart" not in json.dumps(delivered)


def test_an_automatic_fault_id_never_repeats_one_a_rule_was_given() -> None:
    faults = FaultInjector([{"action": "drop", "id": "flt_1"}, {"action": "drop", "id": "flt_3"}])
    assert [faults.add({"action": "drop"})["id"] for _ in range(3)] == ["flt_2", "flt_4", "flt_5"]


def test_stored_fault_rules_are_the_json_they_were_added_as(tmp_path: Path) -> None:
    """As given, not as the injector shows it with its defaults: a later version re-reads it the same way."""
    store = Store(tmp_path)
    try:
        faults = PersistentFaultInjector(store)
        faults.add({"route": "/v1/models", "status": 503, "message": "down", "first": 2})
        ((rule, state),) = store.load_rules("fault")
        assert rule == {"route": "/v1/models", "status": 503, "message": "down", "first": 2, "id": "flt_1"}
        assert state == {"matched": 0}
        faults.pick("GET", "/v1/models", None)
        assert store.load_rules("fault")[0][1] == {"matched": 1}
        again = PersistentFaultInjector(store)
        assert again.list() == faults.list()
    finally:
        store.close()


def test_a_stored_rule_that_no_longer_validates_is_dropped_on_start(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        store.save_rule("fault", "flt_9", {"id": "flt_9", "action": "no-such-action"}, {"matched": 0})
        store.save_rule("fault", "mine", {"id": "mine", "route": "/v1/models", "status": 500}, {})
        faults = PersistentFaultInjector(store, [{"id": "mine", "action": "drop"}])
        assert [(rule["id"], rule["action"]) for rule in faults.list()] == [("mine", "drop")]
        assert store.load_rules("fault") == []
    finally:
        store.close()


# --- helpers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(probe: Any, timeout: float = 15.0) -> Any:
    """Call `probe` until it returns something truthy (fails the test after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout}s")
        time.sleep(0.05)


@contextmanager
def receiving(port: int) -> Iterator[list[bytes]]:
    """A webhook receiver on 127.0.0.1:`port` answering 200; the bodies it got."""
    bodies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield bodies
    finally:
        server.shutdown()
        server.server_close()

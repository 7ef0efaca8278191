"""The receivers of docs/webhooks.md run as written, each receiving deliveries the emulator signed
through its framework's test client, and print what their handlers say.

The framework apps need that harness, so the generic runner (test_docs_examples.py) skips them, its
reason naming this file; the page's other blocks are plain scripts it runs and checks itself."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from starlette.testclient import TestClient

from skytells.emulator import EmulatorServer
from tests.docs.webhook_receiver import Delivery
from tests.webhooks.django_support import URLConf, configure_django
from tests.webhooks.webhook_support import Captured, capture_deliveries

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
FENCES = re.findall(r"```python([^\n]*)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
BLOCKS = [source for _, source in FENCES]
TAGS = ("app.py (FastAPI)", "app.py (Flask)", "urls.py (Django)", "any framework")


def block(tag: str) -> str:
    """The block whose first line is ``# <tag>``."""
    found = [b for b in BLOCKS if b.startswith(f"# {tag}\n")]
    assert len(found) == 1, f"no single block tagged {tag!r}"
    return found[0]


@pytest.fixture(scope="module")
def fresh(emulator_server: EmulatorServer) -> Captured:
    """Deliveries signed just now (the examples check timestamps against the real clock)."""
    return capture_deliveries(emulator_server)


@pytest.fixture
def env(fresh: Captured, monkeypatch: pytest.MonkeyPatch) -> Captured:
    monkeypatch.setenv("SKYTELLS_WEBHOOK_SECRET", fresh.secret)
    monkeypatch.setenv("SKYTELLS_API_KEY", fresh.api_key)
    return fresh


def run(source: str, name: str, **names: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": name, **names}
    exec(compile(source, f"{DOC}:{name}", "exec"), namespace)
    return namespace


def printed_by(send: Callable[[Delivery], Any], deliveries: list[Delivery]) -> tuple[list[Any], list[str]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        answers = [send(delivery) for delivery in deliveries]
    return answers, out.getvalue().splitlines()


def test_the_blocks_the_generic_runner_skips_are_the_framework_apps_run_here() -> None:
    skipped = {source.partition("\n")[0]: info for info, source in FENCES if 'test="skip"' in info}
    assert list(skipped) == [f"# {tag}" for tag in TAGS[:3]]
    assert all('reason="run by tests/docs/test_webhooks_docs.py' in info for info in skipped.values())
    for tag in TAGS:
        block(tag)


def test_fastapi(env: Captured) -> None:
    app = run(block("app.py (FastAPI)"), "fastapi_example")["app"]
    with TestClient(app) as client:

        def send(delivery: Delivery, path: str = "/webhooks/skytells") -> tuple[int, Any]:
            answer = client.post(path, content=delivery.body, headers=delivery.headers)
            return answer.status_code, answer.json()

        answers, lines = printed_by(
            send, [env.completed, env.completed, env.failed, env.bad_signature, env.stale]
        )
        answered = send(env.completed, "/webhooks/skytells/answered")

    assert [status for status, _ in answers] == [200, 200, 200, 401, 400]
    assert answers[1][1]["duplicate"] is True
    assert lines == [
        f"done: {env.completed.json()['id']} {env.completed.json()['output'][0]}",
        f"not done: {env.failed.json()['id']} failed",
    ]
    assert answered == (200, {"received": "completed", "duplicate": True})


def test_flask(env: Captured) -> None:
    client = run(block("app.py (Flask)"), "flask_example")["app"].test_client()

    def send(delivery: Delivery) -> int:
        return client.post("/webhooks/skytells", data=delivery.body, headers=delivery.headers).status_code

    statuses, lines = printed_by(send, [env.completed, env.completed, env.bad_signature, env.stale])

    assert statuses == [200, 200, 401, 400]
    assert lines == [f"done: {env.completed.json()['id']} {env.completed.json()['output'][0]}"]


@pytest.fixture
def django_urls(env: Captured) -> Iterator[dict[str, Any]]:
    configure_django()
    with override_settings(SKYTELLS_WEBHOOK_SECRET=env.secret):
        namespace = run(block("urls.py (Django)"), "django_example")
        with override_settings(ROOT_URLCONF=URLConf(namespace["urlpatterns"])):
            yield namespace


def test_django(env: Captured, django_urls: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)

    def send(delivery: Delivery) -> int:
        answer = client.post(
            "/webhooks/skytells",
            data=delivery.body,
            content_type="application/json",
            headers=delivery.headers,
        )
        return answer.status_code

    statuses, lines = printed_by(send, [env.completed, env.completed, env.bad_signature, env.stale])

    assert statuses == [200, 200, 401, 400]
    assert lines == [f"done: {env.completed.json()['id']} {env.completed.json()['output'][0]}"]


def test_any_framework(env: Captured) -> None:
    on_request = run(block("any framework"), "any_framework")["on_request"]

    answers, lines = printed_by(
        lambda d: on_request(d.headers, d.body), [env.started, env.failed, env.failed, env.bad_signature]
    )

    assert [status for status, _ in answers] == [200, 200, 200, 401]
    assert [body.get("duplicate") for _, body in answers[:3]] == [False, False, True]
    assert lines == [f"started: {env.started.json()['id']}", f"failed: {env.failed.json()['id']}"]

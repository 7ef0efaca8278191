"""Per-key rate limits: the counter on its own (with a hand-driven clock), then the middleware over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from skytells.emulator.errors import ApiError
from skytells.emulator.ratelimit.limiter import RateLimiter
from skytells.emulator.ratelimit.middleware import RateLimitMiddleware, api_key_of
from skytells.emulator.ratelimit.routes import ratelimit_routes
from tests.emulator.emulator_support import LiveServer

KEY_A = "sk-test-limits-a"
KEY_B = "sk-test-limits-b"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the counter -----------------------------------------------------------------------------------


def test_allows_limit_requests_then_refuses_with_retry_after() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    decisions = []
    for _ in range(4):
        decisions.append(limiter.hit(KEY_A))
        clock.now += 10
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[3].retry_after == 30  # the first hit (t=1000) leaves the window at t=1060


def test_the_window_rolls() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 10, clock=clock)
    assert limiter.hit(KEY_A).allowed and limiter.hit(KEY_A).allowed
    assert not limiter.hit(KEY_A).allowed
    clock.now += 10
    assert limiter.hit(KEY_A).allowed
    assert limiter.hit(KEY_A).remaining == 0


def test_retry_after_is_at_least_one_second() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 1, clock=clock)
    limiter.hit(KEY_A)
    clock.now += 0.999
    assert limiter.hit(KEY_A).retry_after == 1


def test_keys_are_counted_apart_and_clear_forgets() -> None:
    limiter = RateLimiter(1, 60)
    assert limiter.hit(KEY_A).allowed
    assert limiter.hit(KEY_B).allowed
    assert not limiter.hit(KEY_A).allowed
    limiter.clear()
    assert limiter.hit(KEY_A).allowed


def test_clear_restores_the_configured_limit() -> None:
    limiter = RateLimiter(5, 60)
    limiter.configure(limit=1, window=3)
    limiter.clear()
    assert limiter.settings() == {"limit": 5, "window": 60.0, "enabled": True}


def test_keys_are_not_kept_in_clear_text() -> None:
    limiter = RateLimiter(5, 60)
    limiter.hit(KEY_A)
    assert KEY_A not in repr(vars(limiter))


def test_configure_changes_limits_and_refuses_nonsense() -> None:
    limiter = RateLimiter(1, 60)
    limiter.configure(limit=5, window=2.5)
    assert limiter.settings() == {"limit": 5, "window": 2.5, "enabled": True}
    limiter.configure(limit=0)
    assert limiter.settings()["enabled"] is False
    for bad in ({"limit": "ten"}, {"window": 0}, {"window": -1}, {"limit": True}):
        with pytest.raises(ApiError) as caught:
            limiter.configure(**bad)
        assert caught.value.error_id == "INVALID_PARAMETER"


def test_stale_keys_are_pruned() -> None:
    clock = Clock()
    limiter = RateLimiter(10, 1, clock=clock)
    for index in range(2000):
        limiter.hit(f"sk-test-{index}")
    clock.now += 5
    for _ in range(1024):
        limiter.hit(KEY_A)
    assert len(limiter._hits) < 10


@pytest.mark.parametrize(
    ("headers", "key"),
    [
        ([(b"x-api-key", b"sk-test-x")], "sk-test-x"),
        ([(b"authorization", b"Bearer sk-test-y")], "sk-test-y"),
        ([(b"authorization", b"bearer  sk-test-y ")], "sk-test-y"),
        ([(b"authorization", b"Basic abc")], None),
        ([(b"x-api-key", b"  ")], None),
        ([(b"x-api-key", b"  "), (b"authorization", b"Bearer sk-test-y")], None),  # the app answers 401
        ([], None),
    ],
)
def test_api_key_of(headers: list[tuple[bytes, bytes]], key: str | None) -> None:
    assert api_key_of({"type": "http", "headers": headers}) == key


# --- the middleware over HTTP ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[str, RateLimiter, list[str]]]:
    limiter = RateLimiter(3, 60)
    reached: list[str] = []

    async def models(request: Request) -> JSONResponse:
        reached.append(request.url.path)
        if "x-api-key" not in request.headers and "authorization" not in request.headers:
            return JSONResponse({"error": "no key"}, status_code=401)
        return JSONResponse([])

    routes = [
        Route("/v1/models", models),
        Route("/_emulator/health", lambda request: JSONResponse({"status": "ok"})),
        *ratelimit_routes(limiter),
    ]
    with LiveServer(RateLimitMiddleware(Starlette(routes=routes), limiter)) as server:
        yield server.url, limiter, reached


@pytest.fixture
def live(stack: tuple[str, RateLimiter, list[str]]) -> Iterator[tuple[httpx.Client, RateLimiter, list[str]]]:
    url, limiter, reached = stack
    limiter.configure(limit=3, window=60)
    limiter.clear()
    reached.clear()
    with httpx.Client(base_url=url, timeout=5) as client:
        yield client, limiter, reached


def test_every_keyed_answer_carries_the_headers_and_the_fourth_is_refused(live: Any) -> None:
    client, _, reached = live
    responses = [client.get("/v1/models", headers={"x-api-key": KEY_A}) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["x-skytells-ratelimit-remaining-requests"] for r in responses] == ["2", "1", "0", "0"]
    for response in responses:
        assert response.headers["x-skytells-ratelimit-limit-requests"] == "3"
        assert response.headers["x-skytells-ratelimit-window"] == "60"
        assert response.headers["x-skytells-ratelimit-limit-tokens-in"] == "-"
        assert response.headers["x-skytells-ratelimit-remaining-tokens-out"] == "-"
    assert "retry-after" not in responses[0].headers
    refused = responses[3]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    body = refused.json()
    assert body["status"] is False
    assert body["error"]["error_id"] == "RATE_LIMIT_EXCEEDED"
    assert body["error"]["http_status"] == 429
    assert KEY_A not in refused.text
    assert len(reached) == 3  # the refused request never reached the app


def test_bearer_and_x_api_key_share_one_budget_per_key(live: Any) -> None:
    client, _, _ = live
    client.get("/v1/models", headers={"x-api-key": KEY_A})
    client.get("/v1/models", headers={"authorization": f"Bearer {KEY_A}"})
    client.get("/v1/models", headers={"x-api-key": KEY_A})
    assert client.get("/v1/models", headers={"authorization": f"Bearer {KEY_A}"}).status_code == 429
    assert client.get("/v1/models", headers={"x-api-key": KEY_B}).status_code == 200


def test_requests_without_a_key_reach_the_app_for_their_401(live: Any) -> None:
    client, _, reached = live
    for _ in range(5):
        response = client.get("/v1/models")
        assert response.status_code == 401
        assert "x-skytells-ratelimit-limit-requests" not in response.headers
    assert len(reached) == 5


def test_admin_paths_are_not_limited(live: Any) -> None:
    client, limiter, _ = live
    limiter.configure(limit=1)
    for _ in range(3):
        response = client.get("/_emulator/health", headers={"x-api-key": KEY_A})
        assert response.status_code == 200
        assert "x-skytells-ratelimit-limit-requests" not in response.headers


def test_admin_api_changes_the_limit_at_run_time(live: Any) -> None:
    client, _, _ = live
    assert client.get("/_emulator/ratelimit").json() == {"limit": 3, "window": 60.0, "enabled": True}
    assert client.post("/_emulator/ratelimit", json={"limit": 1, "window": 5}).status_code == 200
    first = client.get("/v1/models", headers={"x-api-key": KEY_A})
    assert first.headers["x-skytells-ratelimit-window"] == "5"
    second = client.get("/v1/models", headers={"x-api-key": KEY_A})
    assert second.status_code == 429
    assert 1 <= int(second.headers["retry-after"]) <= 5


def test_a_zero_limit_switches_limiting_off(live: Any) -> None:
    client, _, _ = live
    client.post("/_emulator/ratelimit", json={"limit": 0})
    responses = [client.get("/v1/models", headers={"x-api-key": KEY_A}) for _ in range(5)]
    assert {r.status_code for r in responses} == {200}
    assert responses[-1].headers["x-skytells-ratelimit-limit-requests"] == "-"
    assert responses[-1].headers["x-skytells-ratelimit-window"] == "-"


@pytest.mark.parametrize(
    "payload",
    [b"{oops", b"[1]", b'{"limit": "lots"}', b'{"window": 0}', b'{"burst": 3}'],
)
def test_admin_api_refuses_bad_settings(live: Any, payload: bytes) -> None:
    client, limiter, _ = live
    response = client.post("/_emulator/ratelimit", content=payload)
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] in {"INVALID_JSON", "INVALID_PARAMETER"}
    assert limiter.settings() == {"limit": 3, "window": 60.0, "enabled": True}

"""The admin token: required to listen beyond loopback, enforced on /_emulator/* whenever it is set.

Nothing here listens on anything but 127.0.0.1: a non-loopback configuration is refused while the
configuration is built, before any socket exists.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from skytells.emulator import EmulatorConfig, EmulatorServer, create_app
from skytells.emulator.cli import config_from_args
from skytells.emulator.config import AdminTokenRequired, is_loopback_host
from tests.emulator.emulator_support import fast_config

TOKEN = "adm-8f2c1e7d-test-token"
KEY = {"x-api-key": "sk-test-admin-token"}


@pytest.fixture(scope="module")
def guarded() -> Iterator[EmulatorServer]:
    with EmulatorServer(fast_config(admin_token=TOKEN)) as server:
        yield server


@pytest.fixture
def root(guarded: EmulatorServer) -> Iterator[httpx.Client]:
    guarded.reset()
    with httpx.Client(base_url=guarded.root_url, timeout=30, trust_env=False) as client:
        yield client


def admin_routes() -> list[tuple[str, str]]:
    """(method, path) of every admin route the app mounts."""
    found = []
    for route in create_app(EmulatorConfig()).routes:
        path = getattr(route, "path", "")
        if path.startswith("/_emulator/"):
            path = path.replace("{fault_id}", "flt_1").replace("{delivery_id}", "msg_x")
            found += [(method, path) for method in sorted(getattr(route, "methods", ())) if method != "HEAD"]
    return found


# --- where a token is needed -------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LocalHost"])
def test_loopback_hosts_need_no_token(host: str) -> None:
    assert is_loopback_host(host)
    assert EmulatorConfig(host=host).admin_token is None


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "", "::", "10.1.2.3", "192.168.0.7", "::ffff:10.0.0.1", "example.com", "my-laptop"]
)
def test_any_other_host_without_a_token_is_refused_before_binding(host: str) -> None:
    assert not is_loopback_host(host)
    with pytest.raises(AdminTokenRequired, match="not a loopback address") as refused:
        EmulatorConfig(host=host)
    message = str(refused.value)
    assert "--admin-token" in message and "SKYTELLS_EMULATOR_ADMIN_TOKEN" in message
    assert "X-Emulator-Admin-Token" in message
    assert EmulatorConfig(host=host, admin_token=TOKEN).admin_token == TOKEN


def test_a_loopback_config_cannot_be_turned_public_without_a_token() -> None:
    with pytest.raises(ValueError, match="not a loopback address"):
        dataclasses.replace(EmulatorConfig(), host="0.0.0.0")


@pytest.mark.parametrize("token", ["", "two words", "tab\there", "naïve", "line\nbreak"])
def test_a_token_that_cannot_go_in_a_header_is_refused(token: str) -> None:
    with pytest.raises(ValueError, match="admin token"):
        EmulatorConfig(admin_token=token)


def test_the_token_never_shows_in_the_configs_repr() -> None:
    assert TOKEN not in repr(EmulatorConfig(admin_token=TOKEN))


def test_the_command_line_takes_the_token_from_its_flag_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SKYTELLS_EMULATOR_ADMIN_TOKEN", raising=False)
    assert config_from_args([]).admin_token is None
    assert config_from_args(["--admin-token", TOKEN]).admin_token == TOKEN
    monkeypatch.setenv("SKYTELLS_EMULATOR_ADMIN_TOKEN", "from-env")
    assert config_from_args([]).admin_token == "from-env"
    assert config_from_args(["--admin-token", TOKEN]).admin_token == TOKEN
    assert config_from_args(["--host", "0.0.0.0"]).host == "0.0.0.0"


def test_the_command_line_refuses_a_public_host_without_a_token_and_says_why() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SKYTELLS_EMULATOR_ADMIN_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "skytells.emulator", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "SKYTELLS_EMULATOR_ADMIN_TOKEN": ""},  # empty counts as unset
    )
    assert result.returncode != 0
    assert "not a loopback address" in result.stderr and "--admin-token" in result.stderr
    assert "Traceback" not in result.stderr and "usage:" not in result.stderr and result.stdout == ""


def test_the_skytells_command_refuses_it_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from skytells._cli._app import cli

    monkeypatch.delenv("SKYTELLS_EMULATOR_ADMIN_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["emulator", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "not a loopback address" in result.output


# --- a token-protected emulator on 127.0.0.1 -------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [r for r in admin_routes() if r != ("GET", "/_emulator/health")])
def test_every_admin_route_answers_401_without_the_token(root: httpx.Client, method: str, path: str) -> None:
    response = root.request(method, path, json={})
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error"]["error_id"] == "UNAUTHORIZED" and body["error"]["http_status"] == 401
    assert "X-Emulator-Admin-Token" in body["error"]["message"]
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Emulator-Admin-Token": "not-the-token"},
        {"X-Emulator-Admin-Token": TOKEN + "x"},
        {"X-Emulator-Admin-Token": TOKEN[:-1]},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {TOKEN.upper()}"},
    ],
)
def test_a_wrong_token_is_403(root: httpx.Client, headers: dict[str, str]) -> None:
    for method, path in (("POST", "/_emulator/reset"), ("GET", "/_emulator/accounts")):
        response = root.request(method, path, headers=headers)
        assert response.status_code == 403, response.text
        assert response.json()["error"]["error_id"] == "FORBIDDEN"
        assert TOKEN not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Emulator-Admin-Token": TOKEN},
        {"Authorization": f"Bearer {TOKEN}"},
        {"authorization": f"bearer {TOKEN}"},
    ],
)
def test_the_right_token_opens_the_admin_api(root: httpx.Client, headers: dict[str, str]) -> None:
    added = root.post("/_emulator/outcomes", json={"model": "*", "outcome": "pending"}, headers=headers)
    assert added.status_code == 201, added.text
    assert root.get("/_emulator/outcomes", headers=headers).json()[0]["outcome"] == "pending"
    assert root.post("/_emulator/reset", headers=headers).status_code == 200


def test_health_stays_open(root: httpx.Client) -> None:
    assert root.get("/_emulator/health").json()["status"] == "ok"
    assert root.head("/_emulator/health").status_code == 200


def test_the_api_itself_is_unchanged_and_ignores_the_admin_token(root: httpx.Client) -> None:
    created = root.post("/v1/predictions", json={"model": "flux-pro", "input": {"prompt": "x"}}, headers=KEY)
    assert created.status_code == 200
    assert root.get("/v1/models", headers={"Authorization": "Bearer sk-test-bearer-key"}).status_code == 200
    refused = root.get("/v1/models", headers={"X-Emulator-Admin-Token": TOKEN})
    assert refused.status_code == 401 and refused.json()["error"]["error_id"] == "UNAUTHORIZED"


def test_emulator_server_admin_sends_the_token(guarded: EmulatorServer) -> None:
    guarded.admin("POST", "/faults", {"route": "/v1/models", "status": 503, "first": 1})
    assert len(guarded.admin("GET", "/faults")["faults"]) == 1
    guarded.reset()
    assert guarded.admin("GET", "/faults")["faults"] == []


def test_unknown_admin_paths_need_the_token_too(root: httpx.Client) -> None:
    assert root.get("/_emulator/no-such-thing").status_code == 401
    assert root.get("/_emulator/no-such-thing", headers={"X-Emulator-Admin-Token": TOKEN}).status_code == 404


def test_without_a_token_on_loopback_the_admin_api_stays_open(
    emulator: EmulatorServer, plain: httpx.Client
) -> None:
    assert plain.get(emulator.root_url + "/_emulator/accounts").status_code == 200

"""Accounts: open and strict key modes, isolation, credits, suspension, webhook secrets."""

from __future__ import annotations

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import create, fast_config


def _client(emulator: EmulatorServer, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=emulator.base_url, headers=headers, timeout=30, trust_env=False)


@pytest.mark.parametrize("key", ["sk-key", "sk-your-api-key", "sk-test-abc_DEF.123"])
def test_open_mode_accepts_any_well_formed_key(emulator: EmulatorServer, key: str) -> None:
    with _client(emulator, **{"x-api-key": key}) as client:
        assert client.get("/models").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-api-key": "not-a-valid-key"}, {"x-api-key": "sk-"}, {"authorization": "Basic sk-test-1234"}],
)
def test_missing_or_malformed_keys_are_401(emulator: EmulatorServer, headers: dict[str, str]) -> None:
    with _client(emulator, **headers) as client:
        for response in (client.get("/models"), client.get("/predictions"), client.post("/predict", json={})):
            assert response.status_code == 401
            assert response.json()["error"]["error_id"] == "UNAUTHORIZED"


def test_bearer_authorization_is_accepted(emulator: EmulatorServer, api_key: str) -> None:
    with _client(emulator, authorization=f"Bearer {api_key}") as client:
        assert client.get("/predictions").status_code == 200


def test_a_key_never_sees_another_keys_predictions(emulator: EmulatorServer, http: httpx.Client) -> None:
    mine = create(http)
    with _client(emulator, **{"x-api-key": "sk-test-someone-else"}) as other:
        assert other.get(f"/predictions/{mine['id']}").status_code == 404
        assert other.post(f"/predictions/{mine['id']}/cancel").status_code == 404
        assert other.delete(f"/predictions/{mine['id']}").status_code == 404
        assert other.get("/predictions").json()["pagination"]["total"] == 0
    assert http.get(f"/predictions/{mine['id']}").status_code == 200


def test_strict_mode_accepts_only_configured_keys(plain: httpx.Client) -> None:
    with EmulatorServer(fast_config(api_keys=("sk-test-allowed",))) as emu:
        ok = plain.get(emu.base_url + "/models", headers={"x-api-key": "sk-test-allowed"})
        refused = plain.get(emu.base_url + "/models", headers={"x-api-key": "sk-test-other"})
        emu.admin("POST", "/accounts", {"api_key": "sk-test-other"})
        registered = plain.get(emu.base_url + "/models", headers={"x-api-key": "sk-test-other"})
    assert ok.status_code == 200
    assert refused.status_code == 401
    assert registered.status_code == 200


def test_credits_are_charged_and_run_out(emulator: EmulatorServer, http: httpx.Client, api_key: str) -> None:
    emulator.admin("POST", "/accounts", {"api_key": api_key, "credits": 0.12})
    first = http.post("/predict", json={"model": "truefusion-pro", "input": {"prompt": "x"}, "await": True})
    assert first.json()["metadata"]["billing"]["credits_used"] == pytest.approx(0.05)
    http.post("/predict", json={"model": "truefusion-pro", "input": {"prompt": "x"}, "await": True})

    refused = http.post("/predict", json={"model": "truefusion-pro", "input": {"prompt": "x"}})

    assert refused.status_code == 402
    assert refused.json()["error"]["error_id"] == "INSUFFICIENT_CREDITS"
    (account,) = emulator.admin("GET", "/accounts")
    assert account["credits"] == pytest.approx(0.02)


def test_suspended_accounts_are_403(emulator: EmulatorServer, http: httpx.Client, api_key: str) -> None:
    emulator.admin("POST", "/accounts", {"api_key": api_key, "suspended": True})
    response = http.post("/predictions", json={"model": "flux-pro", "input": {"prompt": "x"}})
    assert response.status_code == 403
    assert response.json()["error"]["error_id"] == "ACCOUNT_SUSPENDED"
    emulator.admin("POST", "/accounts", {"api_key": api_key, "suspended": False})
    assert http.get("/predictions").status_code == 200


def test_admin_listing_masks_keys(
    emulator: EmulatorServer, http: httpx.Client, api_key: str, plain: httpx.Client
) -> None:
    http.get("/predictions")
    listing = plain.get(emulator.root_url + "/_emulator/accounts").text
    assert api_key not in listing
    assert api_key[:7] in listing


@pytest.mark.parametrize(
    "body",
    [
        {"api_key": "nope"},
        {"api_key": "sk-test-x", "credits": -1},
        {"api_key": "sk-test-x", "credits": 10**400},
        {"api_key": "sk-test-x", "suspended": "yes"},
    ],
)
def test_admin_account_errors(emulator: EmulatorServer, body: dict[str, object], plain: httpx.Client) -> None:
    response = plain.post(emulator.root_url + "/_emulator/accounts", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] == "INVALID_PARAMETER"


def test_each_account_has_its_own_webhook_secret(emulator: EmulatorServer, http: httpx.Client) -> None:
    secret = http.get("/webhooks/default/secret").json()["secret"]
    with _client(emulator, **{"x-api-key": "sk-test-another"}) as other:
        other_secret = other.get("/webhooks/default/secret").json()["secret"]
    assert secret.startswith("whsec_") and other_secret.startswith("whsec_")
    assert secret != other_secret
    assert http.get("/webhooks/default/secret").json()["secret"] == secret


def test_account_reprs_never_show_the_key_or_the_secret() -> None:
    from skytells.emulator.accounts import Account
    from skytells.emulator.store import AccountRow

    fields = ("acct_1", "sk-test-very-secret-key", None, False, "whsec_c2VjcmV0", "2026-01-01T00:00:00Z")
    for shown in (repr(Account(*fields)), repr(AccountRow(*fields))):
        assert "very-secret" not in shown and "whsec_" not in shown

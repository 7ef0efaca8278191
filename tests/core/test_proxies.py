"""Proxies from the environment: the async pools pick the proxy of a URL as httpx's ``trust_env`` does."""

from __future__ import annotations

import httpx
import pytest

from skytells._transport._proxies import EnvironmentProxies, environment_rules

VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")

URLS = [
    "http://api.skytells.ai/v1",
    "https://api.skytells.ai/v1",
    "https://cdn.skytells.ai/a.png",
    "http://skytells.ai",
    "http://notskytells.ai",
    "http://127.0.0.1:8790/v1",
    "http://localhost:8790/v1",
    "http://[::1]:8790/v1",
    "http://internal:8080/x",
    "http://internal/x",
    "socks5://elsewhere/",
]

ENVIRONMENTS = [
    {},
    {"HTTP_PROXY": "http://proxy:3128"},
    {"HTTPS_PROXY": "proxy:3128"},  # no scheme: http:// is assumed
    {"HTTP_PROXY": "http://a:1", "ALL_PROXY": "http://b:2"},
    {"ALL_PROXY": "http://user:secret@b:2", "NO_PROXY": "skytells.ai, 127.0.0.1,localhost,::1"},
    {"ALL_PROXY": "http://b:2", "NO_PROXY": ".skytells.ai"},
    {"ALL_PROXY": "http://b:2", "NO_PROXY": "http://internal:8080"},
    {"HTTP_PROXY": "http://a:1", "HTTPS_PROXY": "https://c:3", "NO_PROXY": "*"},
]


def proxies_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> EnvironmentProxies:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return EnvironmentProxies.read()


@pytest.mark.parametrize(
    ("env", "url", "proxy"),
    [
        ({}, "http://api.skytells.ai/v1", None),
        ({"HTTP_PROXY": "http://proxy:3128"}, "http://api.skytells.ai/v1", "http://proxy:3128"),
        ({"HTTP_PROXY": "http://proxy:3128"}, "https://api.skytells.ai/v1", None),
        ({"HTTPS_PROXY": "proxy:3128"}, "https://api.skytells.ai/v1", "http://proxy:3128"),
        ({"HTTP_PROXY": "http://a:1", "ALL_PROXY": "http://b:2"}, "http://x/", "http://a:1"),
        ({"HTTP_PROXY": "http://a:1", "ALL_PROXY": "http://b:2"}, "https://x/", "http://b:2"),
        ({"ALL_PROXY": "http://b:2", "NO_PROXY": "skytells.ai"}, "https://cdn.skytells.ai/", None),
        ({"ALL_PROXY": "http://b:2", "NO_PROXY": "skytells.ai"}, "http://skytells.ai/", None),
        ({"ALL_PROXY": "http://b:2", "NO_PROXY": "skytells.ai"}, "http://notskytells.ai/", "http://b:2"),
        ({"ALL_PROXY": "http://b:2", "NO_PROXY": ".skytells.ai"}, "http://skytells.ai/", "http://b:2"),
        ({"ALL_PROXY": "http://b:2", "NO_PROXY": "localhost,::1"}, "http://[::1]:1/", None),
        ({"ALL_PROXY": "http://b:2", "NO_PROXY": "http://internal:8080"}, "http://internal:8080/", None),
        ({"ALL_PROXY": "http://b:2", "NO_PROXY": "http://internal:8080"}, "http://internal/", "http://b:2"),
        ({"HTTP_PROXY": "http://a:1", "NO_PROXY": "*"}, "http://x/", None),
    ],
)
def test_a_url_takes_the_most_specific_rule(env, url, proxy, monkeypatch):
    assert proxies_from(env, monkeypatch).for_url(httpx.URL(url)) == proxy


def test_credentials_in_a_proxy_url_become_its_auth(monkeypatch):
    proxies = proxies_from({"ALL_PROXY": "http://user:secret@b:2"}, monkeypatch)
    (proxy,) = proxies.proxies.values()
    assert proxy.raw_auth == (b"user", b"secret") and str(proxy.url) == "http://b:2"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_same_choices_as_an_httpx_client(env, monkeypatch):
    """Checked against httpx itself, through its private routing (in this test only)."""
    proxies = proxies_from(env, monkeypatch)
    mounts = getattr(httpx.AsyncClient(trust_env=True), "_mounts", None)
    read_environment = getattr(getattr(httpx, "_utils", None), "get_environment_proxies", None)
    if mounts is None or read_environment is None:
        pytest.skip("this httpx routes differently")
    rules = read_environment()  # pattern -> proxy URL, or None for NO_PROXY
    assert environment_rules() == rules
    for url in map(httpx.URL, URLS):
        pattern = next((pattern.pattern for pattern in mounts if pattern.matches(url)), None)
        theirs = None if pattern is None else rules[pattern]
        assert proxies.for_url(url) == theirs, (env, str(url))

"""The async client, its namespaces and AsyncPrediction: exactly the public surface of their sync twins."""

from __future__ import annotations

import inspect

import pytest

from skytells import AsyncPrediction, AsyncSkytellsClient, Prediction, SkytellsClient

#: Names that differ on purpose: the async client closes with aclose().
RENAMED = {"close": "aclose"}
#: Methods that are plain (not coroutines) on the async side too.
SYNC_ON_BOTH = {"queue"}


def _public(cls: type) -> dict[str, object]:
    """Public members, leaving out what a dict subclass inherits from dict unchanged."""
    members = {}
    for name in dir(cls):
        member = inspect.getattr_static(cls, name)
        if name.startswith("_") or (issubclass(cls, dict) and member is dict.__dict__.get(name)):
            continue
        members[name] = member
    return members


def _shape(member: object) -> object:
    """What a caller relies on: parameter names, kinds and defaults (annotations differ by design)."""
    if isinstance(member, property):
        return "property"
    if isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    if callable(member):
        signature = inspect.signature(member)
        return [(p.name, p.kind, p.default) for p in signature.parameters.values()]
    return type(member).__name__


def _pairs():
    sync_client = SkytellsClient("sk-test-parity-0000", base_url="http://127.0.0.1:9/v1")
    async_client = AsyncSkytellsClient("sk-test-parity-0000", base_url="http://127.0.0.1:9/v1")
    pairs = [
        ("client", SkytellsClient, AsyncSkytellsClient),
        ("predictions", type(sync_client.predictions), type(async_client.predictions)),
        ("models", type(sync_client.models), type(async_client.models)),
        ("prediction", Prediction, AsyncPrediction),
    ]
    sync_client.close()
    return pairs


PAIRS = _pairs()


@pytest.mark.parametrize(("label", "sync_cls", "async_cls"), PAIRS, ids=[p[0] for p in PAIRS])
def test_same_public_names(label, sync_cls, async_cls):
    expected = {RENAMED.get(name, name) for name in _public(sync_cls)}

    assert set(_public(async_cls)) == expected


@pytest.mark.parametrize(("label", "sync_cls", "async_cls"), PAIRS, ids=[p[0] for p in PAIRS])
def test_same_signatures(label, sync_cls, async_cls):
    sync_members, async_members = _public(sync_cls), _public(async_cls)

    for name, member in sync_members.items():
        twin = async_members.get(RENAMED.get(name, name))
        assert twin is not None, f"{label}.{name} has no async twin"
        assert _shape(twin) == _shape(member), f"{label}.{name} differs"


@pytest.mark.parametrize(("label", "sync_cls", "async_cls"), PAIRS, ids=[p[0] for p in PAIRS])
def test_io_methods_are_coroutines_on_the_async_side(label, sync_cls, async_cls):
    for name, member in _public(sync_cls).items():
        if not inspect.isfunction(member) or name in SYNC_ON_BOTH:
            continue
        twin = inspect.getattr_static(async_cls, RENAMED.get(name, name))
        if _does_io(name, label):
            assert inspect.iscoroutinefunction(twin) or inspect.isasyncgenfunction(twin), (
                f"{label}.{name} should be awaitable on the async client"
            )


def _does_io(name: str, label: str) -> bool:
    pure = {"outputs", "raw", "list_all", "stream_events", "events"}
    return name not in pure


def test_the_constructors_match():
    sync_params = inspect.signature(SkytellsClient).parameters
    async_params = inspect.signature(AsyncSkytellsClient).parameters

    assert [(p.name, p.kind, p.default) for p in sync_params.values()] == [
        (p.name, p.kind, p.default) for p in async_params.values()
    ]
    assert list(sync_params)[:2] == ["api_key", "options"]
    for name in ("base_url", "timeout", "headers", "retry", "http_client"):
        assert name in sync_params
    assert sync_params["timeout"].default == 60_000


def test_async_context_manager_and_aclose_exist():
    assert inspect.iscoroutinefunction(AsyncSkytellsClient.aclose)
    assert hasattr(AsyncSkytellsClient, "__aenter__") and hasattr(AsyncSkytellsClient, "__aexit__")
    assert hasattr(SkytellsClient, "__enter__") and hasattr(SkytellsClient, "__exit__")

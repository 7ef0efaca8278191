"""The async client, its namespaces and AsyncPrediction: exactly the public surface of their sync twins.

The pairs are found, not listed: every ``AsyncX`` class the package exports with an ``X`` twin, and
every namespace a client builds (``client.predictions``, ``client.chat.completions``...). Names,
parameter kinds, defaults and annotations must match once ``Async`` is taken out of the async side's
names (``AsyncPrediction`` reads as ``Prediction``, ``AsyncIterator`` as ``Iterator``).
"""

from __future__ import annotations

import inspect
import re

import pytest

import skytells
from skytells import AsyncSkytellsClient, SkytellsClient

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


def _plain(annotation: object) -> str:
    """An annotation as the sync side would spell it."""
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    text = re.sub(r"\bAwaitable\[(.*)\]", r"\1", str(text))
    return re.sub(r"\bAsync(?=[A-Z])", "", text)


def _shape(member: object) -> object:
    """What a caller relies on: parameter names, kinds, defaults and annotations, and the return type."""
    if isinstance(member, property):
        return ("property", _plain(inspect.signature(member.fget).return_annotation))
    if isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    if callable(member):
        signature = inspect.signature(member)
        params = [(p.name, p.kind, p.default, _plain(p.annotation)) for p in signature.parameters.values()]
        return params, _plain(signature.return_annotation)
    return type(member).__name__


def _namespaces(client: object, prefix: str = "client") -> dict[str, type]:
    """Every namespace object reachable from ``client`` by public attributes, by its dotted path."""
    found: dict[str, type] = {}
    for name, value in vars(client).items():
        if name.startswith("_") or not type(value).__module__.startswith("skytells._resources"):
            continue
        found[f"{prefix}.{name}"] = type(value)
        found.update(_namespaces(value, f"{prefix}.{name}"))
    return found


def _pairs():
    exported = {name: getattr(skytells, name) for name in skytells.__all__}
    pairs = {
        name: (exported[name], cls)
        for async_name, cls in exported.items()
        if async_name.startswith("Async")
        and isinstance(cls, type)
        and isinstance(exported.get(name := async_name[len("Async") :]), type)
    }
    sync_client = SkytellsClient("sk-test-parity-0000", base_url="http://127.0.0.1:9/v1")
    async_client = AsyncSkytellsClient("sk-test-parity-0000", base_url="http://127.0.0.1:9/v1")
    sync_spaces, async_spaces = _namespaces(sync_client), _namespaces(async_client)
    sync_client.close()
    assert set(sync_spaces) == set(async_spaces), "both clients build the same namespaces"
    pairs.update({path: (cls, async_spaces[path]) for path, cls in sync_spaces.items()})
    return sorted((label, *classes) for label, classes in pairs.items())


PAIRS = _pairs()


def test_the_pairs_are_found():
    labels = {label for label, _, _ in PAIRS}
    assert {"SkytellsClient", "Prediction", "client.predictions", "client.models"} <= labels


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

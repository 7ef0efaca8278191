"""The async client, its namespaces, streams and AsyncPrediction: exactly the public surface of their
sync twins, down to the annotations (read with ``Async`` names, awaitables and async iterators
mapped to their sync counterparts).

Pairs are discovered: every ``AsyncX`` class of a ``skytells._resources`` module whose module also
holds an ``X``, plus the clients and the prediction objects.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import skytells._resources
from skytells import AsyncPrediction, AsyncSkytellsClient, Prediction, SkytellsClient

#: Names that differ on purpose: the async client and streams close with aclose().
RENAMED = {"close": "aclose"}
#: Methods that are plain (not coroutines) on the async side too.
SYNC_ON_BOTH = {"queue", "judge"}
#: Annotations that differ on purpose: the async queue() returns an awaitable or None.
ANNOTATIONS_DIFFER = {("client", "queue"), ("PredictionMethods", "queue")}


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
    """What a caller relies on: parameter names, kinds and defaults."""
    if isinstance(member, property):
        return "property"
    if isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    if callable(member):
        signature = inspect.signature(member)
        return [(p.name, p.kind, p.default) for p in signature.parameters.values()]
    return type(member).__name__


def _sync_reading(annotation: object) -> str:
    """An annotation as its sync twin would write it."""
    if annotation is inspect.Parameter.empty:
        return ""
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    text = re.sub(r"^Awaitable\[(.*)\]$", r"\1", text)
    text = text.replace("AsyncIterator", "Iterator").replace("AsyncIterable", "Iterable")
    return re.sub(r"\b(?:Async|Sync)(?=[A-Z])", "", text)


def _annotations(member: object) -> object:
    if isinstance(member, property):
        return _sync_reading(inspect.signature(member.fget).return_annotation) if member.fget else ""
    if isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    if not callable(member):
        return None
    signature = inspect.signature(member)
    params = [(p.name, _sync_reading(p.annotation)) for p in signature.parameters.values()]
    return params, _sync_reading(signature.return_annotation)


def _discovered() -> list[tuple[str, type, type]]:
    pairs = []
    for info in pkgutil.iter_modules(skytells._resources.__path__):
        module = importlib.import_module(f"skytells._resources.{info.name}")
        for name, obj in sorted(vars(module).items()):
            if not (inspect.isclass(obj) and obj.__module__ == module.__name__ and name.startswith("Async")):
                continue
            twin = vars(module).get(name[len("Async") :])
            if inspect.isclass(twin) and twin.__module__ == module.__name__:
                pairs.append((twin.__name__, twin, obj))
    return pairs


PAIRS = [
    ("client", SkytellsClient, AsyncSkytellsClient),
    ("prediction", Prediction, AsyncPrediction),
    *_discovered(),
]


def test_the_families_are_discovered():
    labels = {label for label, _, _ in PAIRS}
    for expected in ("PredictionsAPI", "ModelsAPI", "Chat", "ChatCompletions", "ChatCompletionStream"):
        assert expected in labels
    for expected in ("Responses", "ResponseStream", "Embeddings", "Safety", "DeprecatedMethods"):
        assert expected in labels


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
def test_same_annotations(label, sync_cls, async_cls):
    """Parameter and return annotations read the same once Async names are mapped to sync ones."""
    sync_members, async_members = _public(sync_cls), _public(async_cls)
    sync_members["__init__"] = inspect.getattr_static(sync_cls, "__init__")
    async_members["__init__"] = inspect.getattr_static(async_cls, "__init__")

    for name, member in sync_members.items():
        if (label, name) in ANNOTATIONS_DIFFER:
            continue
        twin = async_members[RENAMED.get(name, name)]
        assert _annotations(twin) == _annotations(member), f"{label}.{name} annotations differ"


def test_both_clients_have_the_same_namespaces():
    sync_client = SkytellsClient("sk-test-parity-0000", base_url="http://127.0.0.1:9/v1")
    async_client = AsyncSkytellsClient("sk-test-parity-0000", base_url="http://127.0.0.1:9/v1")

    def namespaces(obj: object) -> dict[str, str]:
        found = {}
        for name, value in vars(obj).items():
            if not name.startswith("_") and type(value).__module__.startswith("skytells._resources"):
                found[name] = re.sub(r"^Async", "", type(value).__name__)
                found.update({f"{name}.{k}": v for k, v in namespaces(value).items()})
        return found

    try:
        assert namespaces(async_client) == namespaces(sync_client)
        assert {
            "predictions",
            "models",
            "chat",
            "chat.completions",
            "responses",
            "embeddings",
            "safety",
        } <= set(namespaces(sync_client))
    finally:
        sync_client.close()


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

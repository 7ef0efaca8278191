"""Dump the public surface of whatever ``skytells`` the running interpreter imports, as JSON.

Static part: every public name of ``skytells`` and ``skytells.types`` (and of the 1.0.0 submodules
``skytells.types.shared/predict/models``) with its kind, signature, enum members, the methods and
properties of classes, and the attributes of default-constructed option objects and client namespaces.

Shapes part (when SKYTELLS_BASE_URL and SKYTELLS_API_KEY are set): the shape of what each public call
returns against that server (dict keys, list items, object attributes).

Usage: python dump_surface.py [NAMES_FROM.json]   (NAMES_FROM: another dump whose names to look up too)
Standard library only; runs under the published 1.0.0 package and under ours.
"""

from __future__ import annotations

import asyncio
import enum
import importlib
import inspect
import json
import os
import sys
import warnings
from typing import Any

import skytells

MODULES = [
    "skytells",
    "skytells.types",
    "skytells.types.shared",
    "skytells.types.predict",
    "skytells.types.models",
]
# Arguments that construct each 1.0.0 class with its defaults (classes not listed: no arguments).
CONSTRUCT: dict[str, tuple[Any, ...]] = {
    "PredictionRequest": ("m", {}),
    "RunOptions": ({},),
    "Pagination": ({},),
    "PaginatedResponse": ({},),
    "SkytellsError": ("message", "ERROR_ID", "details"),
    "SkytellsClient": ("sk-test-surface",),
    "AsyncSkytellsClient": ("sk-test-surface",),
}
LITERALS = (type(None), bool, int, float, str)


def describe_param(p: inspect.Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "kind": p.kind.name}
    if p.default is not inspect.Parameter.empty:
        d = p.default
        out["default"] = d.value if isinstance(d, enum.Enum) else d if isinstance(d, LITERALS) else repr(d)
        out["default_is_literal"] = isinstance(d, LITERALS)
    return out


def signature(obj: Any) -> list[dict[str, Any]] | None:
    try:
        return [describe_param(p) for p in inspect.signature(obj).parameters.values()]
    except (TypeError, ValueError):
        return None


def value_summary(value: Any) -> dict[str, Any]:
    if isinstance(value, enum.Enum):
        return {"kind": "enum_value", "value": value.value}
    if isinstance(value, LITERALS):
        return {"kind": "literal", "value": value}
    return {"kind": "object", "type": type(value).__name__}


def describe_class(cls: type) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name in dir(cls):
        if name.startswith("_") and name != "__init__":
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, property):
            members[name] = {"kind": "property"}
        elif isinstance(raw, (staticmethod, classmethod)):
            members[name] = {"kind": type(raw).__name__, "signature": signature(getattr(cls, name))}
        elif inspect.isfunction(raw):
            members[name] = {
                "kind": "method",
                "signature": signature(raw),
                "coroutine": inspect.iscoroutinefunction(raw),
            }
        elif not name.startswith("_"):
            members[name] = {"kind": "class_attribute", "value": value_summary(raw)}
    out: dict[str, Any] = {"kind": "class", "members": members, "mro": [c.__name__ for c in cls.__mro__]}
    if issubclass(cls, enum.Enum):
        out["kind"] = "enum"
        out["enum"] = {m.name: m.value for m in cls}  # type: ignore[var-annotated]
        out["str_enum"] = issubclass(cls, str)
    instance = construct(cls)
    if instance is not None:
        out["instance"] = instance_attributes(instance)
    return out


def construct(cls: type) -> Any:
    if issubclass(cls, enum.Enum):
        return None
    args = CONSTRUCT.get(cls.__name__, ())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return cls(*args)
    except Exception:
        return None


def instance_attributes(obj: Any) -> dict[str, Any]:
    """Public data attributes of an instance (and the methods of nested namespace objects)."""
    out: dict[str, Any] = {}
    names = set(getattr(obj, "__dict__", {})) | set(getattr(type(obj), "__slots__", ()))
    for name in sorted(n for n in names if not n.startswith("_")):
        try:
            value = getattr(obj, name)
        except Exception:
            continue
        summary = value_summary(value)
        if summary["kind"] == "object" and not isinstance(value, (dict, list)):
            summary["methods"] = {
                m: {
                    "signature": signature(getattr(value, m)),
                    "coroutine": inspect.iscoroutinefunction(getattr(value, m)),
                }
                for m in dir(value)
                if not m.startswith("_") and callable(getattr(value, m))
            }
        out[name] = summary
    return out


def explicit_defaults(cls: type, published: dict[str, Any]) -> dict[str, Any]:
    """Construct ``cls`` passing every literal default of the published constructor explicitly."""
    params = (published.get("members", {}).get("__init__") or {}).get("signature") or []
    args = CONSTRUCT.get(cls.__name__, ())
    kwargs = {p["name"]: p["default"] for p in params[1 + len(args) :] if p.get("default_is_literal")}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            instance = cls(*args, **kwargs)
    except Exception as exc:
        return {"ok": False, "kwargs": kwargs, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "kwargs": kwargs, "instance": instance_attributes(instance)}


def describe(value: Any) -> dict[str, Any]:
    if getattr(value, "__origin__", None) is not None:
        return {"kind": "type_alias", "origin": repr(value.__origin__)}
    if inspect.isclass(value):
        return describe_class(value)
    if inspect.ismodule(value):
        return {"kind": "module"}
    if callable(value):
        return {
            "kind": "function",
            "signature": signature(value),
            "coroutine": inspect.iscoroutinefunction(value),
        }
    return {"kind": "value", "value": value_summary(value)}


def public_names(module: Any) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_") and not inspect.ismodule(v)]
        names = [
            n for n in names if getattr(vars(module)[n], "__module__", module.__name__).startswith("skytells")
        ]
    return sorted(names)


def static_surface(extra: dict[str, list[str]], published: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for modname in MODULES:
        try:
            module = importlib.import_module(modname)
        except ImportError as exc:
            out[modname] = {"missing": str(exc)}
            continue
        names = sorted(set(public_names(module)) | set(extra.get(modname, [])))
        entries: dict[str, Any] = {}
        for name in names:
            if not hasattr(module, name):
                entries[name] = {"kind": "missing"}
                continue
            value = getattr(module, name)
            entries[name] = describe(value)
            pub_entry = ((published or {}).get(modname, {}).get("names") or {}).get(name)
            if inspect.isclass(value) and pub_entry and "instance" in pub_entry:
                entries[name]["explicit_defaults"] = explicit_defaults(value, pub_entry)
        out[modname] = {"all": getattr(module, "__all__", None), "names": entries}
    return out


# ---- shapes ------------------------------------------------------------------------------------


def shape(value: Any, depth: int = 0) -> dict[str, Any]:
    if value is None:
        return {"kind": "none"}
    if isinstance(value, LITERALS):
        return {"kind": type(value).__name__}
    out: dict[str, Any] = {"kind": "object", "type": type(value).__name__, "is_dict": isinstance(value, dict)}
    if isinstance(value, list):
        return {"kind": "list", "item": shape(value[0], depth + 1) if value else None, "len": len(value)}
    if isinstance(value, dict):
        out["keys"] = sorted(str(k) for k in value)
    if depth < 2:
        attrs: dict[str, Any] = {}
        for name in dir(value):
            if name.startswith("_") or (isinstance(value, dict) and hasattr(dict, name)):
                continue
            try:
                attr = getattr(value, name)
            except Exception as exc:
                attrs[name] = {"kind": "raises", "error": type(exc).__name__}
                continue
            if callable(attr) and not inspect.isclass(attr):
                attrs[name] = {"kind": "method", "coroutine": inspect.iscoroutinefunction(attr)}
            else:
                attrs[name] = shape(attr, depth + 1)
        out["attrs"] = attrs
    return out


def error_shape(call: Any) -> dict[str, Any]:
    try:
        call()
    except Exception as exc:
        return {
            "class_mro": [c.__name__ for c in type(exc).__mro__],
            "error_id": str(getattr(exc, "error_id", None)),
            "http_status": getattr(exc, "http_status", None),
            "details_type": type(getattr(exc, "details", None)).__name__,
            "str_nonempty": bool(str(exc)),
        }
    return {"raised": False}


def shapes(base: str, key: str) -> dict[str, Any]:
    from skytells import AsyncSkytellsClient, SkytellsClient

    client = SkytellsClient(key, base_url=base)
    fast = {"interval": 100, "max_wait": 60_000}
    out: dict[str, Any] = {}
    model, inp = "flux-pro", {"prompt": "surface"}
    out["predict"] = shape(client.predict({"model": model, "input": inp}))
    created = client.predictions.create({"model": model, "input": inp})
    out["predictions.create"] = shape(created)
    out["wait"] = shape(client.wait(created, options=fast))
    out["predictions.get"] = shape(client.predictions.get(created["id"]))
    out["predictions.list"] = shape(client.predictions.list())
    run = client.run(model, input=inp)
    out["run"] = shape(run)
    out["Prediction.outputs"] = shape(run.outputs())
    out["Prediction.raw"] = shape(run.raw())
    out["queue"] = shape(client.queue({"model": model, "input": inp}))
    dispatched = client.dispatch()
    out["dispatch"] = shape(dispatched)
    for item in dispatched:  # finished before the list below, so its newest item is comparable
        client.wait(item, options=fast)
    out["stream_prediction"] = shape(client.stream_prediction(created["id"]))
    out["cancel_prediction"] = shape(client.cancel_prediction(created["id"]))
    out["Prediction.cancel"] = shape(run.cancel())
    out["Prediction.delete"] = shape(run.delete())
    out["delete_prediction"] = shape(client.delete_prediction(created["id"]))
    out["models.list"] = shape(client.models.list())
    out["models.get"] = shape(client.models.get("truefusion-pro", fields=["input_schema"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["list_models"] = shape(client.list_models())
        out["list_predictions"] = shape(client.list_predictions())
        out["get_model"] = shape(client.get_model(model))
    out["error.unknown_model"] = error_shape(lambda: client.models.get("no-such-model-xyz"))
    out["error.bad_key"] = error_shape(lambda: SkytellsClient("not-a-valid-key", base_url=base).models.list())

    async def async_part() -> dict[str, Any]:
        aclient = AsyncSkytellsClient(key, base_url=base)
        res: dict[str, Any] = {}
        arun = await aclient.run(model, input=inp)
        res["async.run"] = shape(arun)
        res["async.predictions.get"] = shape(await aclient.predictions.get(arun.id))
        res["async.predictions.list"] = shape(await aclient.predictions.list())
        res["async.models.get"] = shape(await aclient.models.get(model))
        res["async.AsyncPrediction.delete"] = shape(await arun.delete())
        return res

    out.update(asyncio.run(async_part()))
    return out


def main() -> int:
    extra: dict[str, list[str]] = {}
    other: dict[str, Any] | None = None
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as names:
            other = json.load(names)["static"]
        extra = {m: list(v.get("names", {})) for m, v in other.items()}
    report: dict[str, Any] = {"version": skytells.__version__, "file": skytells.__file__}
    report["static"] = static_surface(extra, other)
    if os.environ.get("SKYTELLS_BASE_URL") and os.environ.get("SKYTELLS_API_KEY"):
        report["shapes"] = shapes(os.environ["SKYTELLS_BASE_URL"], os.environ["SKYTELLS_API_KEY"])
    print(json.dumps(report, default=repr))
    return 0


if __name__ == "__main__":
    sys.exit(main())

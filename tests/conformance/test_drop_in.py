"""Our `skytells` is a drop-in for the published 1.0.0: names, signatures and return shapes.

dump_surface.py runs in the published venv and in our interpreter (both against the same emulator);
surface_compare.py lists every incompatibility. Each test fails with the full list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conformance import surface_compare
from tests.conformance.conformance_support import client_env, json_report, start_json_script

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def dumps(conformance_emulator: Any, published_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    env = client_env(conformance_emulator, api_key="sk-test-surface-published")
    published = json_report(start_json_script(published_python, "dump_surface.py", env))
    names = tmp_path_factory.mktemp("surface") / "published.json"
    names.write_text(json.dumps(published))
    ours_env = client_env(conformance_emulator, api_key="sk-test-surface-ours")
    ours = json_report(start_json_script(sys.executable, "dump_surface.py", ours_env, str(names)))
    return published, ours


# Differences judged harmless, by the start of the problem line, with the reason (docs/conformance.md).
PRIVATE_TRANSPORT = (
    "1.0.0's constructor takes its private transport (skytells._http.HTTP, and a thread pool for the async "
    "variants); user code gets these objects from a client and never builds them with a transport"
)
TRI_STATE = (
    "`None` means 'not set' so that an explicit `await_=False` can win over auto_await (seed 004); "
    "it is falsy like 1.0.0's False and to_dict() omits the key in both"
)
ACCEPTED = {
    **{
        f"{m}.{c}.__init__": PRIVATE_TRANSPORT
        for m in ("skytells", "skytells.types")
        for c in ("Prediction", "AsyncPrediction", "PredictionsAPI", "ModelsAPI")
    },
    **{
        f"{m}.PredictionRequest{part}": TRI_STATE
        for m in ("skytells", "skytells.types", "skytells.types.predict")
        for part in (
            ".__init__: 'await_' default",
            ".__init__: 'stream' default",
            ".await_: default value",
            ".stream: default value",
            "(explicit defaults).await_",
            "(explicit defaults).stream",
        )
    },
}


def unaccepted(problems: list[str]) -> list[str]:
    return [p for p in problems if not any(p.startswith(prefix) for prefix in ACCEPTED)]


def report(problems: list[str]) -> str:
    return f"{len(problems)} incompatibilities with skytells 1.0.0:\n  " + "\n  ".join(problems)


def test_dumps_come_from_each_package(dumps: Any) -> None:
    published, ours = dumps
    assert published["version"] == "1.0.0" and ".cache/published-py" in published["file"]
    assert "/src/skytells/" in ours["file"]


def test_every_published_name_and_signature_is_compatible(dumps: Any) -> None:
    published, ours = dumps
    problems = unaccepted(surface_compare.static_problems(published["static"], ours["static"]))
    assert not problems, report(problems)


def test_every_call_returns_at_least_the_published_shape(dumps: Any) -> None:
    published, ours = dumps
    assert "shapes" in published and "shapes" in ours
    problems = unaccepted(surface_compare.all_shape_problems(published["shapes"], ours["shapes"]))
    assert not problems, report(problems)


# ---- the comparator itself catches what it must (synthetic dumps, no I/O) ---------------------


def _param(name: str, kind: str = "POSITIONAL_OR_KEYWORD", **default: Any) -> dict[str, Any]:
    extra = {"default": default["d"], "default_is_literal": True} if "d" in default else {}
    return {"name": name, "kind": kind, **extra}


def test_comparator_flags_renamed_moved_and_new_required_parameters() -> None:
    pub = [
        _param("self"),
        _param("model"),
        _param("input", d=None),
        _param("timeout", "KEYWORD_ONLY", d=60000),
    ]
    assert surface_compare.signature_problems("f", pub, pub) == []
    renamed = [
        _param("self"),
        _param("slug"),
        _param("input", d=None),
        _param("timeout", "KEYWORD_ONLY", d=60000),
    ]
    assert any("'model' missing" in p for p in surface_compare.signature_problems("f", pub, renamed))
    new_default = [*pub[:3], _param("timeout", "KEYWORD_ONLY", d=30000)]
    assert any("default" in p for p in surface_compare.signature_problems("f", pub, new_default))
    extra_required = [*pub, _param("region", "KEYWORD_ONLY")]
    assert any("new required" in p for p in surface_compare.signature_problems("f", pub, extra_required))
    extended = [*pub[:3], _param("on_progress", d=None), pub[3]]
    assert surface_compare.signature_problems("f", pub, extended) == []


def test_comparator_accepts_a_dict_subclass_for_a_dict_and_flags_lost_keys() -> None:
    pub = {"kind": "object", "type": "dict", "is_dict": True, "keys": ["id", "status"], "attrs": {}}
    ours = {
        "kind": "object",
        "type": "Prediction",
        "is_dict": True,
        "keys": ["id", "status", "urls"],
        "attrs": {},
    }
    assert surface_compare.shape_problems("get", pub, ours) == []
    lost = {**ours, "keys": ["id"]}
    assert surface_compare.shape_problems("get", pub, lost) == ["get: keys ['status'] missing"]

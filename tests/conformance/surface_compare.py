"""Compare two dumps of dump_surface.py: is ``ours`` a drop-in for ``published``?

Each function returns a list of human-readable problems (empty: compatible).

Rules: every published name exists with a compatible kind (a class stays a class, so isinstance and
subclassing keep working; enums keep every member with its value). A callable accepts every call the
published one accepts: the same parameter names at the same positions, keyword-only parameters
accepted by keyword, the same literal defaults, extra parameters only with defaults; a coroutine
stays a coroutine. Default-constructed option objects keep their public attributes and literal values.
A returned value has at least the published shape: dicts keep their keys, objects keep their
attributes, lists keep their item shape.
"""

from __future__ import annotations

from typing import Any

POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")


def signature_problems(
    where: str, pub: list[dict[str, Any]] | None, ours: list[dict[str, Any]] | None
) -> list[str]:
    if pub is None:
        return []
    if ours is None:
        return [f"{where}: signature not inspectable in ours"]
    problems: list[str] = []
    ours_by_name = {p["name"]: (i, p) for i, p in enumerate(ours)}
    ours_kinds = {p["kind"] for p in ours}
    pub_names = {p["name"] for p in pub}
    for i, p in enumerate(pub):
        kind = p["kind"]
        if kind in ("VAR_POSITIONAL", "VAR_KEYWORD"):
            if kind not in ours_kinds:
                problems.append(
                    f"{where}: published accepts {'*' if kind == 'VAR_POSITIONAL' else '**'}{p['name']}"
                )
            continue
        found = ours_by_name.get(p["name"])
        if found is None:
            if kind == "KEYWORD_ONLY" and "VAR_KEYWORD" in ours_kinds:
                continue
            problems.append(f"{where}: parameter {p['name']!r} missing")
            continue
        j, q = found
        if kind in POSITIONAL and (j != i or q["kind"] not in POSITIONAL):
            problems.append(
                f"{where}: {p['name']!r} is positional #{i} in published, #{j} {q['kind']} in ours"
            )
        if kind == "POSITIONAL_OR_KEYWORD" and q["kind"] == "POSITIONAL_ONLY":
            problems.append(f"{where}: {p['name']!r} can no longer be passed by keyword")
        if kind == "KEYWORD_ONLY" and q["kind"] == "POSITIONAL_ONLY":
            problems.append(f"{where}: {p['name']!r} must be accepted by keyword")
        if "default" in p:
            if "default" not in q:
                problems.append(f"{where}: {p['name']!r} lost its default")
            elif q.get("default") == "<factory>" and p["default"] is None:
                pass  # a dataclass default factory; explicit None is checked by construction
            elif p.get("default_is_literal") and q.get("default") != p["default"]:
                problems.append(
                    f"{where}: {p['name']!r} default {q.get('default')!r} != published {p['default']!r}"
                )
    for q in ours:
        if q["name"] in pub_names or q["kind"] in ("VAR_POSITIONAL", "VAR_KEYWORD") or "default" in q:
            continue
        problems.append(f"{where}: new required parameter {q['name']!r}")
    return problems


def member_problems(where: str, pub: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name, p in pub.items():
        q = ours.get(name)
        if q is None:
            problems.append(f"{where}.{name}: missing")
            continue
        if p["kind"] == "property" and q["kind"] not in ("property", "class_attribute"):
            problems.append(f"{where}.{name}: a property in published, a {q['kind']} in ours")
        if p["kind"] in ("method", "staticmethod", "classmethod"):
            if q["kind"] not in ("method", "staticmethod", "classmethod"):
                problems.append(f"{where}.{name}: a {p['kind']} in published, a {q['kind']} in ours")
                continue
            if p.get("coroutine") and not q.get("coroutine"):
                problems.append(f"{where}.{name}: a coroutine in published, not in ours")
            if not p.get("coroutine") and q.get("coroutine"):
                problems.append(f"{where}.{name}: synchronous in published, a coroutine in ours")
            problems += signature_problems(f"{where}.{name}", p.get("signature"), q.get("signature"))
    return problems


def instance_problems(where: str, pub: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name, p in pub.items():
        q = ours.get(name)
        if q is None:
            problems.append(f"{where}.{name}: instance attribute missing")
            continue
        if p["kind"] in ("literal", "enum_value") and q.get("value") != p["value"]:
            problems.append(f"{where}.{name}: default value {q.get('value')!r} != published {p['value']!r}")
        for m, sig in (p.get("methods") or {}).items():
            qm = (q.get("methods") or {}).get(m)
            if qm is None:
                problems.append(f"{where}.{name}.{m}(): missing")
                continue
            if sig["coroutine"] != qm["coroutine"]:
                problems.append(
                    f"{where}.{name}.{m}(): coroutine={qm['coroutine']} (published {sig['coroutine']})"
                )
            problems += signature_problems(f"{where}.{name}.{m}", sig["signature"], qm["signature"])
    return problems


def entry_problems(where: str, pub: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    if ours.get("kind") == "missing":
        return [f"{where}: missing"]
    kind = pub["kind"]
    if kind == "enum":
        if ours["kind"] != "enum":
            return [f"{where}: an enum in published, a {ours['kind']} in ours"]
        problems = [
            f"{where}.{m}: missing or {ours['enum'].get(m)!r} != {v!r}"
            for m, v in pub["enum"].items()
            if ours["enum"].get(m) != v
        ]
        if pub.get("str_enum") and not ours.get("str_enum"):
            problems.append(f"{where}: no longer a str enum")
        return problems
    if kind == "class":
        if ours["kind"] not in ("class", "enum"):
            return [f"{where}: a class in published, a {ours['kind']} in ours"]
        problems = member_problems(where, pub["members"], ours["members"])
        explicit = ours.get("explicit_defaults")
        if explicit is not None and not explicit["ok"]:
            problems.append(f"{where}(**{explicit['kwargs']}) fails in ours: {explicit['error']}")
        elif explicit is not None and "instance" in pub:
            problems += instance_problems(
                f"{where}(explicit defaults)", pub["instance"], explicit["instance"]
            )
        if "instance" in pub:
            if "instance" not in ours:
                problems.append(f"{where}: cannot be constructed with the published arguments")
            else:
                problems += instance_problems(where, pub["instance"], ours["instance"])
        return problems
    if kind == "function":
        if ours["kind"] not in ("function", "class"):
            return [f"{where}: a function in published, a {ours['kind']} in ours"]
        sig = ours.get("signature")
        if ours["kind"] == "class":
            init = ours["members"].get("__init__", {}).get("signature")
            sig = init[1:] if init else None
        return signature_problems(where, pub.get("signature"), sig)
    if kind == "type_alias":
        return (
            []
            if ours["kind"] == "type_alias"
            else [f"{where}: a type alias in published, a {ours['kind']} in ours"]
        )
    if kind == "value":
        pv, qv = pub["value"], ours.get("value", {})
        if (
            pv["kind"] in ("literal", "enum_value")
            and qv.get("value") != pv["value"]
            and not where.endswith("__version__")
        ):
            return [f"{where}: {qv.get('value')!r} != published {pv['value']!r}"]
    return []


def static_problems(pub: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for modname, pmod in pub.items():
        omod = ours.get(modname, {})
        if "missing" in pmod:
            continue
        if "missing" in omod or not omod:
            problems.append(f"{modname}: module missing ({omod.get('missing')})")
            continue
        pub_all, our_all = pmod.get("all"), omod.get("all")
        if pub_all is not None:
            missing = sorted(set(pub_all) - set(our_all or []))
            if missing:
                problems.append(f"{modname}.__all__ lacks {missing}")
        for name, entry in pmod["names"].items():
            problems += entry_problems(
                f"{modname}.{name}", entry, omod["names"].get(name, {"kind": "missing"})
            )
    return problems


def shape_problems(where: str, pub: dict[str, Any] | None, ours: dict[str, Any] | None) -> list[str]:
    if pub is None:
        return []
    if ours is None:
        return [f"{where}: nothing where published has {pub['kind']}"]
    kind = pub["kind"]
    if kind == "none":
        return [] if ours["kind"] == "none" else [f"{where}: {ours['kind']} where published returns None"]
    if kind in ("str", "int", "float", "bool"):
        numeric = {"int", "float"}
        ok = ours["kind"] == kind or (kind in numeric and ours["kind"] in numeric)
        return [] if ok else [f"{where}: {ours['kind']} where published returns {kind}"]
    if kind == "list":
        if ours["kind"] != "list":
            return [f"{where}: {ours['kind']} where published returns a list"]
        return shape_problems(f"{where}[0]", pub.get("item"), ours.get("item")) if ours.get("item") else []
    if ours["kind"] != "object":
        return [f"{where}: {ours['kind']} where published returns {pub.get('type')}"]
    problems: list[str] = []
    if pub.get("is_dict"):
        if not ours.get("is_dict"):
            problems.append(f"{where}: not a dict (published returns a dict)")
        missing = sorted(set(pub.get("keys", [])) - set(ours.get("keys", [])))
        if missing:
            problems.append(f"{where}: keys {missing} missing")
    for name, attr in (pub.get("attrs") or {}).items():
        q = (ours.get("attrs") or {}).get(name)
        if q is None:
            problems.append(f"{where}.{name}: attribute missing")
        elif attr["kind"] == "method":
            if q["kind"] != "method":
                problems.append(f"{where}.{name}: not callable in ours")
            elif attr["coroutine"] != q["coroutine"]:
                problems.append(
                    f"{where}.{name}(): coroutine={q['coroutine']} (published {attr['coroutine']})"
                )
        else:
            problems += shape_problems(f"{where}.{name}", attr, q)
    return problems


def all_shape_problems(pub: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for call, p in pub.items():
        if call.startswith("error."):
            q = ours.get(call, {})
            for field in ("error_id", "http_status", "details_type"):
                if q.get(field) != p.get(field):
                    problems.append(f"{call}: {field} {q.get(field)!r} != published {p.get(field)!r}")
            if "SkytellsError" not in q.get("class_mro", []):
                problems.append(f"{call}: not a SkytellsError")
            continue
        problems += shape_problems(call, p, ours.get(call))
    return problems

"""The base of every Inference API result: a ``dict`` with typed attribute access.

A :class:`Record` subclass declares its fields as annotations; reading ``r.field`` returns
``r["field"]`` (None when a declared field is absent), and nested objects are converted to their
declared Record types when the record is made, so ``r["choices"][0]`` and ``r.choices[0]`` are the
same object. It stays a plain dict for everything else: ``json.dumps(r)``, ``r == {...}``, pickling.

>>> class Point(Record):
...     x: int
...     y: int | None
>>> p = Point({"x": 1})
>>> p.x, p.y, p["x"], json.dumps(p)
(1, None, 1, '{"x": 1}')
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Union

__all__ = ["Record"]

_Convert = Callable[[Any], Any]


class Record(dict[str, Any]):
    """A JSON object of the API with attribute access (see the module docstring)."""

    __slots__ = ()
    #: per class: the declared field names, and a converter for each field holding nested records
    _record_fields: ClassVar[frozenset[str]]
    _record_converters: ClassVar[tuple[tuple[str, _Convert], ...]]

    def __init__(self, data: Mapping[str, Any] | None = None, **fields: Any) -> None:
        super().__init__(data or (), **fields)
        for name, convert in _converters(type(self)):
            value = dict.get(self, name)
            if value is not None:
                dict.__setitem__(self, name, convert(value))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            if not name.startswith("__") and name in _fields(type(self)):
                return None
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_plain(self)!r})"

    def to_dict(self) -> dict[str, Any]:
        """A deep copy made of plain dicts and lists (what ``json.loads(json.dumps(r))`` gives)."""
        plain: dict[str, Any] = _plain(self)
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _fields(cls: type[Record]) -> frozenset[str]:
    if "_record_fields" not in cls.__dict__:
        _prepare(cls)
    return cls._record_fields


def _converters(cls: type[Record]) -> tuple[tuple[str, _Convert], ...]:
    if "_record_converters" not in cls.__dict__:
        _prepare(cls)
    return cls._record_converters


def _prepare(cls: type[Record]) -> None:
    """Read the class's annotations once: its fields, and how to convert the nested ones."""
    hints = typing.get_type_hints(cls)
    names = frozenset(name for name in hints if not name.startswith("_"))
    converters = []
    for name in sorted(names):
        convert = _converter(hints[name])
        if convert is not None:
            converters.append((name, convert))
    cls._record_fields = names
    cls._record_converters = tuple(converters)


def _converter(annotation: Any) -> _Convert | None:
    """A function that turns JSON into ``annotation`` (None when nothing needs converting)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Record):
        record = annotation
        return lambda value: value if type(value) is record or not isinstance(value, dict) else record(value)
    if origin is list:
        (item_type,) = typing.get_args(annotation) or (Any,)
        item = _converter(item_type)
        if item is None:
            return None
        return lambda value: [item(v) for v in value] if isinstance(value, list) else value
    if origin is dict:
        args = typing.get_args(annotation)
        entry = _converter(args[1]) if len(args) == 2 else None
        if entry is None:
            return None
        return lambda value: {k: entry(v) for k, v in value.items()} if isinstance(value, dict) else value
    if origin is Union or origin is types.UnionType:
        for member in typing.get_args(annotation):
            convert = _converter(member)
            if convert is not None:
                return convert
    return None

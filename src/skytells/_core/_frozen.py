"""A light immutable record for the core's small value types (effects, configuration, call options).

>>> class Point(Frozen):
...     __slots__ = ("x", "y")  # noqa: RUF023
...     def __init__(self, x: int, y: int = 0) -> None:
...         self._init(x=x, y=y)
>>> Point(1) == Point(1, 0), Point(1)
(True, Point(x=1, y=0))
"""

from __future__ import annotations

from typing import Any, ClassVar


class Frozen:
    """An immutable record compared, hashed and shown by its fields (``__slots__``): what a frozen
    dataclass gives, without compiling methods at import (the SDK's import stays light)."""

    #: the fields, in order (subclasses list them unsorted, hence their noqa)
    __slots__: tuple[str, ...] = ()
    #: the fields compared and hashed, when not all of them (like a dataclass's ``compare=False``)
    _compared: ClassVar[tuple[str, ...] | None] = None

    def _init(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        names = self.__slots__ if self._compared is None else self._compared
        return tuple(getattr(self, name) for name in names)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frozen) or type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def _replace(self, **changes: Any) -> Any:
        """A copy with ``changes`` applied (through the subclass's own ``__init__``)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        return type(self)(**{**values, **changes})

"""Paginated list results."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

_Item = TypeVar("_Item", bound=Mapping[str, Any])


class Pagination:
    """Where a page sits in the whole list."""

    __slots__ = ("current_page", "last_page", "per_page", "total")

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        data = data or {}
        self.current_page: int = int(data.get("current_page") or 1)
        self.per_page: int = int(data.get("per_page") or 0)
        self.total: int = int(data.get("total") or 0)
        self.last_page: int = int(data.get("last_page") or 1)

    @property
    def has_next(self) -> bool:
        return self.current_page < self.last_page

    def to_dict(self) -> dict[str, int]:
        return {
            "current_page": self.current_page,
            "per_page": self.per_page,
            "total": self.total,
            "last_page": self.last_page,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pagination) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return (
            f"Pagination(current_page={self.current_page}, per_page={self.per_page}, "
            f"total={self.total}, last_page={self.last_page})"
        )


class PaginatedResponse(Generic[_Item]):
    """One page of a list: ``.data`` (the items) and ``.pagination``. Iterating yields the items."""

    def __init__(self, data: Mapping[str, Any] | Sequence[Any], items: Sequence[_Item] | None = None) -> None:
        if isinstance(data, Mapping):
            raw_items = data.get("data") or []
            pagination = Pagination(data.get("pagination"))
        else:  # a bare array
            raw_items = list(data)
            pagination = Pagination({"total": len(raw_items), "per_page": len(raw_items)})
        self.data: list[_Item] = list(items) if items is not None else list(raw_items)
        self.pagination = pagination

    def __iter__(self) -> Iterator[_Item]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def to_dict(self) -> dict[str, Any]:
        return {"data": [dict(item) for item in self.data], "pagination": self.pagination.to_dict()}

    def __repr__(self) -> str:
        return f"PaginatedResponse(count={len(self.data)}, pagination={self.pagination!r})"

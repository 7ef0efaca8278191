"""Compatibility shim: the shared types at the import path of the published 1.0.0 package
(``skytells.types.shared``). New code imports them from ``skytells`` or ``skytells.types``."""

from .._exceptions import SkytellsError
from ._enums import ApiErrorId
from ._options import ClientOptions, OnProgressCallback, RetryOptions
from ._pagination import PaginatedResponse, Pagination

__all__ = [
    "ApiErrorId",
    "ClientOptions",
    "OnProgressCallback",
    "PaginatedResponse",
    "Pagination",
    "RetryOptions",
    "SkytellsError",
]

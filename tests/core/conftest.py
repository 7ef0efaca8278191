"""Fixtures of the I/O-free core tests (defined in core_support)."""

from tests.core.core_support import clock, make_ctx, script

__all__ = ["clock", "make_ctx", "script"]

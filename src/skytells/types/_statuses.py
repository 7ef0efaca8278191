"""The statuses a prediction ends in, apart from the enums (so the core need not load them)."""

#: the statuses a prediction ends in (both spellings of cancelled)
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled", "canceled"})

"""The I/O-free core shared by the sync and async clients (see ``_flows`` for the design)."""

"""The I/O-free core shared by the sync and async clients (flows per API family, see ``_effects``)."""

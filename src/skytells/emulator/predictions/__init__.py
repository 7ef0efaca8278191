"""Predictions: create, follow, cancel, delete and list them, and stream their events.

``lifecycle`` moves each prediction through its statuses (`Engine`), ``outcomes`` holds the test
outcome rules, ``presentation`` renders a stored prediction as the API returns it, ``events`` keeps
the live event log that ``sse`` streams, and ``routes`` serves ``/v1/predict`` and
``/v1/predictions…``.
"""

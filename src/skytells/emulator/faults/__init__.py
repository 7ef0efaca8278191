"""Fault injection: make the emulator misbehave on purpose, so retries and error paths can be tested.

A fault rule matches requests by method, path glob and (for creates) the body's model, applies to a
random share of them (``probability``, seedable) or to the first N (``first``), and does one thing:

==================== =====================================================================
``error``            answer ``status`` with the standard error body (+ ``Retry-After``)
``latency``          wait ``latency_ms``, then serve the request normally
``drop``             close the connection before the app runs: nothing is stored
``drop_after_store`` run the app (the prediction is stored), then close without answering
``non_json``         answer ``status`` with an HTML page instead of JSON
``fail_prediction``  create the prediction, but make it fail with ``message``
``stream_cut``       close an event stream after ``after_events`` events
``stream_stall``     wait ``stall_ms`` before each event of a stream from ``after_events`` on
``stream_malformed`` replace event ``after_events`` of a stream with a broken one
==================== =====================================================================

``rules`` checks a rule and fills in its defaults, ``injector`` holds the active rules and picks the
one that applies to a request, ``middleware`` carries it out (``streams`` inside event streams),
``routes`` serves the admin API (``/_emulator/faults``) and ``spec`` reads the ``--fault`` syntax.

>>> faults = FaultInjector(seed=7)
>>> faults.add({"route": "/v1/predict*", "method": "POST", "status": 503, "first": 2, "retry_after": 1})
{'id': 'flt_1', 'action': 'error', 'method': 'POST', 'route': '/v1/predict*', ...}
>>> app = FaultMiddleware(app, faults)

Admin routes under ``/_emulator/`` are never faulted.
"""

from skytells.emulator.faults.injector import FaultInjector
from skytells.emulator.faults.middleware import FaultMiddleware
from skytells.emulator.faults.routes import fault_routes
from skytells.emulator.faults.spec import parse_fault_spec

__all__ = ["FaultInjector", "FaultMiddleware", "fault_routes", "parse_fault_spec"]

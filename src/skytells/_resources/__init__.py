"""One module per API family, holding its sync and async namespace classes side by side.

A client builds each namespace with itself (``PredictionsAPI(client)``); the namespace runs the
family's flows from ``_core`` on the client's driver and wraps what they return.
"""

"""The model catalog over HTTP: ``GET /v1/models`` and ``GET /v1/model(s)/{slug}``."""

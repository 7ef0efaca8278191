"""Output files of predictions: where they are written, and ``GET /v1/files/{id}/{name}``."""

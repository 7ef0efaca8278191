"""The effects are small immutable records; a request's tracing labels ride along but never count."""

from __future__ import annotations

import pytest

from skytells._core._effects import Request


def test_labels_are_kept_but_not_compared_or_hashed() -> None:
    labelled = Request("POST", "/predictions", labels={"model": "flux-pro"})
    plain = Request("POST", "/predictions")

    assert labelled == plain and hash(labelled) == hash(plain)
    assert labelled.labels == {"model": "flux-pro"} and plain.labels is None
    assert "labels={'model': 'flux-pro'}" in repr(labelled)


def test_replace_keeps_the_labels_and_compares_the_rest() -> None:
    request = Request("GET", "/predictions/p1", labels={"prediction.id": "p1"})
    moved = request.replace(url="/predictions/p2")

    assert moved.labels == {"prediction.id": "p1"} and moved.url == "/predictions/p2"
    assert moved != request
    with pytest.raises(AttributeError):
        request.labels = None  # type: ignore[misc]

"""The model family: ``client.models`` (the catalog), sync and async side by side.

>>> client.models.get("truefusion-pro", fields=["input_schema"])["input_schema"]["required"]
['prompt']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._core import _model_flows as flows
from .._core._arguments import fields_call
from ..types._options import ModelFieldsOptions
from ._base import AsyncClientParts, SyncClientParts

__all__ = ["AsyncModelsAPI", "ModelsAPI"]


class ModelsAPI:
    """``client.models``: the model catalog.

    >>> client.models.get("truefusion-pro", fields=["input_schema"])["input_schema"]["required"]
    ['prompt']
    """

    def __init__(self, client: SyncClientParts) -> None:
        self._client = client

    def list(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every available model (``fields`` adds ``input_schema`` / ``output_schema``)."""
        flow = flows.list_models(self._client._ctx, fields_call(fields, options))
        result: list[dict[str, Any]] = self._client._driver.drive(flow)
        return result

    def get(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One model by slug; ``MODEL_NOT_FOUND`` (404) when there is none."""
        flow = flows.get_model(self._client._ctx, slug, fields_call(fields, options))
        result: dict[str, Any] = self._client._driver.drive(flow)
        return result


class AsyncModelsAPI:
    """``client.models`` of :class:`AsyncSkytellsClient` (coroutines)."""

    def __init__(self, client: AsyncClientParts) -> None:
        self._client = client

    async def list(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every available model (``fields`` adds ``input_schema`` / ``output_schema``)."""
        flow = flows.list_models(self._client._ctx, fields_call(fields, options))
        result: list[dict[str, Any]] = await self._client._driver.drive(flow)
        return result

    async def get(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One model by slug; ``MODEL_NOT_FOUND`` (404) when there is none."""
        flow = flows.get_model(self._client._ctx, slug, fields_call(fields, options))
        result: dict[str, Any] = await self._client._driver.drive(flow)
        return result

"""The 1.0.0 client methods kept for old code: each warns and calls its replacement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._prediction import AsyncPrediction, Prediction
from ..types._options import ModelFieldsOptions, PredictionsListOptions
from ..types._pagination import PaginatedResponse
from ._base import deprecated
from .models import AsyncModelsAPI, ModelsAPI
from .predictions import AsyncPredictionsAPI, PredictionRef, PredictionsAPI

__all__ = ["AsyncDeprecatedMethods", "DeprecatedMethods"]


class DeprecatedMethods:
    """``list_predictions``, ``list_models``, ``get_prediction``, ``get_model`` on the sync client."""

    predictions: PredictionsAPI
    models: ModelsAPI

    def list_predictions(
        self,
        page: int | PredictionsListOptions | Mapping[str, Any] | None = None,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
    ) -> PaginatedResponse[Prediction]:
        """Deprecated: use ``client.predictions.list()``."""
        deprecated("list_predictions()", "client.predictions.list()")
        return self.predictions.list(page, since, until, model, options)

    def list_models(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deprecated: use ``client.models.list()``."""
        deprecated("list_models()", "client.models.list()")
        return self.models.list(fields, options)

    def get_prediction(self, id: PredictionRef) -> Prediction:
        """Deprecated: use ``client.predictions.get()``."""
        deprecated("get_prediction()", "client.predictions.get()")
        return self.predictions.get(id)

    def get_model(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Deprecated: use ``client.models.get()``."""
        deprecated("get_model()", "client.models.get()")
        return self.models.get(slug, fields, options)


class AsyncDeprecatedMethods:
    """The deprecated 1.0.0 methods of the async client (coroutines)."""

    predictions: AsyncPredictionsAPI
    models: AsyncModelsAPI

    async def list_predictions(
        self,
        page: int | PredictionsListOptions | Mapping[str, Any] | None = None,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
    ) -> PaginatedResponse[AsyncPrediction]:
        """Deprecated: use ``client.predictions.list()``."""
        deprecated("list_predictions()", "client.predictions.list()")
        return await self.predictions.list(page, since, until, model, options)

    async def list_models(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deprecated: use ``client.models.list()``."""
        deprecated("list_models()", "client.models.list()")
        return await self.models.list(fields, options)

    async def get_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """Deprecated: use ``client.predictions.get()``."""
        deprecated("get_prediction()", "client.predictions.get()")
        return await self.predictions.get(id)

    async def get_model(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Deprecated: use ``client.models.get()``."""
        deprecated("get_model()", "client.models.get()")
        return await self.models.get(slug, fields, options)

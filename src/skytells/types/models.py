"""Compatibility shim: the model types at the import path of the published 1.0.0 package
(``skytells.types.models``). New code imports them from ``skytells`` or ``skytells.types``."""

from ._enums import ModelPrivacy, ModelType, PricingOperator, PricingUnit
from ._options import ModelFieldsOptions
from ._wire import ModelResponse

__all__ = [
    "ModelFieldsOptions",
    "ModelPrivacy",
    "ModelResponse",
    "ModelType",
    "PricingOperator",
    "PricingUnit",
]

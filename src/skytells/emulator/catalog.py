"""The emulator's model catalog: Model objects, input validation with defaults, pricing.

The models live in ``data/models.json``: each entry is the public Model object the API returns, plus
an ``x-emulator`` section (latency profile, output hints) that is never sent to clients.

>>> catalog = Catalog.load()
>>> model = catalog.get("truefusion-pro")
>>> inputs = catalog.validate(model, {"prompt": "A lake", "aspect_ratio": "16:9"})
>>> inputs["num_outputs"], inputs["output_format"]
(1, 'webp')
>>> model.credits(inputs, 1)
0.05
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from skytells.emulator.input_formats import INPUT_FORMATS, URI_RULE
from skytells.emulator.input_memo import InputMemo

__all__ = [
    "Catalog",
    "CatalogModel",
    "InputError",
    "LatencyProfile",
    "aspect_dims",
    "image_size",
    "requested_seconds",
]

#: The model types the API knows (``embedding`` models serve only ``POST /v1/embeddings``).
MODEL_TYPES = ("image", "video", "audio", "music", "text", "code", "multimodal", "embedding")
#: Fields a client may ask to add with ``?fields=``.
OPTIONAL_FIELDS = ("input_schema", "output_schema")
_PRIVATE_KEY = "x-emulator"
_DEFAULT_LONG_SIDE = 1024
#: Models whose whole latency at speed 1 is at most this many seconds answer a create already finished
#: (seed 003: "Fast models (e.g., truefusion-edge): often succeeded in the initial response").
FAST_MODEL_S = 1.0
_TEXT_REPLY_TOKENS = 64


class InputError(ValueError):
    """Input that does not match a model's ``input_schema``; the API answers 400 ``INVALID_INPUT``.

    >>> InputError("num_outputs", "'num_outputs' must be an integer (got string)").field
    'num_outputs'
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LatencyProfile:
    """Simulated seconds at speed 1: waiting in the queue, booting the model, running it."""

    queue_s: float
    boot_s: float
    run_s: float

    @property
    def total_s(self) -> float:
        return self.queue_s + self.boot_s + self.run_s

    def scaled(self, speed: float) -> LatencyProfile:
        """The same profile with every duration divided by `speed`."""
        return LatencyProfile(self.queue_s / speed, self.boot_s / speed, self.run_s / speed)


class CatalogModel:
    """One model of the catalog: its public object, schemas, latency and pricing."""

    def __init__(self, entry: Mapping[str, Any]) -> None:
        data = {k: copy.deepcopy(v) for k, v in entry.items() if k != _PRIVATE_KEY}
        private: dict[str, Any] = dict(entry.get(_PRIVATE_KEY) or {})
        self.slug: str = data["namespace"]
        self.name: str = data["name"]
        self.type: str = data["type"]
        self.input_schema: dict[str, Any] = data.get("input_schema") or {"type": "object"}
        self.output_schema: dict[str, Any] = data.get("output_schema") or {}
        latency = private.get("latency") or {}
        self.latency = LatencyProfile(
            float(latency.get("queue_s", 0.5)),
            float(latency.get("boot_s", 0.0)),
            float(latency.get("run_s", 2.0)),
        )
        self.options: dict[str, Any] = private
        self._data = data
        self._validator: Any = None
        self._memo = InputMemo(self.input_schema)

    def __repr__(self) -> str:
        return f"CatalogModel({self.slug!r}, type={self.type!r})"

    @property
    def vendor_slug(self) -> str:
        """The vendor's slug (``skytells``, ``black-forest-labs``): the owner in ``owner/slug``."""
        vendor = self._data.get("vendor")
        return str(vendor.get("slug") or "") if isinstance(vendor, Mapping) else ""

    @property
    def pricing(self) -> dict[str, Any]:
        return dict(self._data.get("pricing") or {})

    @property
    def metadata(self) -> dict[str, Any]:
        """The public ``metadata`` object (``openai_compatible``, ``dimensions``, …), a copy."""
        return dict(self._data.get("metadata") or {})

    @property
    def capabilities(self) -> tuple[str, ...]:
        return tuple(self._data.get("capabilities") or ())

    @property
    def predictable(self) -> bool:
        """Whether the prediction routes run this model (embedding models are inference-only)."""
        return self.type != "embedding"

    @property
    def is_video(self) -> bool:
        return self.type == "video"

    @property
    def is_fast(self) -> bool:
        """A model quick enough that a create answers it finished (not a video model)."""
        return not self.is_video and self.latency.total_s <= FAST_MODEL_S

    @property
    def output_is_list(self) -> bool:
        """True when ``output`` is an array of URLs (images), False when one URL or text."""
        return self.output_schema.get("type") == "array"

    @property
    def produces_text(self) -> bool:
        return self.type in ("text", "code", "multimodal")

    @property
    def default_output_format(self) -> str:
        """The image format used when the inputs do not name one."""
        prop = self.input_schema.get("properties", {}).get("output_format", {})
        return str(prop.get("default") or self.options.get("output_format") or "webp")

    def public(self, fields: Iterable[str] = ()) -> dict[str, Any]:
        """The Model object as the API returns it; schemas only when named in `fields`.

        >>> Catalog.load().get("flux-pro").public(fields=("input_schema",))["input_schema"]["required"]
        ['prompt']
        """
        wanted = set(fields)
        return {
            key: copy.deepcopy(value)
            for key, value in self._data.items()
            if key not in OPTIONAL_FIELDS or key in wanted
        }

    def credits(self, inputs: Mapping[str, Any], n_outputs: int = 1) -> float:
        """What a prediction with these (validated) inputs costs, from ``pricing``.

        ``image``/``video`` units are charged per output, ``prediction`` once, second-based units per
        requested second, ``image_megapixel`` per output megapixel, ``token`` per estimated token,
        ``computing_second`` per simulated run second.
        """
        pricing = self._data.get("pricing") or {}
        if not self._data.get("billable", True) or not pricing:
            return 0.0
        amount = float(pricing.get("amount", 0.0))
        unit = str(pricing.get("unit", "prediction"))
        count = max(1, int(n_outputs))
        return round(amount * self._billed_quantity(unit, inputs, count), 6)

    def _billed_quantity(self, unit: str, inputs: Mapping[str, Any], count: int) -> float:
        if unit in ("image", "video"):
            return count
        if unit in ("second", "video_second", "audio_second"):
            return requested_seconds(self, inputs)
        if unit == "5 seconds":
            return math.ceil(requested_seconds(self, inputs) / 5)
        if unit == "minute":
            return requested_seconds(self, inputs) / 60
        if unit in ("image_megapixel", "megapixel"):
            width, height = image_size(self, inputs)
            return count * width * height / 1_000_000
        if unit in ("token", "tokens"):
            return estimate_tokens(inputs)
        if unit == "million_token":
            return estimate_tokens(inputs) / 1_000_000
        if unit in ("computing_second", "gpu"):
            return self.latency.run_s
        return 1


class Catalog:
    """All models, in file order; look-ups by slug and input validation."""

    def __init__(self, entries: Iterable[Mapping[str, Any]]) -> None:
        self._models = [CatalogModel(_checked_entry(i, entry)) for i, entry in enumerate(entries)]
        counts = Counter(m.slug for m in self._models)
        duplicates = sorted(slug for slug, count in counts.items() if count > 1)
        if duplicates:
            raise ValueError(f"model catalog: duplicate namespace {', '.join(duplicates)}")
        self._by_slug = {m.slug: m for m in self._models}
        self._by_folded = {m.slug.casefold(): m for m in self._models}

    @classmethod
    def load(cls, path: str | Path | None = None) -> Catalog:
        """The catalog from `path`, or the packaged ``data/models.json`` (parsed once)."""
        if path is not None:
            try:
                entries = json.loads(Path(path).read_text(encoding="utf-8"))
            except ValueError as exc:
                raise ValueError(f"model catalog {path}: not valid JSON ({exc})") from None
            if not isinstance(entries, list):
                raise ValueError(f"model catalog {path}: expected a JSON array of Model objects")
            return cls(entries)
        return _packaged_catalog()

    def __len__(self) -> int:
        return len(self._models)

    def __iter__(self) -> Iterator[CatalogModel]:
        return iter(self._models)

    def __contains__(self, slug: object) -> bool:
        return isinstance(slug, str) and self.get(slug) is not None

    def all(self) -> list[CatalogModel]:
        """Every model, in a stable order (the data file's)."""
        return list(self._models)

    def get(self, slug: str) -> CatalogModel | None:
        """The model for `slug`: exact match, then case-insensitive, then ``owner/slug`` where the owner
        is the model's vendor (``skytells/truefusion-pro``, as the API's webhook docs write it)."""
        found = self._by_slug.get(slug) or self._by_folded.get(slug.casefold())
        if found is None and "/" in slug:
            owner, _, name = slug.rpartition("/")
            model = self._by_slug.get(name) or self._by_folded.get(name.casefold())
            if model is not None and owner and owner.casefold() == model.vendor_slug.casefold():
                return model
        return found

    def validate(self, model: CatalogModel, inputs: Any) -> dict[str, Any]:
        """`inputs` checked against the model's ``input_schema``, with schema defaults filled in.

        Unknown keys are kept; a ``null`` for an optional key counts as not given. Raises
        `InputError` naming the first offending field.
        """
        if inputs is None:
            inputs = {}
        if not isinstance(inputs, dict):
            raise InputError("input", f"'input' must be a JSON object (got {_json_type(inputs)})")
        schema = model.input_schema
        required = set(schema.get("required", ()))
        cleaned = {k: copy.deepcopy(v) for k, v in inputs.items() if v is not None or k in required}
        if model._validator is None:
            model._validator = _DefaultingValidator(schema, format_checker=INPUT_FORMATS)
        key = model._memo.key(cleaned)
        known = model._memo.recall(key, cleaned)
        if isinstance(known, InputError):
            raise InputError(known.field, str(known))
        if isinstance(known, dict):
            return known  # an input like this one was checked before (with other free text)
        errors = sorted(model._validator.iter_errors(cleaned), key=_error_rank)
        if errors:
            error = _input_error(errors[0])
            model._memo.remember(key, error)
            raise error
        model._memo.remember(key, cleaned)
        return cleaned


def _checked_entry(index: int, entry: Any) -> Mapping[str, Any]:
    """`entry` when it can serve as a Model; a ValueError naming what is wrong otherwise."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"model catalog entry {index}: expected an object")
    where = f"model catalog entry {index} ({entry.get('namespace', '?')})"
    for key in ("name", "namespace"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ValueError(f"{where}: '{key}' must be a non-empty string")
    if entry.get("type") not in MODEL_TYPES:
        raise ValueError(f"{where}: 'type' must be one of {', '.join(MODEL_TYPES)}")
    schema = entry.get("input_schema")
    if schema is not None:
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as exc:
            raise ValueError(f"{where}: invalid input_schema: {getattr(exc, 'message', exc)}") from None
    return entry


#: inputs that change what an output shows but never its shape (format, size, duration)
PER_PREDICTION_INPUTS = ("prompt", "lyrics", "text", "seed")


def image_size(model: CatalogModel, inputs: Mapping[str, Any]) -> tuple[int, int]:
    """Pixel size of the images `inputs` ask for: ``width``/``height``, else ``aspect_ratio``.

    Sizes given in pixels are kept to a multiple of 8 (what the schemas accept); sizes worked out from
    an aspect ratio are rounded to multiples of 16, its long side 1024 (or the model's
    ``x-emulator.long_side``).
    """
    long_side = int(model.options.get("long_side", _DEFAULT_LONG_SIDE))
    width: Any = inputs.get("width")
    height: Any = inputs.get("height")
    ratio = aspect_dims(str(inputs.get("aspect_ratio") or "1:1"))
    if _is_number(width) and _is_number(height):
        return _round_to(float(width), 8), _round_to(float(height), 8)
    if _is_number(width):
        return _round_to(float(width), 8), _round_to(float(width) * ratio[1] / ratio[0], 8)
    if _is_number(height):
        return _round_to(float(height) * ratio[0] / ratio[1], 8), _round_to(float(height), 8)
    return _aspect_size(ratio, long_side)


def requested_seconds(model: CatalogModel, inputs: Mapping[str, Any]) -> float:
    """The clip or track length the inputs ask for, in seconds (what per-second pricing bills).

    The first of ``seconds``, ``duration``, ``duration_seconds`` that reads as a finite number wins.
    """
    for key in ("seconds", "duration", "duration_seconds"):
        value = inputs.get(key)
        try:
            seconds = float(value) if value is not None and not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            continue
        if math.isfinite(seconds):  # "inf" or "nan" would bill an amount JSON cannot carry
            return max(0.0, seconds)
    text = inputs.get("text")
    if isinstance(text, str) and text:
        speed = inputs.get("speed")
        rate = float(speed) if _is_number(speed) and speed else 1.0
        return round(max(1.0, len(text.split()) / 2.5 / rate), 2)
    return float(model.options.get("audio_seconds", 5.0))


def estimate_tokens(inputs: Mapping[str, Any]) -> int:
    """Prompt tokens (about four characters each) plus the emulator's reply length."""
    text = "".join(str(inputs.get(k) or "") for k in ("system_prompt", "prompt"))
    max_tokens: Any = inputs.get("max_tokens")
    reply = min(int(max_tokens), _TEXT_REPLY_TOKENS) if _is_number(max_tokens) else _TEXT_REPLY_TOKENS
    return math.ceil(len(text) / 4) + reply


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _round_to(value: float, step: int) -> int:
    return max(step, int(value / step + 0.5) * step)


def aspect_dims(text: str, fallback: tuple[float, float] = (1.0, 1.0)) -> tuple[float, float]:
    """``"16:9"`` as ``(16.0, 9.0)``; `fallback` unless both parts are positive finite numbers."""
    try:
        w, h = (float(part) for part in text.split(":", 1))
    except ValueError:
        return fallback
    return (w, h) if 0 < w < math.inf and 0 < h < math.inf else fallback


def _aspect_size(ratio: tuple[float, float], long_side: int) -> tuple[int, int]:
    w, h = ratio
    if w >= h:
        return _round_to(long_side, 16), _round_to(long_side * h / w, 16)
    return _round_to(long_side * w / h, 16), _round_to(long_side, 16)


@cache
def _packaged_catalog() -> Catalog:
    text = resources.files("skytells.emulator").joinpath("data/models.json").read_text(encoding="utf-8")
    return Catalog(json.loads(text))


def _extend_with_defaults(base: Any) -> Any:
    """A validator class that also fills in ``default`` values of missing properties."""
    validate_properties = base.VALIDATORS["properties"]

    def set_defaults(
        validator: Any, properties: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if isinstance(subschema, dict) and "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return validators.extend(base, {"properties": set_defaults})


_DefaultingValidator = _extend_with_defaults(Draft202012Validator)


_RANK = {"required": 0, "type": 1, "enum": 2}


def _error_rank(error: ValidationError) -> tuple[int, str]:
    return (_RANK.get(str(error.validator), 3), _field_of(error))


def _field_of(error: ValidationError) -> str:
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            return ".".join([*map(str, error.absolute_path), str(missing[0])])
    path = ".".join(str(part) for part in error.absolute_path)
    return path or "input"


def _input_error(error: ValidationError) -> InputError:
    field = _field_of(error)
    kind, expected, got = str(error.validator), error.validator_value, error.instance
    if kind == "required":
        message = f"'{field}' is required"
    elif kind == "type":
        message = f"'{field}' must be {_type_phrase(expected)} (got {_json_type(got)})"
    elif kind == "enum":
        options = ", ".join(json.dumps(option) for option in expected)
        message = f"'{field}' must be one of {options} (got {json.dumps(got)})"
    elif kind in ("minimum", "exclusiveMinimum"):
        message = f"'{field}' must be at least {expected} (got {got})"
    elif kind in ("maximum", "exclusiveMaximum"):
        message = f"'{field}' must be at most {expected} (got {got})"
    elif kind == "minLength":
        message = f"'{field}' must be at least {expected} character{'s' if expected != 1 else ''} long"
    elif kind == "maxLength":
        message = f"'{field}' must be at most {expected} characters long (got {len(got)})"
    elif kind == "maxItems":
        message = f"'{field}' must have at most {expected} items"
    elif kind == "multipleOf":  # seed 003's wording: "width must be a multiple of 8"
        return InputError(field, f"{field} must be a multiple of {expected}")
    elif kind == "anyOf" and all(isinstance(o, dict) and list(o) == ["required"] for o in expected):
        names = [str(option["required"][0]) for option in expected]  # "video or image" inputs
        return InputError(names[0], f"Invalid input: {' or '.join(repr(n) for n in names)} is required")
    elif kind == "format" and expected == "uri":
        message = f"'{field}' must be {URI_RULE} (got {_clip(got)})"
    else:
        message = f"'{field}' is invalid: {error.message}"
    return InputError(field, f"Invalid input: {message}")


def _clip(value: Any, limit: int = 60) -> str:
    """`value` as JSON, cut to `limit` characters (a data: URI can be megabytes long)."""
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_phrase(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    words = {"integer": "an integer", "object": "an object", "array": "an array"}
    return " or ".join(words.get(name, f"a {name}") for name in names)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"

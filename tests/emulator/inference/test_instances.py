"""The JSON Schema instances behind tool arguments and json_schema answers: always valid, or refused."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from skytells.emulator.inference.instances import Unsatisfiable, instance_for


class Address(BaseModel):
    street: str
    zip_code: str | None


class Person(BaseModel):
    name: str
    age: int
    addresses: list[Address]
    primary: Address


SCHEMAS: list[dict[str, Any]] = [
    {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string", "minLength": 12, "maxLength": 12}},
    },
    {
        "type": "object",
        "required": ["n"],
        "properties": {"n": {"type": "integer", "minimum": 7, "multipleOf": 5}},
    },
    {"type": "object", "required": ["x"], "properties": {"x": {"type": "number", "exclusiveMaximum": -3}}},
    {"type": "object", "required": ["d"], "properties": {"d": {"type": "string", "format": "date-time"}}},
    {"type": "object", "required": ["u"], "properties": {"u": {"type": "string", "format": "uuid"}}},
    {"type": "object", "required": ["e"], "properties": {"e": {"type": ["null", "integer"]}}},
    {"type": "object", "required": ["c"], "properties": {"c": {"const": {"k": [1, 2]}}}},
    {"type": "array", "minItems": 3, "uniqueItems": True, "items": {"type": "integer", "maximum": 100}},
    {"type": "array", "prefixItems": [{"type": "boolean"}, {"type": "string"}], "minItems": 2},
    {"anyOf": [{"type": "string", "pattern": "^[A-Z]{2}$"}, {"type": "integer"}]},
    {
        "allOf": [
            {"type": "object", "required": ["a"]},
            {"required": ["b"], "properties": {"b": {"enum": [3, 4]}}},
        ]
    },
    {"type": "object", "minProperties": 2, "properties": {"p": {"type": "null"}, "q": {"type": "boolean"}}},
    {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "default": "abc-123"}}},
    {"type": "string", "pattern": "^[0-9]+$"},
    {"type": "string", "pattern": "^[A-Z]{2}-\\d{4}$", "maxLength": 7},
    {"type": "string", "pattern": "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$"},
    Person.model_json_schema(),
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[f"schema{i}" for i in range(len(SCHEMAS))])
def test_the_instance_validates_and_is_the_same_every_time(schema: dict[str, Any]) -> None:
    value = instance_for(schema)
    jsonschema.validate(value, schema)
    assert instance_for(schema) == value


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "pattern": "(?=x)y"},
        {"type": "integer", "minimum": 4, "maximum": 3},
        {"type": "array", "minItems": 10**9},
        {"$defs": {"n": {"type": "object", "required": ["a", "b"], "properties": {
            "a": {"$ref": "#/$defs/n"}, "b": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"},
        {"type": 7},
        {"$ref": "https://example.com/schema.json"},
        {"not": {}},
    ],
)  # fmt: skip
def test_a_schema_without_a_reachable_instance_is_unsatisfiable(schema: dict[str, Any]) -> None:
    with pytest.raises(Unsatisfiable):
        instance_for(schema)

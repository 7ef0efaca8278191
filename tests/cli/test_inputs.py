"""Typing `-i key=value` values by a model's input schema (no server needed)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from skytells._cli._errors import CliError, ExitCode
from skytells._cli._inputs import build_input, load_input_file

SCHEMA = {
    "type": "object",
    "required": ["prompt"],
    "properties": {
        "prompt": {"type": "string"},
        "num_outputs": {"type": "integer", "minimum": 1, "maximum": 4},
        "guidance": {"type": "number"},
        "hdr": {"type": "boolean"},
        "aspect_ratio": {"type": "string", "enum": ["1:1", "16:9"]},
        "sample_rate": {"type": "integer", "enum": [16000, 44100]},
        "seed": {"type": ["integer", "null"]},
        "tags": {"type": "array", "items": {"type": "integer"}},
        "extra": {"type": "object"},
        "image": {"type": "string", "format": "uri"},
    },
}


def fails(pairs: list[str], message: str) -> CliError:
    with pytest.raises(CliError) as caught:
        build_input(pairs, SCHEMA)
    assert caught.value.exit_code == ExitCode.INVALID_INPUT
    assert caught.value.error_id == "INVALID_INPUT"
    assert message in caught.value.message
    return caught.value


def test_values_take_the_schema_types() -> None:
    pairs = [
        "prompt=a=b c",
        "num_outputs=2",
        "guidance=3.5",
        "hdr=no",
        "aspect_ratio=16:9",
        "sample_rate=44100",
        "seed=7",
        "tags=1, 2,3",
        'extra={"a": 1}',
    ]
    assert build_input(pairs, SCHEMA) == {
        "prompt": "a=b c",
        "num_outputs": 2,
        "guidance": 3.5,
        "hdr": False,
        "aspect_ratio": "16:9",
        "sample_rate": 44100,
        "seed": 7,
        "tags": [1, 2, 3],
        "extra": {"a": 1},
    }


def test_a_string_input_stays_a_string_even_when_it_looks_like_a_number() -> None:
    assert build_input(["prompt=42"], SCHEMA) == {"prompt": "42"}


def test_pairs_override_the_input_file_values() -> None:
    assert build_input(["num_outputs=3"], SCHEMA, {"prompt": "x", "num_outputs": 1}) == {
        "prompt": "x",
        "num_outputs": 3,
    }


def test_without_a_schema_values_are_read_as_json_where_they_can_be() -> None:
    assert build_input(["n=3", "on=true", "name=fox"], None) == {"n": 3, "on": True, "name": "fox"}


def test_a_value_that_is_not_an_integer_is_refused_with_the_input_named() -> None:
    fails(["num_outputs=two"], "input 'num_outputs' must be an integer, got 'two'")
    fails(["num_outputs=1.5"], "must be an integer")


def test_other_bad_values_are_refused() -> None:
    fails(["guidance=lots"], "input 'guidance' must be a number")
    fails(["hdr=maybe"], "input 'hdr' must be true or false")
    fails(["aspect_ratio=5:4"], "input 'aspect_ratio' must be one of 1:1, 16:9; got '5:4'")
    fails(["sample_rate=8000"], "must be one of 16000, 44100")
    fails(["tags=1,x"], "input 'tags[1]' must be an integer")
    fails(["extra=[1]"], "input 'extra' must be a JSON object")
    fails(["guidance=nan"], "must be a number")


def test_unknown_inputs_and_malformed_pairs_are_refused() -> None:
    error = fails(["promt=typo"], "unknown input 'promt'")
    assert "prompt" in error.message
    fails(["prompt"], "expected key=value, got 'prompt'")
    fails(["=x"], "expected key=value")


def test_at_path_reads_a_file_as_a_data_uri_for_uri_inputs(tmp_path: Path) -> None:
    picture = tmp_path / "in.png"
    picture.write_bytes(b"\x89PNG fake bytes")
    value = build_input([f"image=@{picture}"], SCHEMA)["image"]
    assert value.startswith("data:image/png;base64,")
    assert base64.b64decode(value.split(",", 1)[1]) == b"\x89PNG fake bytes"


def test_at_path_reads_a_text_file_for_a_plain_string_and_at_at_escapes(tmp_path: Path) -> None:
    (tmp_path / "prompt.txt").write_text("A fox in the snow", encoding="utf-8")
    assert build_input([f"prompt=@{tmp_path / 'prompt.txt'}"], SCHEMA) == {"prompt": "A fox in the snow"}
    assert build_input(["prompt=@@home"], SCHEMA) == {"prompt": "@home"}


def test_a_binary_file_for_a_plain_string_becomes_a_data_uri(tmp_path: Path) -> None:
    (tmp_path / "clip.wav").write_bytes(b"RIFF\x00\xff")
    assert build_input([f"prompt=@{tmp_path / 'clip.wav'}"], SCHEMA)["prompt"].startswith("data:audio/")


def test_a_missing_file_is_refused_with_its_path(tmp_path: Path) -> None:
    fails([f"image=@{tmp_path / 'nope.png'}"], "input 'image': file not found:")


def test_input_file_must_be_a_json_object(tmp_path: Path) -> None:
    good = tmp_path / "in.json"
    good.write_text(json.dumps({"prompt": "x"}))
    assert load_input_file(str(good)) == {"prompt": "x"}
    for content, message in [("[1]", "must hold a JSON object"), ("{nope", "is not valid JSON")]:
        good.write_text(content)
        with pytest.raises(CliError, match=message):
            load_input_file(str(good))
    with pytest.raises(CliError, match="input file not found"):
        load_input_file(str(tmp_path / "missing.json"))

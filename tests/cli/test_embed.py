"""`skytells embed`: one vector per text, --json, --dimensions, texts from stdin, errors."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from skytells import SkytellsClient
from skytells._cli._embed import vector_line
from tests.cli.cli_support import Invoke, parse_json

MODEL = "deepbrain-embed"
LINE = re.compile(r"^\[(\d+)\] (\d+) dims  ((?:-?\d\.\d{4} ?){8}) …$")


def test_one_line_per_text_with_its_first_values(cli: Invoke, client: SkytellsClient) -> None:
    result = cli("embed", MODEL, "a cat", "a dog")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    expected = client.embeddings.create(model=MODEL, input=["a cat", "a dog"])
    for index, line in enumerate(lines):
        match = LINE.match(line)
        assert match, line
        vector = expected.data[index].embedding
        assert (int(match[1]), int(match[2])) == (index, len(vector))
        shown = [float(v) for v in match[3].split()]
        assert shown == [round(v, 4) for v in vector[:8]]
    tokens = expected.usage.total_tokens
    assert result.stderr.strip() == f"2 embeddings from {MODEL} · {tokens} tokens"


def test_json_prints_the_embeddings_response(cli: Invoke) -> None:
    result = cli("embed", MODEL, "a cat", "a dog", "--json")
    assert result.exit_code == 0, result.output
    response = parse_json(result)
    assert response["object"] == "list" and response["model"] == MODEL
    assert [item["index"] for item in response["data"]] == [0, 1]
    vector = response["data"][0]["embedding"]
    assert len(vector) == 1024 and math.isclose(math.fsum(v * v for v in vector), 1.0, rel_tol=1e-4)
    assert response["usage"]["prompt_tokens"] > 0
    assert result.stderr == ""


def test_dimensions_shortens_the_vectors(cli: Invoke) -> None:
    short = parse_json(cli("embed", MODEL, "a cat", "--dimensions", "256", "--json"))
    assert len(short["data"][0]["embedding"]) == 256
    shown = cli("embed", MODEL, "a cat", "--dimensions", "256")
    assert shown.stdout.startswith("[0] 256 dims  ")
    too_many = cli("embed", MODEL, "a cat", "--dimensions", "5000")
    assert too_many.exit_code == 5, too_many.output
    assert too_many.stderr.startswith("Error [INVALID_PARAMETER]") and "dimensions" in too_many.stderr


def test_dash_reads_one_text_per_line_of_stdin(cli: Invoke, client: SkytellsClient) -> None:
    result = cli("embed", MODEL, "first", "-", "--json", input="second\n\nthird line\n")
    assert result.exit_code == 0, result.output
    vectors = [item["embedding"] for item in parse_json(result)["data"]]
    expected = client.embeddings.create(model=MODEL, input=["first", "second", "third line"])
    assert vectors == [item.embedding for item in expected.data]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["-"], "\n \n", "nothing to embed"),
        (["-", "-"], "a\n", "can be given only once"),
        ([], None, "Missing argument 'TEXT...'"),
    ],
)
def test_no_text_is_a_usage_error(cli: Invoke, args: list[str], stdin: str | None, message: str) -> None:
    result = cli("embed", MODEL, *args, input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("model", "code", "error_id"),
    [("deepbrain-router", 5, "MODEL_NOT_SUPPORTED"), ("nope", 4, "MODEL_NOT_FOUND")],
)
def test_a_model_that_cannot_embed_gets_one_error_line(
    cli: Invoke, model: str, code: int, error_id: str
) -> None:
    result = cli("embed", model, "a cat")
    assert result.exit_code == code, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error [{error_id}]") and model in line


def test_local_embeds_with_no_key(cli: Invoke, tmp_path: Path) -> None:
    no_remote = {"SKYTELLS_API_KEY": None, "SKYTELLS_BASE_URL": "http://127.0.0.1:9/v1"}
    result = cli("embed", "deepbrain-embed-small", "offline", "--local", "--json", env=no_remote)
    assert result.exit_code == 0, result.output
    assert parse_json(result)["data"][0]["embedding"]
    assert (tmp_path / "cache" / "skytells" / "emulator").is_dir()


def test_the_api_key_never_shows(cli: Invoke, api_key: str) -> None:
    for args in (
        ("embed", MODEL, "a cat"),
        ("embed", MODEL, "a cat", "--json"),
        ("embed", "nope", "a cat"),
        ("embed", "--help"),
    ):
        result = cli(*args)
        assert api_key not in result.output and api_key[6:] not in result.output


def test_vector_line_shows_at_most_eight_values() -> None:
    assert vector_line(3, [0.5, -0.25]) == "[3] 2 dims  0.5000 -0.2500"
    assert vector_line(0, [0.1] * 9).endswith("0.1000 …")

"""`skytells models list/get`."""

from __future__ import annotations

from tests.cli.cli_support import Invoke, parse_json


def test_list_shows_a_table_of_models(cli: Invoke) -> None:
    result = cli("models", "list")
    assert result.exit_code == 0, result.output
    for text in ("truefusion-pro", "beatfusion-2.0", "mera", "image", "video"):
        assert text in result.stdout


def test_list_by_type_and_as_json(cli: Invoke) -> None:
    videos = parse_json(cli("models", "list", "--type", "video", "--json"))
    assert videos and {m["type"] for m in videos} == {"video"}
    assert "mera" in {m["namespace"] for m in videos}
    table = cli("models", "list", "--type", "video")
    assert "mera" in table.stdout and "truefusion-pro " not in table.stdout


def test_an_unknown_type_is_a_usage_error(cli: Invoke) -> None:
    result = cli("models", "list", "--type", "hologram")
    assert result.exit_code == 2
    assert "hologram" in result.stderr


def test_get_shows_the_model_and_with_schema_its_inputs(cli: Invoke) -> None:
    plain = cli("models", "get", "truefusion-pro")
    assert plain.exit_code == 0, plain.output
    assert "truefusion-pro" in plain.stdout and "Inputs" not in plain.stdout
    detailed = cli("models", "get", "truefusion-pro", "--schema")
    assert "Inputs" in detailed.stdout
    assert "prompt *" in detailed.stdout and "num_outputs" in detailed.stdout


def test_get_json_includes_the_schemas_only_when_asked(cli: Invoke) -> None:
    assert "input_schema" not in parse_json(cli("models", "get", "truefusion-pro", "--json"))
    model = parse_json(cli("models", "get", "truefusion-pro", "--schema", "--json"))
    assert model["input_schema"]["properties"]["prompt"]["type"] == "string"


def test_get_an_unknown_model_is_not_found(cli: Invoke) -> None:
    result = cli("models", "get", "no-such-model")
    assert result.exit_code == 4
    assert result.stderr.startswith("Error [MODEL_NOT_FOUND]") and "no-such-model" in result.stderr

"""`skytells run`: typed inputs, progress, downloads, --json, --no-wait, errors and Ctrl-C."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from skytells import SkytellsClient, StreamEvent
from tests.cli.cli_support import Invoke, parse_json


def saved_files(stdout: str) -> list[Path]:
    return [Path(line.split("Saved ", 1)[1].strip()) for line in stdout.splitlines() if "Saved " in line]


def test_run_saves_a_real_image_and_prints_its_path(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", "truefusion", "-i", "prompt=A lighthouse at dawn", "-i", "aspect_ratio=16:9")
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.stdout
    [path] = saved_files(result.stdout)
    assert path.parts[0] == "skytells-output"
    with Image.open(tmp_path / path) as image:
        assert image.width > image.height  # 16:9 was honoured, so the input reached the model typed
    assert "Running truefusion" in result.stderr
    assert "100%" in result.stderr  # the progress display ended full


def test_run_json_prints_only_the_prediction_with_its_files(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli(
        "run",
        "truefusion-pro",
        "-i",
        "prompt=A cat",
        "-i",
        "num_outputs=2",
        "--output-dir",
        str(out),
        "--json",
    )
    assert result.exit_code == 0, result.output
    prediction = parse_json(result)
    assert prediction["status"] == "succeeded"
    assert prediction["input"]["num_outputs"] == 2
    files = [Path(p) for p in prediction["downloaded_files"]]
    assert len(files) == 2 and all(p.is_file() and p.parent.parent == out for p in files)
    assert result.stderr == ""


def test_typed_inputs_and_an_at_file_reach_the_model(cli: Invoke, tmp_path: Path) -> None:
    Image.new("RGB", (8, 8), "red").save(tmp_path / "start.png")
    result = cli(
        "run",
        "truefusion-pro",
        *("-i", "prompt=Make it blue", "-i", "image=@start.png", "-i", "guidance=2.5"),
        *(
            "-i",
            "disable_safety_checker=yes",
            "-i",
            "output_format=png",
            "-i",
            "width=320",
            "-i",
            "height=256",
        ),
        "--json",
    )
    assert result.exit_code == 0, result.output
    prediction = parse_json(result)
    sent = prediction["input"]
    assert sent["image"].startswith("data:image/png;base64,")
    assert (sent["guidance"], sent["disable_safety_checker"], sent["width"]) == (2.5, True, 320)
    [saved] = prediction["downloaded_files"]
    with Image.open(saved) as image:
        assert (image.format, image.size) == ("PNG", (320, 256))


def test_input_file_is_merged_under_the_pairs(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text(json.dumps({"prompt": "From a file", "num_outputs": 3}))
    result = cli("run", "truefusion-pro", "--input-file", "in.json", "-i", "num_outputs=1", "--json")
    assert result.exit_code == 0, result.output
    assert parse_json(result)["input"]["prompt"] == "From a file"
    assert parse_json(result)["input"]["num_outputs"] == 1


def test_no_wait_returns_the_pending_prediction_at_once(cli: Invoke, emulator: Any) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "pending"})
    result = cli("run", "truefusion", "-i", "prompt=Later", "--no-wait")
    assert result.exit_code == 0, result.output
    prediction_id, status = result.stdout.split()
    assert status == "pending"
    assert f"skytells predictions wait {prediction_id}" in result.stderr
    shown = cli("predictions", "get", prediction_id, "--json")
    assert parse_json(shown)["status"] == "pending"


def test_webhook_is_sent_with_the_prediction(cli: Invoke) -> None:
    result = cli(
        "run", "truefusion", "-i", "prompt=x", "--webhook", "http://127.0.0.1:9/hook", "--no-wait", "--json"
    )
    assert result.exit_code == 0, result.output
    assert parse_json(result)["webhook"]["url"] == "http://127.0.0.1:9/hook"


def test_a_webhook_that_is_not_a_url_is_a_usage_error(cli: Invoke) -> None:
    result = cli("run", "truefusion", "-i", "prompt=x", "--webhook", "ftp://nope")
    assert result.exit_code == 2
    assert "--webhook" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "error_id", "message"),
    [
        (["nope-model", "-i", "prompt=x"], 4, "MODEL_NOT_FOUND", "nope-model"),
        (
            ["truefusion-pro", "-i", "prompt=x", "-i", "num_outputs=many"],
            5,
            "INVALID_INPUT",
            "must be an integer",
        ),
        (["truefusion-pro", "-i", "image=@missing.png"], 5, "INVALID_INPUT", "file not found: missing.png"),
        (["truefusion-pro", "--input-file", "missing.json"], 5, "INVALID_INPUT", "input file not found"),
        (["truefusion-pro", "-i", "prompt"], 5, "INVALID_INPUT", "expected key=value"),
    ],
)
def test_bad_input_gets_one_line_with_its_error_id_and_exit_code(
    cli: Invoke, base_url: str, api_key: str, args: list[str], code: int, error_id: str, message: str
) -> None:
    result = cli("run", *args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error [{error_id}]") and message in line
    with SkytellsClient(api_key, base_url=base_url) as client:
        assert client.predictions.list().data == []  # nothing was created


def test_the_server_rejecting_an_input_is_invalid_input(cli: Invoke) -> None:
    result = cli("run", "truefusion-pro", "-i", "num_outputs=2")  # the required prompt is missing
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("Error [INVALID_INPUT]") and "prompt" in result.stderr


def test_a_failed_prediction_exits_6_and_still_prints_it_as_json(cli: Invoke, emulator: Any) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "fail", "message": "GPU on fire"})
    result = cli("run", "truefusion", "-i", "prompt=x", "--json")
    assert result.exit_code == 6, result.output
    assert parse_json(result)["status"] == "failed"
    assert result.stderr.startswith("Error [PREDICTION_FAILED]") and "GPU on fire" in result.stderr


def test_without_live_events_the_command_polls(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that answers the stream route with plain JSON (as the SDKs expect) is polled instead."""

    def json_only(self: SkytellsClient, id: str, **kwargs: Any) -> Iterator[StreamEvent]:
        yield StreamEvent("done", dict(self.predictions.get(id)), None)

    monkeypatch.setattr(SkytellsClient, "stream_events", json_only)
    polls: list[Any] = []
    real_wait = SkytellsClient.wait
    monkeypatch.setattr(SkytellsClient, "wait", lambda *a, **k: polls.append(a) or real_wait(*a, **k))
    result = cli("run", "truefusion", "-i", "prompt=x", "--json")
    assert result.exit_code == 0, result.output
    assert parse_json(result)["status"] == "succeeded"
    assert polls  # the SDK's wait() finished the job


def interrupt_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate Ctrl-C while the command waits for the prediction."""

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(SkytellsClient, "stream_events", interrupted)
    monkeypatch.setattr(SkytellsClient, "wait", interrupted)


def test_ctrl_c_offers_to_cancel_and_cancels_when_confirmed(
    cli: Invoke, emulator: Any, base_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "pending"})
    interrupt_wait(monkeypatch)
    result = cli("run", "truefusion", "-i", "prompt=x", input="y\n")
    assert result.exit_code == 130, result.output
    assert "Cancel prediction" in result.stderr
    assert "Error [INTERRUPTED]" in result.stderr and "cancelled" in result.stderr
    with SkytellsClient(api_key, base_url=base_url) as client:
        [prediction] = client.predictions.list().data
    assert prediction["status"] == "cancelled"


def test_ctrl_c_leaves_the_prediction_running_when_declined(
    cli: Invoke, emulator: Any, base_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "pending"})
    interrupt_wait(monkeypatch)
    result = cli("run", "truefusion", "-i", "prompt=x", input="n\n")
    assert result.exit_code == 130, result.output
    assert "left running" in result.stderr and "skytells predictions wait" in result.stderr
    with SkytellsClient(api_key, base_url=base_url) as client:
        [prediction] = client.predictions.list().data
    assert prediction["status"] == "pending"


def test_an_output_dir_that_cannot_be_written_is_one_clear_error(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the folder should go")
    result = cli("run", "truefusion", "-i", "prompt=x", "--output-dir", "blocked/out")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1].startswith("Error [DOWNLOAD_FAILED] could not save the outputs")

"""`skytells run -i image=@file`: the SDK's encoder sends the file, the edit model's output shows it."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

import skytells
from tests.cli.cli_support import Invoke, parse_json


def test_an_at_file_reaches_the_edit_model_and_its_output_shows_it(cli: Invoke, tmp_path: Path) -> None:
    Image.new("RGB", (80, 60), (20, 160, 220)).save(tmp_path / "sky.png")
    result = cli("run", "truefusion-edit", "-i", "image=@sky.png", "-i", "prompt=Add a moon", "--json")
    assert result.exit_code == 0, result.output
    prediction = parse_json(result)
    assert prediction["input"]["image"] == skytells.file_input(tmp_path / "sky.png")
    [saved] = prediction["downloaded_files"]
    with Image.open(saved) as image:
        pixel = image.convert("RGB").getpixel((image.width // 2, image.height * 2 // 5))
    assert isinstance(pixel, tuple) and all(
        abs(a - b) < 30 for a, b in zip(pixel, (20, 160, 220), strict=True)
    )


def test_an_oversized_at_file_is_refused_naming_the_input(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "huge.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8 * 1024 * 1024))
    result = cli("run", "truefusion-edit", "-i", "image=@huge.png", "-i", "prompt=x")
    assert result.exit_code == 5, result.output
    assert "input 'image'" in result.stderr and "10 MiB" in result.stderr

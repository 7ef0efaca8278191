"""The README's first command, end to end: `bash scripts/demo` saves a real image and prints its path."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_a_text_to_image_prediction_and_saves_the_image(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "120"}
    env.pop("SKYTELLS_API_KEY", None)
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo"), "-i", "seed=7"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "100%" in done.stderr  # the progress display ran to the end
    [saved] = re.findall(r"Saved (\S+)", done.stdout)
    with Image.open(tmp_path / saved) as image:
        image.verify()
    assert Path(saved).parts[0] == "skytells-output"

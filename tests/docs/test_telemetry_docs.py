"""The Python examples of docs/telemetry.md run as written against the session emulator.

Each runs in a fresh interpreter: the first sets OpenTelemetry's global tracer provider, which a
process can set only once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "telemetry.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def run_example(source: str, base_url: str, api_key: str) -> str:
    env = {**os.environ, "SKYTELLS_BASE_URL": base_url, "SKYTELLS_API_KEY": api_key}
    result = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, timeout=60, cwd=REPO, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_page_has_its_two_examples() -> None:
    assert len(BLOCKS) == 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_runs(index: int, base_url: str, api_key: str) -> None:
    out = run_example(BLOCKS[index], base_url, api_key)
    assert api_key not in out
    if index == 0:  # the console exporter prints each span as JSON, then the example prints the status
        assert "\nsucceeded\n" in out
        for name in (
            '"name": "POST /predictions"',
            '"name": "skytells.predictions.run"',
            '"name": "make-thumbnail"',
        ):
            assert name in out
        assert '"skytells.model": "truefusion"' in out and "A lighthouse" not in out
    else:
        assert out.strip() == "['GET /models/{id}', 'skytells.models.get']"

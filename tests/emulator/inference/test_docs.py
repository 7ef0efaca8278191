"""The Python examples of docs/emulator-inference.md run as written and print what their comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "emulator-inference.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_has_python_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{index}" for index in range(len(BLOCKS))])
def test_python_example_runs(source: str) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, str(DOC), "exec"), {"__name__": "__doc_example__"})
    lines = printed.getvalue().splitlines()
    promised = [comment.strip() for comment in re.findall(r"print\(.*\)\s+#\s*(.+)", source)]
    assert len(lines) == len(promised)
    for line, expected in zip(lines, promised, strict=True):
        assert line.startswith(expected), (line, expected)

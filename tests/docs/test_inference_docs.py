"""The Python examples of docs/inference.md, and the Inference API examples of README.md, run as
written against the session emulator and print what their comments say.

Each example runs on its own with ``SKYTELLS_BASE_URL`` and ``SKYTELLS_API_KEY`` pointing at the
emulator. Every ``print(...)`` that ends a line carries a comment: the start of the line it prints,
or, in parentheses, a description of a line whose text depends on the model (only its presence is
checked).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "inference.md"
README = REPO / "README.md"
INFERENCE_WORDS = ("chat.completions", "responses.create", "embeddings.create", "safety.")


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


DOC_BLOCKS = python_blocks(DOC)
README_BLOCKS = [b for b in python_blocks(README) if any(word in b for word in INFERENCE_WORDS)]
EXAMPLES = [(f"inference.md#{i}", b) for i, b in enumerate(DOC_BLOCKS)]
EXAMPLES += [(f"README.md#{i}", b) for i, b in enumerate(README_BLOCKS)]


def test_the_pages_have_examples() -> None:
    assert len(DOC_BLOCKS) >= 10
    assert README_BLOCKS, "README.md has no Inference API example"


def promises(source: str) -> list[str]:
    """The comment of every print(...) line that ends a line, in order (``end=""`` prints go on)."""
    found = []
    for line in source.splitlines():
        if line.lstrip().startswith("print(") and 'end=""' not in line:
            match = re.search(r"\)\s+#\s*(.+)$", line)
            assert match, f"a print without a comment saying what it prints: {line.strip()}"
            found.append(match.group(1).strip())
    return found


@pytest.mark.parametrize(("name", "source"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_runs_and_prints_what_it_says(
    name: str, source: str, base_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKYTELLS_BASE_URL", base_url)
    monkeypatch.setenv("SKYTELLS_API_KEY", api_key)
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(source, name, "exec"), {"__name__": "__doc_example__"})

    lines = printed.getvalue().splitlines()
    expected = promises(source)
    assert len(lines) == len(expected), (lines, expected)
    for line, promise in zip(lines, expected, strict=True):
        if promise.startswith("(") and promise.endswith(")"):
            assert line.strip(), f"{name}: an empty line for {promise}"
        else:
            assert line.startswith(promise), (name, line, promise)

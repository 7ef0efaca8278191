"""docs/emulator-inference.md keeps Python examples that run with their output checked.

tests/docs/test_docs_examples.py runs every block of the page and compares what it prints with its
``#>`` lines; this checks that the page still has such blocks for the routes it documents.
"""

from __future__ import annotations

from pathlib import Path

from pytest_examples import find_examples

PAGE = Path(__file__).resolve().parents[3] / "docs" / "emulator-inference.md"


def test_emulator_inference_md_has_checked_python_examples() -> None:
    blocks = [
        example.source
        for example in find_examples(PAGE)
        if example.prefix_settings().get("test") != "skip"
        and example.prefix_settings().get("output") != "unchecked"
        and "print(" in example.source
    ]
    assert len(blocks) >= 4
    for route in ("chat.completions.create", "responses.create", "embeddings.create"):
        assert any(route in block for block in blocks), f"no checked example calls {route}"

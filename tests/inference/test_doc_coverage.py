"""README.md and docs/inference.md keep Inference API examples that run with their output checked.

tests/docs/test_docs_examples.py runs every block of the pages and compares what it prints with its
``#>`` lines; this checks that the pages still have such blocks, so the Inference API cannot lose its
examples (or have them all marked ``test="skip"`` or ``output="unchecked"``) unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from pytest_examples import find_examples

REPO = Path(__file__).resolve().parents[2]
INFERENCE_CALLS = ("chat.completions.create", "responses.create", "embeddings.create", "safety.check_")


def checked_python_blocks(page: Path) -> list[str]:
    """The Python blocks of `page` that run and print, with what they print compared."""
    blocks = []
    for example in find_examples(page):
        marks = example.prefix_settings()
        if marks.get("test") != "skip" and marks.get("output") != "unchecked" and "print(" in example.source:
            blocks.append(example.source)
    return blocks


def test_inference_md_shows_every_namespace_in_checked_examples() -> None:
    blocks = checked_python_blocks(REPO / "docs" / "inference.md")
    assert len(blocks) >= 10
    for call in INFERENCE_CALLS:
        assert any(call in block for block in blocks), f"no checked example calls client.{call}"


def test_readme_has_a_checked_inference_example() -> None:
    blocks = checked_python_blocks(REPO / "README.md")
    assert any(call in block for block in blocks for call in INFERENCE_CALLS)

"""docs/testing-your-app.md runs as written: its blocks are the files of a small project (each names
its file on its first line), and pytest run there, with the plugin, passes every test they hold.

The generic runner (test_docs_examples.py) runs each block on its own, which defines what it holds but
runs no test; a block that cannot run alone (test_app.py imports app.py) it skips, naming this file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing-your-app.md"
FENCES = re.findall(r"```(?:python|ini)([^\n]*)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
BLOCKS = [source for _, source in FENCES]
FILE_NAME = re.compile(r"#\s*([\w.-]+\.(?:py|ini))\n")


def files() -> dict[str, str]:
    named = {}
    for block in BLOCKS:
        match = FILE_NAME.match(block)
        assert match, f"a block without its file name on the first line:\n{block[:200]}"
        assert match.group(1) not in named, f"two blocks for {match.group(1)}"
        named[match.group(1)] = block
    return named


def test_every_block_names_its_file() -> None:
    assert {"app.py", "test_app.py", "conftest.py"} <= set(files())


def test_the_generic_runner_skips_only_the_block_that_cannot_run_alone_and_says_it_runs_here() -> None:
    skipped = {source.partition("\n")[0]: info for info, source in FENCES if 'test="skip"' in info}
    assert list(skipped) == ["# test_app.py"]
    assert 'reason="run by tests/docs/test_testing_your_app_docs.py' in skipped["# test_app.py"]


def test_the_page_runs_as_a_test_suite(pytester: pytest.Pytester) -> None:
    for name, source in files().items():
        pytester.path.joinpath(name).write_text(source, encoding="utf-8")
    tests = sum(len(re.findall(r"^(?:async )?def test_", source, flags=re.M)) for source in files().values())

    result = pytester.runpytest("-p", "no:randomly", "-o", "asyncio_default_fixture_loop_scope=function")

    result.assert_outcomes(passed=tests)
    assert tests >= 8

"""Every code block of README.md and docs/*.md runs, or says why it does not (docs/testing.md).

Blocks are found in every ``.md`` file there at collection time, so a new page is covered as soon as
it exists. What happens to a block depends on its fence:

- ``python``: run in-process by pytest-examples (its ``eval_example`` fixture) against the session
  emulator, with ``SKYTELLS_BASE_URL`` and ``SKYTELLS_API_KEY`` set so ``SkytellsClient()`` talks to it,
  in a temporary working folder. What the block prints must match its ``#>`` lines exactly, after
  `placeholders` (an emulator URL's port reads ``<port>``, a UUID ``<id>``). A global OpenTelemetry
  tracer provider the block sets is unset after it. ``pycon``: a doctest.
- ``bash`` (``sh``, ``shell``, ``console``): only with ``test="run"``, with ``bash -e -o pipefail`` in
  its own process group, with the project's interpreter and ``skytells`` first on ``PATH``, the same
  emulator in ``SKYTELLS_BASE_URL``, ``SKYTELLS_API_KEY`` and ``ROOT``, and ``XDG_CACHE_HOME`` in the
  temporary folder (``--local`` state starts empty). When the block has ``#>`` lines they are its whole
  output (stdout and stderr together), compared by doctest's checker with ``ELLIPSIS`` and
  ``NORMALIZE_WHITESPACE``.
- ``json``: must parse. Any other fence (``text``, none) is shown, not run.

Settings in the fence's info string, in pytest-examples' ``key="value"`` form:

- ``test="skip" reason="..."``: not run (signature outlines, installs, servers in the foreground);
- ``test="run"``: a shell block that is safe and offline (an unmarked one fails);
- ``test="continue"``: run in the namespace left by the page's previous Python block that runs;
- ``output="unchecked"``: run, but what it prints is not compared (progress printed a varying number
  of times);
- ``requires="jq"``: the programs a shell block needs besides bash and the project's own; the block is
  skipped where one is missing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import doctest
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from markdown_it import MarkdownIt
from pytest_examples import CodeExample, EvalExample, find_examples

from skytells.emulator import EmulatorServer
from tests.conftest import TEST_API_KEY

REPO = Path(__file__).resolve().parents[2]
DOC_FILES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}
SHELL_TIMEOUT = 120
LINE_LENGTH = 110

pytestmark = [
    pytest.mark.timeout(180),
    # FastAPI's TestClient (docs/sdk.md) imports Starlette's, which would rather run on httpx2.
    pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`"),
]


@dataclass(frozen=True)
class Fence:
    """One fenced block of a page: its language (first word of the info string) and the block itself."""

    language: str
    example: CodeExample

    @property
    def id(self) -> str:
        return block_id(self.example)


def block_id(example: CodeExample) -> str:
    return f"{example.path.relative_to(REPO)}:{example.start_line}"


def fences(path: Path) -> list[Fence]:
    """Every fenced block of a Markdown page (markdown-it-py's CommonMark parser), in page order."""
    found = []
    for token in MarkdownIt("commonmark").parse(path.read_text("utf-8")):
        if token.type != "fence" or token.map is None:
            continue
        info = token.info.strip().lower()
        language = info.split()[0].strip("{.") if info else ""
        example = CodeExample.create(token.content, path=path, start_line=token.map[0] + 1, prefix=info)
        found.append(Fence(language, example))
    return found


ALL_FENCES = [fence for path in DOC_FILES for fence in fences(path)]
PYTHON_BLOCKS = list(find_examples(*DOC_FILES))
SHELL_BLOCKS = [f for f in ALL_FENCES if f.language in SHELL_LANGUAGES]
JSON_BLOCKS = [f for f in ALL_FENCES if f.language == "json"]


@functools.cache
def page_lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


def settings(example: CodeExample) -> dict[str, str]:
    """The fence's ``key="value"`` settings, read by pytest-examples from the fence line as written."""
    fence_line = page_lines(example.path)[example.start_line - 1].strip().lstrip("`")
    return dataclasses.replace(example, prefix=fence_line).prefix_settings()


def skip_if_marked(example: CodeExample) -> None:
    marks = settings(example)
    if marks.get("test") == "skip":
        pytest.skip(f"not run: {marks.get('reason', 'marked test=skip')}")


def chain_before(example: CodeExample) -> list[CodeExample]:
    """The blocks a ``test="continue"`` block continues, first one first (empty for any other block)."""
    if settings(example).get("test") != "continue":
        return []
    runnable = [e for e in PYTHON_BLOCKS if e.path == example.path and settings(e).get("test") != "skip"]
    index = next(i for i, e in enumerate(runnable) if e.start_line == example.start_line)
    chain: list[CodeExample] = []
    while settings(runnable[index]).get("test") == "continue":
        assert index > 0, f"{block_id(example)} continues, but no Python block that runs comes before it"
        index -= 1
        chain.insert(0, runnable[index])
    return chain


_EMULATOR_ROOT = re.compile(r"http://(?:127\.0\.0\.1|localhost):\d+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def placeholders(printed: str) -> str:
    """What a block printed, with the parts that change on every run replaced by their placeholders."""
    return _UUID.sub("<id>", _EMULATOR_ROOT.sub("http://127.0.0.1:<port>", printed))


@pytest.fixture
def in_docs_env(emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A reset session emulator in the environment, a fresh working folder, ``__main__`` and
    OpenTelemetry's global tracer provider kept as they were."""
    monkeypatch.setenv("SKYTELLS_BASE_URL", emulator.base_url)
    monkeypatch.setenv("SKYTELLS_API_KEY", TEST_API_KEY)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    main = sys.modules.get("__main__")
    with global_tracer_provider_kept():
        yield work
    if main is not None:
        sys.modules["__main__"] = main  # pytest-examples runs each block as __main__


@contextlib.contextmanager
def global_tracer_provider_kept() -> Iterator[None]:
    """Put back OpenTelemetry's global tracer provider after a block that sets one (docs/telemetry.md).

    A process sets it only once, and while one is set the SDK traces every client, so a block that set
    it would change every block and test after it. OpenTelemetry has no public way to unset it: this
    resets its private globals, as its own test utilities (``reset_trace_globals``) do.
    """
    from opentelemetry import trace
    from opentelemetry.util._once import Once

    provider, once = trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE
    try:
        yield
    finally:
        set_by_block = trace._TRACER_PROVIDER
        if set_by_block is not provider:
            trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE = provider, once if provider else Once()
            shutdown = getattr(set_by_block, "shutdown", None)
            if shutdown is not None:
                shutdown()  # flushes and closes the block's exporters


@pytest.mark.parametrize("example", PYTHON_BLOCKS, ids=block_id)
def test_python_block(example: CodeExample, eval_example: EvalExample, in_docs_env: Path) -> None:
    skip_if_marked(example)
    if example.prefix.split()[0] == "pycon":
        run_doctest(example)
        return
    eval_example.set_config(line_length=LINE_LENGTH)
    namespace: dict[str, Any] | None = None
    failure = None
    try:
        for earlier in chain_before(example):
            namespace = eval_example.run(earlier, module_globals=namespace)
        if settings(example).get("output") == "unchecked":
            eval_example.run(example, module_globals=namespace)
        else:
            eval_example.print_callback = placeholders
            if eval_example.update_examples:  # pytest --update-examples: rewrite the #> lines in place
                eval_example.run_print_update(example, module_globals=namespace)
            else:
                eval_example.run_print_check(example, module_globals=namespace)
    except Exception as error:
        failure = raised_in_block(example, error)
    if failure is not None:  # raised outside the handler, so the rewritten traceback is not chained to it
        pytest.fail(failure, pytrace=False)


def run_doctest(example: CodeExample) -> None:
    """A ``pycon`` block (a ``>>>`` session) runs as a doctest: each output as shown, ``...`` for anything."""
    test = doctest.DocTestParser().get_doctest(
        example.source, {"__name__": "__main__"}, block_id(example), str(example.path), example.start_line
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append)
    if runner.failures:
        pytest.fail("".join(report), pytrace=False)


def raised_in_block(example: CodeExample, error: BaseException) -> str:
    """Where in the page a block raised, and what.

    pytest-examples rewrites the traceback to point at the page's lines; that rewritten traceback cannot
    be formatted by pytest on Python 3.11 (its fake code objects have no positions), so only its line
    numbers are read here.
    """
    where = []
    if isinstance(error, SyntaxError) and error.lineno is not None:
        where.append(f"  {block_id(example).rsplit(':', 1)[0]}:{example.start_line + error.lineno}")
    for frame, line in traceback.walk_tb(error.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith(".md"):
            page = Path(name)
            text = page_lines(page)[line - 1].strip()
            where.append(f"  {page.relative_to(REPO)}:{line}: {text}")
    return "\n".join([*where, f"{type(error).__qualname__}: {error}"])


def shell_env(base_url: str, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKYTELLS_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        ROOT=base_url.removesuffix("/v1"),
        SKYTELLS_BASE_URL=base_url,
        SKYTELLS_API_KEY=TEST_API_KEY,
        XDG_CACHE_HOME=str(work.parent / "cache"),
        NO_COLOR="1",
        COLUMNS="120",
        PYTHONUNBUFFERED="1",  # stdout and stderr interleave as on a terminal
    )
    return env


def expected_output(source: str) -> str | None:
    """The ``#>`` lines of a shell block, as one text, or None when it has none."""
    lines = [
        line.strip()[2:].removeprefix(" ") for line in source.splitlines() if line.strip().startswith("#>")
    ]
    return "\n".join(lines) + "\n" if lines else None


@pytest.mark.parametrize("fence", SHELL_BLOCKS, ids=lambda f: f.id)
def test_shell_block(fence: Fence, emulator: EmulatorServer, tmp_path: Path) -> None:
    example = fence.example
    skip_if_marked(example)
    assert settings(example).get("test") == "run", (
        f'{fence.id}: say whether this shell block runs: {{test="run"}} when it is safe and offline, '
        f'else {{test="skip" reason="..."}} (docs/testing.md, "Code blocks in the docs")'
    )
    missing = [p for p in settings(example).get("requires", "").split() if shutil.which(p) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}, not installed here")
    work = tmp_path / "work"
    work.mkdir()
    code, output = run_bash(example.source, cwd=work, env=shell_env(emulator.base_url, work))
    assert code == 0, f"{fence.id} exited with {code}:\n{output[-4000:]}"
    want = expected_output(example.source)
    if want is not None:
        checker = doctest.OutputChecker()
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        assert checker.check_output(want, output, flags), (
            f"{fence.id} printed other lines than its #> lines:\n"
            + (checker.output_difference(doctest.Example("", want), output, flags))
        )


def run_bash(source: str, *, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run a block in its own process group, which is killed at the end (a server it left, a timeout)."""
    with subprocess.Popen(
        ["bash", "-e", "-o", "pipefail", "-c", source],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=SHELL_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output = process.communicate()[0] + f"\n(still running after {SHELL_TIMEOUT} s: stopped)"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        return process.wait(), output


@pytest.mark.parametrize("fence", JSON_BLOCKS, ids=lambda f: f.id)
def test_json_block_parses(fence: Fence) -> None:
    skip_if_marked(fence.example)
    json.loads(fence.example.source)


def test_every_python_fence_is_found_by_pytest_examples() -> None:
    """The two readers of the pages agree on where the Python blocks are, so none escapes the run."""
    by_markdown = {f.id for f in ALL_FENCES if f.language.startswith("py")}
    assert by_markdown == {block_id(e) for e in PYTHON_BLOCKS}


def sse_events(text: str) -> dict[int, tuple[str, str]]:
    """Server-Sent Events as ``{id: (event, data)}``."""
    events = {}
    for chunk in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in chunk.strip().splitlines() if ": " in line)
        if "id" in fields:
            events[int(fields["id"])] = (fields["event"], fields.get("data", ""))
    return events


def test_the_server_sent_events_shown_in_emulator_md_are_those_of_a_real_stream(
    emulator: EmulatorServer,
) -> None:
    """The page shows some events of a `truefusion-pro` stream, by id: each is the one the emulator sends."""
    (block,) = [
        f for f in ALL_FENCES if f.example.path.name == "emulator.md" and "event: done" in f.example.source
    ]
    shown = sse_events(block.example.source)
    headers = {"x-api-key": TEST_API_KEY}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=30) as http:
        created = http.post(
            "/predictions", json={"model": "truefusion-pro", "input": {"prompt": "A lake"}}
        ).json()
        stream = http.get(f"/predictions/{created['id']}/stream", headers={"accept": "text/event-stream"})
    real = sse_events(stream.text)
    assert max(real) == max(shown), "the example does not end with the stream's last event"
    for event_id, (event, data) in shown.items():
        assert real[event_id][0] == event, f"event {event_id}"
        if data.startswith("{") and "…" not in data.replace('"id":"…"', ""):
            shown_data = json.loads(data)
            real_data = json.loads(real[event_id][1])
            assert {k: real_data[k] for k in shown_data if k != "id"} == {
                k: v for k, v in shown_data.items() if k != "id"
            }, f"event {event_id}"


@pytest.mark.parametrize(("session", "passes"), [(">>> 1 + 1\n2\n", True), (">>> 1 + 1\n3\n", False)])
def test_a_pycon_block_is_a_doctest(session: str, passes: bool) -> None:
    example = CodeExample.create(session, path=REPO / "docs" / "any.md", start_line=1, prefix="pycon")
    if passes:
        run_doctest(example)
    else:
        with pytest.raises(pytest.fail.Exception, match="Expected:"):
            run_doctest(example)


def test_a_block_that_sets_the_global_tracer_provider_leaves_it_as_it_was() -> None:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    before = trace.get_tracer_provider()
    for _ in range(2):  # the second block can set one too: a process sets it only once
        provider = TracerProvider()
        with global_tracer_provider_kept():
            trace.set_tracer_provider(provider)
            assert trace.get_tracer_provider() is provider
        assert trace.get_tracer_provider() is before

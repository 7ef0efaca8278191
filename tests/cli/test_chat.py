"""`skytells chat`: a streamed reply, --json, --system, stdin, options, errors, and the session loop.

The emulator's reply is deterministic (it depends on the model, the messages and the seed), so what
the command streams can be compared with the non-streamed answer to the same messages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skytells import SkytellsClient, SkytellsError
from skytells._cli._conversation import PROMPT, Chat, delta_text, run_session
from tests.cli.cli_support import Invoke, parse_json
from tests.cli.terminal import Terminal

MODEL = "deepbrain-router"


def answer(client: SkytellsClient, messages: list[dict[str, str]], model: str = MODEL, **params: Any) -> str:
    """The non-streamed reply to `messages`."""
    completion = client.chat.completions.create(model=model, messages=messages, **params)
    return str(completion.choices[0].message.content)


def test_a_prompt_streams_the_same_text_as_the_json_answer(cli: Invoke) -> None:
    streamed = cli("chat", MODEL, "Write a haiku about rain")
    assert streamed.exit_code == 0, streamed.output
    completion = parse_json(cli("chat", MODEL, "Write a haiku about rain", "--json"))
    text = completion["choices"][0]["message"]["content"]
    assert 'You said: "Write a haiku about rain"' in text
    assert streamed.stdout == text + "\n"
    assert streamed.stderr == ""


def test_json_prints_the_whole_chat_completion(cli: Invoke) -> None:
    result = cli("chat", MODEL, "Hello", "--json")
    assert result.exit_code == 0, result.output
    completion = parse_json(result)
    assert completion["object"] == "chat.completion" and completion["model"] == MODEL
    [choice] = completion["choices"]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] == "stop"
    usage = completion["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert result.stderr == ""


def test_the_reply_is_written_delta_by_delta(client: SkytellsClient) -> None:
    pieces: list[str] = []
    reply = Chat(client, MODEL, write=pieces.append).ask("Tell me about lighthouses")
    assert len(pieces) > 5  # one write per delta, then the newline
    assert pieces[-1] == "\n" and "".join(pieces[:-1]) == reply.text
    assert reply.text == answer(client, [{"role": "user", "content": "Tell me about lighthouses"}])


def test_system_is_sent_first_and_changes_the_answer(cli: Invoke, client: SkytellsClient) -> None:
    plain = parse_json(cli("chat", MODEL, "Hello", "--json"))
    steered = parse_json(cli("chat", MODEL, "Hello", "--system", "Answer in French", "--json"))
    assert steered["usage"]["prompt_tokens"] > plain["usage"]["prompt_tokens"]
    text = steered["choices"][0]["message"]["content"]
    assert text != plain["choices"][0]["message"]["content"]
    system = {"role": "system", "content": "Answer in French"}
    assert text == answer(client, [system, {"role": "user", "content": "Hello"}])
    streamed = cli("chat", MODEL, "Hello", "--system", "Answer in French")
    assert streamed.stdout == text + "\n"


def test_piped_stdin_is_the_prompt(cli: Invoke, client: SkytellsClient) -> None:
    result = cli("chat", MODEL, input="Summarise this text\nin two lines\n")
    assert result.exit_code == 0, result.output
    prompt = "Summarise this text\nin two lines"
    assert result.stdout == answer(client, [{"role": "user", "content": prompt}]) + "\n"


def test_empty_stdin_is_a_usage_error(cli: Invoke) -> None:
    result = cli("chat", MODEL, input="  \n")
    assert result.exit_code == 2
    assert "nothing to send" in result.stderr


def test_max_tokens_temperature_and_seed_reach_the_model(cli: Invoke, client: SkytellsClient) -> None:
    short = parse_json(cli("chat", MODEL, "Hello", "--max-tokens", "4", "--temperature", "0.2", "--json"))
    assert short["choices"][0]["finish_reason"] == "length"
    assert short["usage"]["completion_tokens"] == 4
    user = [{"role": "user", "content": "Hello"}]
    seeded = [cli("chat", MODEL, "Hello", "--seed", str(seed)).stdout for seed in (1, 2, 3)]
    assert seeded[0] == answer(client, user, seed=1) + "\n"
    assert len(set(seeded)) > 1  # another seed, another reply


def test_an_option_the_api_refuses_is_invalid_input(cli: Invoke) -> None:
    result = cli("chat", MODEL, "Hello", "--temperature", "5")
    assert result.exit_code == 5, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error [INVALID_PARAMETER]") and "temperature" in line
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("model", "code", "error_id"),
    [
        ("flux-pro", 5, "MODEL_NOT_SUPPORTED"),
        ("deepbrain-embed", 5, "MODEL_NOT_SUPPORTED"),
        ("nope", 4, "MODEL_NOT_FOUND"),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_a_model_that_cannot_chat_gets_one_error_line(
    cli: Invoke, model: str, code: int, error_id: str, as_json: bool
) -> None:
    result = cli("chat", model, "Hello", *(["--json"] if as_json else []))
    assert result.exit_code == code, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error [{error_id}]") and model in line
    assert result.stdout == ""


def test_local_chats_with_no_key_and_no_network(cli: Invoke, tmp_path: Path) -> None:
    no_remote = {"SKYTELLS_API_KEY": None, "SKYTELLS_BASE_URL": "http://127.0.0.1:9/v1"}
    result = cli("chat", "gpt-5-mini", "Hello offline", "--local", env=no_remote)
    assert result.exit_code == 0, result.output
    assert 'You said: "Hello offline"' in result.stdout
    completion = parse_json(cli("chat", "gpt-5-mini", "Hello offline", "--local", "--json", env=no_remote))
    assert result.stdout == completion["choices"][0]["message"]["content"] + "\n"
    assert (tmp_path / "cache" / "skytells" / "emulator").is_dir()


def test_the_api_key_never_shows(cli: Invoke, api_key: str) -> None:
    outputs = [
        cli("chat", MODEL, "Hello"),
        cli("chat", MODEL, "Hello", "--json"),
        cli("chat", MODEL, "Say my key", "--system", "Be brief", "--seed", "3"),
        cli("chat", "flux-pro", "Hello"),
        cli("chat", "nope", "Hello", "--json"),
        cli("chat", MODEL, "Hello", "--temperature", "9"),
        cli("chat", MODEL, "Hello", env={"SKYTELLS_API_KEY": "not-a-key-0a1b2c3d4e5f"}),
        cli("chat", "--help"),
    ]
    assert outputs[-2].exit_code == 3
    for result in outputs:
        assert api_key not in result.output and api_key[6:] not in result.output
        assert "0a1b2c3d4e5f" not in result.output


# ---- the session loop (scripted input) -----------------------------------------------------------------


def scripted(*lines: str | type[BaseException]) -> Any:
    """A `read_line` that hands out `lines` (raising the exception classes among them), then Ctrl-D."""
    queue: Iterator[str | type[BaseException]] = iter(lines)
    prompts: list[str] = []

    def read_line(prompt: str) -> str:
        prompts.append(prompt)
        item = next(queue, EOFError)
        if isinstance(item, str):
            return item
        raise item

    read_line.prompts = prompts  # type: ignore[attr-defined]
    return read_line


def test_a_session_keeps_the_conversation_until_exit(client: SkytellsClient) -> None:
    shown: list[str] = []
    notices: list[str] = []
    chat = Chat(client, MODEL, system="Be brief", write=shown.append)
    read_line = scripted("Hello", "   ", "And what about tomorrow?", "/exit", "never read")
    run_session(chat, read_line, notices.append)
    assert read_line.prompts == [PROMPT] * 4
    roles = [m["role"] for m in chat.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant"]
    assert chat.messages[3]["content"] == "And what about tomorrow?"
    # the second reply answers the whole conversation, not the last line alone
    assert chat.messages[4]["content"] == answer(client, chat.messages[:4])
    assert chat.messages[4]["content"] != answer(client, [chat.messages[3]])
    assert "".join(shown) == chat.messages[2]["content"] + "\n" + chat.messages[4]["content"] + "\n"
    assert notices == []


def test_ctrl_d_ends_and_ctrl_c_at_the_prompt_only_drops_the_line(client: SkytellsClient) -> None:
    notices: list[str] = []
    chat = Chat(client, MODEL, write=lambda _: None)
    run_session(chat, scripted(KeyboardInterrupt, "Hi"), notices.append)
    assert "/exit or Ctrl-D" in notices[0]
    assert [m["role"] for m in chat.messages] == ["user", "assistant"]
    assert notices[-1] == ""  # Ctrl-D ended it on a fresh line


def test_ctrl_c_during_a_reply_stops_it_and_the_session_goes_on(
    client: SkytellsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    streams: list[Any] = []
    create = client.chat.completions.create

    def recording(**kwargs: Any) -> Any:
        streams.append(create(**kwargs))
        return streams[-1]

    monkeypatch.setattr(client.chat.completions, "create", recording)
    shown: list[str] = []

    def write(text: str) -> None:
        shown.append(text)
        if len(shown) == 3 and len(streams) == 1:
            raise KeyboardInterrupt  # Ctrl-C while the third delta is shown

    notices: list[str] = []
    chat = Chat(client, MODEL, write=write)
    run_session(chat, scripted("Tell me a long story", "Go on", "/exit"), notices.append)
    assert "(reply stopped)" in notices
    partial = "".join(shown[:3])
    assert shown[3] == "\n"  # the stopped reply still ends its line
    assert chat.messages[:3] == [
        {"role": "user", "content": "Tell me a long story"},
        {"role": "assistant", "content": partial},
        {"role": "user", "content": "Go on"},
    ]
    full = answer(client, chat.messages[:1])
    assert full.startswith(partial) and len(full) > len(partial)
    assert list(streams[0]) == []  # the stopped stream was closed: nothing more comes from it
    assert chat.messages[3]["content"] == answer(client, chat.messages[:3])


def test_ctrl_c_before_any_text_forgets_the_message(
    client: SkytellsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def waiting(**kwargs: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C while the answer is awaited

    monkeypatch.setattr(client.chat.completions, "create", waiting)
    shown: list[str] = []
    chat = Chat(client, MODEL, write=shown.append)
    reply = chat.ask("Hello", interruptible=True)
    assert reply.stopped and reply.text == ""
    assert chat.messages == [] and shown == []


def test_ctrl_c_in_a_one_shot_reply_goes_on_to_the_command(client: SkytellsClient) -> None:
    shown: list[str] = []

    def write(text: str) -> None:
        shown.append(text)
        if len(shown) == 2:
            raise KeyboardInterrupt

    chat = Chat(client, MODEL, write=write)
    with pytest.raises(KeyboardInterrupt):
        chat.ask("Hello")
    assert shown[-1] == "\n"  # the partial reply ends its line before the error line
    assert chat.messages == []


def test_a_passing_error_is_shown_and_the_session_goes_on(
    client: SkytellsClient, emulator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.admin(
        "POST",
        "/faults",
        json={
            "route": "/v1/chat/completions",
            "error_id": "INSUFFICIENT_CREDITS",
            "message": "Top up",
            "first": 1,
        },
    )
    chat = Chat(client, MODEL, write=lambda _: None)
    run_session(chat, scripted("First", "Second"), lambda _: None)
    assert capsys.readouterr().err.startswith("Error [INSUFFICIENT_CREDITS]")
    assert [m["content"] for m in chat.messages if m["role"] == "user"] == ["Second"]


@pytest.mark.parametrize("model", ["nope", "flux-pro"])
def test_an_error_the_next_message_cannot_fix_ends_the_session(client: SkytellsClient, model: str) -> None:
    read_line = scripted("Hello", "Hello again")
    with pytest.raises(SkytellsError):
        run_session(Chat(client, model, write=lambda _: None), read_line, lambda _: None)
    assert len(read_line.prompts) == 1


def test_delta_text_reads_the_first_choice_only() -> None:
    assert delta_text({"choices": [{"index": 0, "delta": {"content": "Hi"}}]}) == "Hi"
    assert delta_text({"choices": [{"index": 0, "delta": {"role": "assistant", "content": None}}]}) == ""
    assert delta_text({"choices": [{"index": 1, "delta": {"content": "other"}}]}) == ""
    assert delta_text({"choices": [], "usage": {"total_tokens": 3}}) == ""


# ---- on a real terminal -----------------------------------------------------------------------------


@pytest.fixture
def terminal_env(base_url: str, api_key: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKYTELLS_")}
    env.update(
        SKYTELLS_API_KEY=api_key,
        SKYTELLS_BASE_URL=base_url,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        NO_COLOR="1",
        TERM="dumb",
    )
    return env


def _wait_until_the_fault_holds_a_request(emulator: Any, timeout: float = 20.0) -> None:
    """Block until the latency fault has matched the chat request, so it is in flight."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rules = emulator.admin("GET", "/faults")
        rules = rules.get("faults", rules) if isinstance(rules, dict) else rules
        if any(rule.get("matched") for rule in rules):
            return
        time.sleep(0.02)
    raise AssertionError("the chat request never reached the emulator")


def test_a_terminal_gets_a_session(terminal_env: dict[str, str], emulator: Any, api_key: str) -> None:
    emulator.admin(
        "POST",
        "/faults",
        json={"action": "latency", "latency_ms": 8000, "route": "/v1/chat/completions", "first": 1},
    )
    with Terminal(["chat", MODEL], terminal_env) as term:
        term.expect("/exit or Ctrl-D ends")
        term.expect(PROMPT)
        # Ctrl-C at the prompt is tested with scripted input (run_session): on a real terminal a key
        # typed before the line editor has taken the terminal can be swallowed, a race of the test.
        term.send("A slow one\n")
        _wait_until_the_fault_holds_a_request(emulator)  # the reply is held back by the latency fault
        term.send("\x03")
        term.expect("(reply stopped)")
        term.expect(PROMPT)
        term.send("Hello there\n")
        term.expect('You said: "Hello there"')
        term.expect(PROMPT)
        term.send("/exit\n")
        assert term.wait() == 0
    assert api_key not in term.screen


def test_ctrl_d_ends_a_terminal_session_and_json_needs_a_prompt(terminal_env: dict[str, str]) -> None:
    with Terminal(["chat", MODEL], terminal_env) as term:
        term.expect(PROMPT)
        term.send("\x04")
        assert term.wait() == 0
    with Terminal(["chat", MODEL, "--json"], terminal_env) as term:
        assert term.wait() == 2
        assert "--json needs a PROMPT" in term.screen

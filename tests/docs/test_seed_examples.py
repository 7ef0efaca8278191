"""Every Python example of the seed documents runs verbatim against the emulator.

The examples' runner, ``run.py``, lives outside this repository, in the folder ``$SEED_EXAMPLES_DIR``
names (else ``shared/seed-examples`` beside the repository). Without it the test fails, naming that
variable; ``SKYTELLS_SKIP_SEED_EXAMPLES=1`` is the only way to skip it. Each example runs in its own
interpreter (ours) through that script, against an emulator on 127.0.0.1 with a fast clock and with
``WEBHOOK_URL`` pointing at a local receiver. Examples run three at a time, slowest first: most of
their time is spent in the polling intervals the examples themselves ask for.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

from tests.docs.webhook_receiver import Delivery, WebhookReceiver

REPO = Path(__file__).resolve().parents[2]
API_KEY = "sk-test-seed-examples-0001"
SPEED = 40.0
WORKERS = 3
# Seconds an example spends waiting by its own choice (poll intervals it sets or inherits): run those first.
KNOWN_WAITS = {
    "000-timeouts": 10,
    "000-enum-poll": 5,
    "000-choose-method": 5,
    "001-wait-timeout": 5,
    "002-on-progress": 5,
    "002-background": 5,
    "002-queue-dispatch": 5,
    "003-tutorial-script": 5,
    "002-mera": 5,
    "002-wait-progress": 3,
}

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def find_run_py() -> Path | None:
    """``run.py`` of the seed examples: $SEED_EXAMPLES_DIR, else shared/seed-examples beside the repo."""
    if os.environ.get("SEED_EXAMPLES_DIR"):
        candidates = [Path(os.environ["SEED_EXAMPLES_DIR"])]
    else:
        candidates = [REPO.parent / "shared" / "seed-examples"]
    return next((c / "run.py" for c in candidates if (c / "run.py").is_file()), None)


def load_examples(run_py: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("seed_examples_run", run_py)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUN_PY = find_run_py()
NAMES = [name for name, _ in load_examples(RUN_PY).EXAMPLES] if RUN_PY else []


@pytest.fixture(scope="module")
def hooks() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def seed_emulator() -> Iterator[object]:
    from skytells.emulator import EmulatorConfig, EmulatorServer

    with EmulatorServer(EmulatorConfig(host="127.0.0.1", port=0, speed=SPEED)) as emu:
        yield emu


def run_one(run_py: Path, name: str, env: dict[str, str]) -> tuple[bool, str]:
    """Run one example through run.py; (passed, what it printed)."""
    done = subprocess.run(
        [sys.executable, str(run_py), sys.executable, name],
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )
    lines = [line for line in done.stdout.splitlines() if line.endswith(name) or f" {name} " in line]
    return done.returncode == 0 and any(line.startswith("ok") for line in lines), done.stdout + done.stderr


@pytest.fixture(scope="module")
def seed_results(seed_emulator: object, hooks: WebhookReceiver) -> dict[str, tuple[bool, str]]:
    assert RUN_PY is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKYTELLS_")}
    env.update(
        SKYTELLS_BASE_URL=seed_emulator.base_url,  # type: ignore[attr-defined]
        SKYTELLS_API_KEY=API_KEY,
        WEBHOOK_URL=hooks.url,
        EXAMPLE_TIMEOUT="90",
    )
    order = sorted(NAMES, key=lambda n: -KNOWN_WAITS.get(n, 0))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {name: pool.submit(run_one, RUN_PY, name, env) for name in order}
        return {name: future.result() for name, future in futures.items()}


SKIP_WANTED = os.environ.get("SKYTELLS_SKIP_SEED_EXAMPLES") == "1"


def test_seed_examples_folder_present() -> None:
    """A missing examples folder is a failure, never a silent skip."""
    if SKIP_WANTED:
        pytest.skip("SKYTELLS_SKIP_SEED_EXAMPLES=1")
    assert RUN_PY is not None, (
        "the seed examples' run.py was not found: set SEED_EXAMPLES_DIR to the folder holding it "
        "(or SKYTELLS_SKIP_SEED_EXAMPLES=1 to skip these tests on purpose)"
    )


@pytest.mark.parametrize("name", NAMES)
def test_seed_example_runs_verbatim(name: str, seed_results: dict[str, tuple[bool, str]]) -> None:
    passed, output = seed_results[name]
    assert passed, f"seed example {name} failed:\n{output[-3000:]}"


@pytest.mark.skipif(RUN_PY is None, reason="the seed examples' run.py was not found (see above)")
@pytest.mark.parametrize(
    ("example", "model"),
    [("002-run-webhook", "flux-pro"), ("000-choose-method", "beatfusion-2.0")],
    ids=["run-with-webhook", "queue-with-webhook"],
)
def test_webhook_examples_deliver_a_signed_completion(
    seed_results: dict[str, tuple[bool, str]], hooks: WebhookReceiver, example: str, model: str
) -> None:
    """The examples ask for `completed` on their model: the receiver gets it, signed with the key."""
    assert seed_results[example][0], f"{example} itself failed"

    def completed(delivery: Delivery) -> bool:
        try:
            body = delivery.json()
        except ValueError:
            return False
        named = body.get("model")
        name = named.get("name") if isinstance(named, dict) else named
        return body.get("status") == "succeeded" and name == model

    delivery = hooks.wait_for(completed, timeout=15)
    assert delivery is not None, f"no completed {model} delivery among {len(hooks.deliveries)}"
    expected = hmac.new(API_KEY.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers.get("x-skytells-signature", "").strip().lower() == expected
    assert API_KEY not in delivery.body.decode("utf-8", "replace")

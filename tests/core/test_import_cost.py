"""``import skytells`` loads only what the sync client needs: asyncio, the async client and transport
(with anyio and httpcore), OpenTelemetry, the enums, the Inference API, the command line and the
emulator load when first used (the names stay where they are)."""

from __future__ import annotations

import json
import subprocess
import sys

LAZY = ("asyncio", "anyio", "httpcore", "opentelemetry", "skytells._async_client", "skytells._async_driver",
        "skytells._transport._async", "skytells._telemetry._otel", "skytells._cli", "skytells.emulator",
        "skytells.types._enums", "skytells._resources.chat", "skytells._resources.embeddings",
        "skytells._resources.responses", "skytells._resources.safety")  # fmt: skip


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; import json; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_importing_the_sdk_loads_neither_asyncio_nor_the_async_client_cli_or_emulator() -> None:
    loaded = _loaded_after("import skytells")
    by_httpx = _loaded_after("import httpx")
    assert not {"asyncio", "anyio", "httpcore"} & by_httpx, "httpx loads them: only ours can be checked"
    assert sorted(name for name in LAZY if name in loaded) == []


def test_the_async_names_load_on_first_use() -> None:
    loaded = _loaded_after("import skytells; skytells.AsyncSkytellsClient; from skytells import AsyncClient")
    assert {"asyncio", "skytells._async_client"} <= loaded
    assert "skytells.emulator" not in loaded and "skytells._cli" not in loaded


def test_file_input_and_the_file_input_type_load_on_first_use() -> None:
    import skytells
    import skytells.types
    from skytells._resources._files import file_input
    from skytells.types._files import FileInput

    assert skytells.file_input is file_input and skytells.types.FileInput is FileInput
    assert "file_input" in dir(skytells) and "FileInput" in dir(skytells.types)


def test_the_lazy_names_are_the_same_objects_and_listed() -> None:
    import skytells
    from skytells._async_client import AsyncModelsAPI, AsyncPredictionsAPI, AsyncSkytellsClient

    assert skytells.AsyncSkytellsClient is AsyncSkytellsClient is skytells.AsyncClient
    assert skytells.AsyncModelsAPI is AsyncModelsAPI and skytells.AsyncPredictionsAPI is AsyncPredictionsAPI
    assert {"AsyncClient", "AsyncSkytellsClient"} <= set(dir(skytells))

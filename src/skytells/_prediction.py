"""The prediction objects returned by every client call: plain dicts with conveniences."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._core._outputs import normalise_outputs, output_urls
from ._core._sse import StreamEvent
from ._core._status import status_of
from ._exceptions import SkytellsError

if TYPE_CHECKING:
    from ._async_client import AsyncSkytellsClient
    from ._client import SkytellsClient
    from .types._options import OnProgressCallback, WaitOptions

__all__ = ["AsyncPrediction", "Prediction", "write_files"]


class Prediction(dict[str, Any]):
    """A prediction as the API returns it: a ``dict`` (``p["output"]``, ``json.dumps(p)``) with
    ``.id``, ``.status``, ``.output``, ``.outputs()`` and lifecycle methods bound to its client.

    >>> prediction = client.run("flux-pro", input={"prompt": "A cat"})
    >>> prediction.status, prediction.outputs()
    ('succeeded', 'http://.../output.webp')
    >>> prediction.download("out/")
    [PosixPath('out/<prediction id>/output-0.webp')]
    """

    __slots__ = ("_client",)

    def __init__(self, data: Mapping[str, Any] | None = None, client: Any = None) -> None:
        super().__init__(data or {})
        self._client = client

    # ---- properties ------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The prediction id."""
        return str(self.get("id") or "")

    @property
    def status(self) -> str:
        """The lifecycle status (``canceled`` reads as ``cancelled``); compare with PredictionStatus."""
        return status_of(self)

    @property
    def output(self) -> Any:
        """The raw output, exactly as in the API JSON: a URL, a list of URLs, text, or None."""
        return self.get("output")

    @property
    def response(self) -> dict[str, Any]:
        """The full API response (same as :meth:`raw`). The wire field is at ``prediction["response"]``."""
        return self.raw()

    @property
    def message(self) -> str | None:
        """The API's human-readable ``response`` message of this prediction."""
        value = self.get("response")
        return value if isinstance(value, str) else None

    @property
    def error(self) -> Any:
        """The error message of a failed prediction, else None."""
        return self.get("error")

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self.get("metrics") or {})

    @property
    def urls(self) -> dict[str, Any]:
        return dict(self.get("urls") or {})

    # ---- plain helpers ---------------------------------------------------------------------------

    @property
    def output_urls(self) -> list[str]:
        """The URLs of the output files (none for a text output): what :meth:`download` fetches."""
        return output_urls(self)

    def outputs(self) -> Any:
        """The normalised output: a single-element list is unwrapped; other values unchanged."""
        return normalise_outputs(self.get("output"))

    def raw(self) -> dict[str, Any]:
        """A plain ``dict`` copy of the API response."""
        return dict(self)

    def _update(self, data: Mapping[str, Any]) -> None:
        if data.get("id") == self.get("id"):
            self.clear()
            self.update(data)

    def _bound(self) -> Any:
        if self._client is None:
            raise SkytellsError(
                "This prediction is not bound to a client", "SDK_ERROR", "Create it through a client", 0
            )
        return self._client

    def __reduce__(self) -> Any:
        return (type(self), (dict(self),))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, status={self.status!r}, output={self.output!r})"

    # ---- lifecycle (sync) ------------------------------------------------------------------------

    def cancel(self) -> Prediction:
        """Cancel this prediction; it is updated in place and returned."""
        client: SkytellsClient = self._bound()
        self._update(client.cancel_prediction(self))
        return self

    def delete(self) -> Prediction:
        """Delete this prediction and its stored files. Returns the deleted prediction."""
        client: SkytellsClient = self._bound()
        return client.delete_prediction(self)

    def reload(self) -> Prediction:
        """Fetch the latest state; updated in place and returned."""
        client: SkytellsClient = self._bound()
        self._update(client.predictions.get(self))
        return self

    def wait(
        self,
        options: WaitOptions | Mapping[str, Any] | None = None,
        on_progress: OnProgressCallback | None = None,
    ) -> Prediction:
        """Poll until a terminal status (see :meth:`SkytellsClient.wait`); updated in place."""
        client: SkytellsClient = self._bound()
        self._update(client.wait(self, options=options, on_progress=on_progress))
        return self

    def download(self, directory: str | os.PathLike[str] = ".") -> list[Path]:
        """Save every output file into ``directory/<prediction id>/`` (created if needed), so the files of
        different predictions never overwrite each other; returns the paths."""
        client: SkytellsClient = self._bound()
        return client._download(self, directory)

    def events(self, last_event_id: str | None = None) -> Iterator[StreamEvent]:
        """Live events of this prediction (status, progress, output, then the final prediction)."""
        client: SkytellsClient = self._bound()
        return client.stream_events(self.id, last_event_id=last_event_id)


class AsyncPrediction(Prediction):
    """The :class:`Prediction` of :class:`AsyncSkytellsClient`: the same, with async lifecycle methods."""

    __slots__ = ()

    async def cancel(self) -> AsyncPrediction:  # type: ignore[override]
        """Cancel this prediction; it is updated in place and returned."""
        client: AsyncSkytellsClient = self._bound()
        self._update(await client.cancel_prediction(self))
        return self

    async def delete(self) -> AsyncPrediction:  # type: ignore[override]
        """Delete this prediction and its stored files. Returns the deleted prediction."""
        client: AsyncSkytellsClient = self._bound()
        return await client.delete_prediction(self)

    async def reload(self) -> AsyncPrediction:  # type: ignore[override]
        """Fetch the latest state; updated in place and returned."""
        client: AsyncSkytellsClient = self._bound()
        self._update(await client.predictions.get(self))
        return self

    async def wait(  # type: ignore[override]
        self,
        options: WaitOptions | Mapping[str, Any] | None = None,
        on_progress: OnProgressCallback | None = None,
    ) -> AsyncPrediction:
        """Poll until a terminal status (see :meth:`AsyncSkytellsClient.wait`); updated in place."""
        client: AsyncSkytellsClient = self._bound()
        self._update(await client.wait(self, options=options, on_progress=on_progress))
        return self

    async def download(self, directory: str | os.PathLike[str] = ".") -> list[Path]:  # type: ignore[override]
        """Save every output file into ``directory/<prediction id>/`` (created if needed), so the files of
        different predictions never overwrite each other; returns the paths."""
        client: AsyncSkytellsClient = self._bound()
        return await client._download(self, directory)

    def events(self, last_event_id: str | None = None) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        """Live events of this prediction, as an async iterator."""
        client: AsyncSkytellsClient = self._bound()
        return client.stream_events(self.id, last_event_id=last_event_id)


def write_files(directory: str | os.PathLike[str], files: list[tuple[str, bytes]]) -> list[Path]:
    """Write downloaded files into ``directory``; returns their paths.

    Each file is written to ``<name>.part`` first and then renamed, so an interrupted write never
    leaves a truncated file under the real name.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in files:
        path = folder / name
        partial = path.with_name(path.name + ".part")
        try:
            partial.write_bytes(content)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        paths.append(path)
    return paths

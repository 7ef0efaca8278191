"""`EmulatorControl`: a running emulator as a test sees it (the ``skytells_emulator`` fixture).

>>> emulator.next("flux-pro").fails("GPU melted")             # how the next prediction ends
>>> emulator.fault("POST /v1/predict* status=503 first=2")     # faults, by spec or fields
>>> emulator.speed(10)                                         # simulated time, 10x real time
>>> emulator.assert_created(model="flux-pro", input_contains={"prompt": "a cat"})
>>> emulator.webhooks.wait_for(event="completed")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._async_client import AsyncSkytellsClient
from .._client import SkytellsClient
from .._prediction import Prediction
from ._admin import ApiCaller, EmulatorLike
from ._faults import Fault, Faults
from ._outcomes import NextPredictions
from ._webhooks import WebhookLog

#: The API key the fixtures use (the emulator's open mode gives any well-formed key an account).
DEFAULT_API_KEY = "sk-test-skytells-pytest"
_PAGE_SIZE = 50


class EmulatorControl:
    """Drive a running emulator from a test and check what an app did with it.

    ``server`` is an `skytells.emulator.EmulatorServer` (or anything with its ``base_url``,
    ``root_url`` and ``admin()``); ``api_key`` is the key of the test's account, which
    :meth:`client`, :attr:`env` and the assertions use.
    """

    def __init__(self, server: EmulatorLike, api_key: str = DEFAULT_API_KEY) -> None:
        self.server = server
        self.api_key = api_key
        self._api = ApiCaller(server)
        self.faults = Faults(server)
        self.webhooks = WebhookLog(server, self._api, api_key)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``: what a client takes as its base URL."""
        return self.server.base_url

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>``"""
        return self.server.root_url

    @property
    def env(self) -> dict[str, str]:
        """``SKYTELLS_BASE_URL`` and ``SKYTELLS_API_KEY`` for this emulator and the test's key."""
        return {"SKYTELLS_BASE_URL": self.base_url, "SKYTELLS_API_KEY": self.api_key}

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        """Call the admin API (``"/outcomes"`` means ``/_emulator/outcomes``); its JSON answer."""
        return self.server.admin(method, path, json)

    def reset(self) -> None:
        """Forget every prediction, file, account, fault, outcome rule and delivery; speed as configured."""
        self.server.admin("POST", "/reset")

    def close(self) -> None:
        """Close the connections this object opened (the emulator keeps running)."""
        self._api.close()

    # ---- clients -------------------------------------------------------------------------------

    def client(self, **options: Any) -> SkytellsClient:
        """A `SkytellsClient` for this emulator and the test's key (close it when done)."""
        return SkytellsClient(api_key=self.api_key, base_url=self.base_url, **options)

    def async_client(self, **options: Any) -> AsyncSkytellsClient:
        """An `AsyncSkytellsClient` for this emulator and the test's key (``await client.aclose()``)."""
        return AsyncSkytellsClient(api_key=self.api_key, base_url=self.base_url, **options)

    # ---- control -------------------------------------------------------------------------------

    def next(self, model: str = "*", times: int | None = 1) -> NextPredictions:
        """The next ``times`` predictions of ``model`` (``"*"`` any; ``times=None`` all), to say how
        they end: ``.fails(message)``, ``.stays_pending()``, ``.succeeds_at_once()``."""
        return NextPredictions(self.server, model, times)

    def fault(self, spec: str | Mapping[str, Any] | None = None, /, **fields: Any) -> Fault:
        """Add a fault rule (a ``--fault`` spec string, a dict, or keywords); see :attr:`faults`."""
        return self.faults.add(spec, **fields)

    def speed(self, value: float | None = None) -> float:
        """Set the simulated speed (durations are divided by it) when given; the speed now."""
        if value is None:
            return float(self.server.admin("GET", "/time")["speed"])
        return float(self.server.admin("POST", "/time", {"speed": value})["speed"])

    def account(self, api_key: str | None = None, **settings: Any) -> dict[str, Any]:
        """Set ``credits=`` (a balance; None: unlimited) or ``suspended=`` of an account (the test's by
        default); the account as the emulator shows it."""
        unknown = set(settings) - {"credits", "suspended"}
        if unknown:
            raise TypeError(f"unknown account settings: {', '.join(sorted(unknown))}")
        body = {"api_key": api_key or self.api_key, **settings}
        account: dict[str, Any] = self.server.admin("POST", "/accounts", body)
        return account

    # ---- what the app did ----------------------------------------------------------------------

    def predictions(
        self, model: str | None = None, *, status: str | None = None, api_key: str | None = None
    ) -> list[Prediction]:
        """The predictions the emulator holds for the test's key (or ``api_key``), oldest first.

        ``model`` (a slug, any case) and ``status`` (``cancelled`` = ``canceled``) filter them.
        """
        found: list[Prediction] = []
        page = 1
        while True:
            answer = self._api.get(
                "/predictions", api_key or self.api_key, {"page": page, "per_page": _PAGE_SIZE}
            )
            found.extend(Prediction(item) for item in answer["data"])
            if page >= int(answer["pagination"]["last_page"] or 1):
                break
            page += 1
        found.reverse()
        wanted_status = Prediction({"status": status}).status if status else None
        return [
            p
            for p in found
            if (model is None or _model_of(p).casefold() == model.casefold())
            and (wanted_status is None or p.status == wanted_status)
        ]

    def assert_created(
        self,
        model: str | None = None,
        *,
        input_contains: Mapping[str, Any] | None = None,
        status: str | None = None,
        count: int | None = None,
    ) -> Prediction:
        """Assert that a prediction matching every filter was created (exactly ``count`` of them when
        given); the latest match. ``input_contains``: keys whose values the input must have."""
        __tracebackhide__ = True  # pytest shows the test's line, not this one
        matches = [p for p in self.predictions(model, status=status) if _has_input(p, input_contains)]
        ok = bool(matches) if count is None else len(matches) == count
        if not ok:
            wanted = " ".join(
                part
                for part in (
                    model or "any model",
                    f"with input containing {dict(input_contains)!r}" if input_contains else "",
                    f"in status {status}" if status else "",
                )
                if part
            )
            expected = "a prediction" if count is None else f"{count} prediction(s)"
            raise AssertionError(
                f"expected {expected} of {wanted}, found {len(matches)}; created:\n{self._created()}"
            )
        return matches[-1] if matches else Prediction()

    def assert_not_created(
        self, model: str | None = None, *, input_contains: Mapping[str, Any] | None = None
    ) -> None:
        """Assert that no prediction matching the filters was created."""
        __tracebackhide__ = True
        self.assert_created(model, input_contains=input_contains, count=0)

    def _created(self) -> str:
        lines = [f"  {_model_of(p)} {p.status} {dict(p.get('input') or {})!r}" for p in self.predictions()]
        return "\n".join(lines) or "  (nothing)"

    def __repr__(self) -> str:
        return f"EmulatorControl({self.base_url}, api_key={self.api_key[:7]}...)"


def _model_of(prediction: Prediction) -> str:
    model = prediction.get("model")
    return str(model.get("name") if isinstance(model, Mapping) else model or "")


def _has_input(prediction: Prediction, wanted: Mapping[str, Any] | None) -> bool:
    given = prediction.get("input") or {}
    return all(key in given and given[key] == value for key, value in (wanted or {}).items())

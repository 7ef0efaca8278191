"""The safety family: ``client.safety`` checks text, images and prediction outputs against a
strictness template, sync and async side by side.

>>> client.safety.check_text("Have a nice day").safe
True
>>> verdict = client.safety.check_text("I will punch you", template="strict")
>>> verdict.safe, verdict.flagged
(False, ['violence'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._core import _safety as flows
from ..types.safety import SafetyTemplateLike, SafetyTemplates, SafetyVerdict
from ._base import AsyncClientParts, SyncClientParts

__all__ = ["AsyncSafety", "Safety"]


class Safety:
    """``client.safety``: content checks built on the service's content filter results.

    Each check is one small chat completion (``deepbrain-router``, ``max_tokens=16``); ``template``
    (a :class:`SafetyTemplate`, or a name like ``"strict"``; MODERATE by default) decides what is
    flagged. See :mod:`skytells.types.safety` for the thresholds of each template.
    """

    def __init__(self, client: SyncClientParts) -> None:
        self._client = client

    def check_text(self, text: str, *, template: SafetyTemplateLike | None = None) -> SafetyVerdict:
        """The verdict on ``text``.

        >>> client.safety.check_text("I will punch you", template=SafetyTemplates.STRICT).flagged
        ['violence']
        """
        flow = flows.check(self._client._ctx, flows.text_body(text), SafetyTemplates.get(template))
        return SafetyVerdict(self._client._driver.drive(flow))

    def check_image(self, url: str, *, template: SafetyTemplateLike | None = None) -> SafetyVerdict:
        """The verdict on the image at ``url`` (http(s) or a data: URL)."""
        flow = flows.check(self._client._ctx, flows.image_body(url), SafetyTemplates.get(template))
        return SafetyVerdict(self._client._driver.drive(flow))

    def evaluate(
        self, prediction: Mapping[str, Any], *, template: SafetyTemplateLike | None = None
    ) -> SafetyVerdict:
        """The verdict on a prediction's output: its text, and each output image."""
        flow = flows.evaluate(self._client._ctx, prediction, SafetyTemplates.get(template))
        return SafetyVerdict(self._client._driver.drive(flow))

    def judge(
        self, completion: Mapping[str, Any], *, template: SafetyTemplateLike | None = None
    ) -> SafetyVerdict:
        """The verdict on the filter results a chat completion (or response) already carries: no
        request is made."""
        return SafetyVerdict(flows.judge(completion, SafetyTemplates.get(template)))


class AsyncSafety:
    """``client.safety`` of :class:`AsyncSkytellsClient` (coroutines; ``judge`` makes no request and
    stays synchronous)."""

    def __init__(self, client: AsyncClientParts) -> None:
        self._client = client

    async def check_text(self, text: str, *, template: SafetyTemplateLike | None = None) -> SafetyVerdict:
        """The verdict on ``text``."""
        flow = flows.check(self._client._ctx, flows.text_body(text), SafetyTemplates.get(template))
        return SafetyVerdict(await self._client._driver.drive(flow))

    async def check_image(self, url: str, *, template: SafetyTemplateLike | None = None) -> SafetyVerdict:
        """The verdict on the image at ``url`` (http(s) or a data: URL)."""
        flow = flows.check(self._client._ctx, flows.image_body(url), SafetyTemplates.get(template))
        return SafetyVerdict(await self._client._driver.drive(flow))

    async def evaluate(
        self, prediction: Mapping[str, Any], *, template: SafetyTemplateLike | None = None
    ) -> SafetyVerdict:
        """The verdict on a prediction's output: its text, and each output image."""
        flow = flows.evaluate(self._client._ctx, prediction, SafetyTemplates.get(template))
        return SafetyVerdict(await self._client._driver.drive(flow))

    def judge(
        self, completion: Mapping[str, Any], *, template: SafetyTemplateLike | None = None
    ) -> SafetyVerdict:
        """The verdict on the filter results a chat completion (or response) already carries: no
        request is made."""
        return SafetyVerdict(flows.judge(completion, SafetyTemplates.get(template)))

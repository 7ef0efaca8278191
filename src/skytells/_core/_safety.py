"""Safety checks: content filter results of a chat completion, judged against a strictness template.

A check is a small chat completion (``deepbrain-router``, ``max_tokens: 16``) whose prompt is the text
or the image to check; the service grades the prompt (``prompt_filter_results``) and the answer
(``choices[].content_filter_results``). Their worst finding per category, judged by the template
(`skytells.types.safety`), makes the verdict.

>>> verdict = yield from check(ctx, text_body("I will punch you"), SafetyTemplates.STRICT)
>>> verdict["safe"], verdict["flagged"]
(False, ['violence'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .._exceptions import SkytellsError
from ..types.safety import DETECTION_CATEGORIES, SEVERITIES, SEVERITY_CATEGORIES, SafetyTemplate
from . import _chat_flows as chat
from ._effects import Flow
from ._errors import sdk_error
from ._send import Context

SAFETY_MODEL = "deepbrain-router"
#: a few tokens: only the filter results matter (some servers refuse max_tokens: 1)
SAFETY_MAX_TOKENS = 16
IMAGE_PROMPT = "Analyze this image."
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".avif")


def text_body(text: str) -> dict[str, Any]:
    if not isinstance(text, str) or not text:
        raise sdk_error("The text to check must be a non-empty string")
    return _body(text)


def image_body(url: str) -> dict[str, Any]:
    if not isinstance(url, str) or not url.startswith(("http://", "https://", "data:")):
        raise sdk_error("The image to check must be an http(s) or data: URL")
    content = [{"type": "text", "text": IMAGE_PROMPT}, {"type": "image_url", "image_url": {"url": url}}]
    return _body(content)


def _body(content: Any) -> dict[str, Any]:
    return {
        "model": SAFETY_MODEL,
        "messages": [{"role": "user", "content": content}],
        "max_tokens": SAFETY_MAX_TOKENS,
    }


def filter_results(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every ``content_filter_results`` of a chat completion (prompts and choices) or of a response
    (``content_filters``)."""
    found: list[Any] = []
    for key in ("prompt_filter_results", "choices", "content_filters"):
        for item in answer.get(key) or ():
            if isinstance(item, Mapping):
                found.append(item.get("content_filter_results"))
    return [results for results in found if isinstance(results, Mapping)]


def merge(results: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The worst finding of each category: highest severity, detected by any, filtered by any."""
    merged: dict[str, dict[str, Any]] = {}
    for result in results:
        for category, finding in result.items():
            if not isinstance(finding, Mapping):
                continue
            current = merged.setdefault(str(category), {"filtered": False})
            current["filtered"] = current["filtered"] or bool(finding.get("filtered"))
            severity = finding.get("severity")
            if severity in SEVERITIES and SEVERITIES.index(severity) >= SEVERITIES.index(
                current.get("severity", "safe")
            ):
                current["severity"] = severity
            if "detected" in finding:
                current["detected"] = bool(current.get("detected")) or bool(finding["detected"])
    return merged


def verdict(merged: Mapping[str, Mapping[str, Any]], template: SafetyTemplate) -> dict[str, Any]:
    """The verdict on merged findings: what the service filtered, or the template flags, is flagged."""
    categories: dict[str, Any] = {}
    flagged: list[str] = []
    for name in sorted(merged, key=_category_order):
        finding = merged[name]
        flag = bool(finding.get("filtered")) or template.flags(
            name, finding.get("severity"), finding.get("detected")
        )
        categories[name] = {**finding, "flagged": flag}
        if flag:
            flagged.append(name)
    return {"safe": not flagged, "flagged": flagged, "categories": categories, "template": template.name}


def _category_order(name: str) -> tuple[int, str]:
    known = (*SEVERITY_CATEGORIES, *DETECTION_CATEGORIES)
    return (known.index(name) if name in known else len(known), name)


def judge(answer: Mapping[str, Any], template: SafetyTemplate) -> dict[str, Any]:
    """The verdict on a chat completion (or response) already at hand: no request."""
    return verdict(merge(filter_results(answer)), template)


def findings(ctx: Context, body: Mapping[str, Any]) -> Flow[list[Mapping[str, Any]]]:
    """The filter results of one check. A refusal the service answers with an error
    (``code: content_filter``) gives the results it carries."""
    try:
        completion = yield from chat.create(ctx, body)
    except SkytellsError as error:
        refused = _refusal_results(error)
        if refused is None:
            raise
        return [refused]
    return filter_results(completion)


def check(ctx: Context, body: Mapping[str, Any], template: SafetyTemplate) -> Flow[dict[str, Any]]:
    """The verdict of one check (``text_body`` or ``image_body``)."""
    return verdict(merge((yield from findings(ctx, body))), template)


def evaluate(ctx: Context, prediction: Mapping[str, Any], template: SafetyTemplate) -> Flow[dict[str, Any]]:
    """The verdict on a prediction's output: its text (one check) and each output image (one check
    each), merged."""
    texts, images = output_parts(prediction.get("output"))
    if not texts and not images:
        raise sdk_error(
            "This prediction has no text or image output to check",
            f"Output: {str(prediction.get('output'))[:200]}",
        )
    results: list[Mapping[str, Any]] = []
    if texts:
        results += yield from findings(ctx, text_body("\n".join(texts)))
    for url in images:
        results += yield from findings(ctx, image_body(url))
    return verdict(merge(results), template)


def output_parts(output: Any) -> tuple[list[str], list[str]]:
    """The texts and the image URLs of a prediction output (a string or a list of them)."""
    items = output if isinstance(output, (list, tuple)) else [output]
    texts: list[str] = []
    images: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            continue
        if item.startswith(("http://", "https://")):
            if urlsplit(item).path.lower().endswith(IMAGE_SUFFIXES):
                images.append(item)
        else:
            texts.append(item)
    return texts, images


def _refusal_results(error: SkytellsError) -> Mapping[str, Any] | None:
    if error.error_code != "content_filter":
        return None
    body = error.body if isinstance(error.body, Mapping) else {}
    inner = (body.get("error") or {}).get("innererror") or {}
    results = inner.get("content_filter_result") if isinstance(inner, Mapping) else None
    return results if isinstance(results, Mapping) else {"content_filter": {"filtered": True}}

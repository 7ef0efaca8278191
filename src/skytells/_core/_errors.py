"""Error mapping: replies into data; error bodies (both API shapes) and failures into errors."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from .._exceptions import SkytellsError, error_class_for
from ._effects import Failure, Reply

PREVIEW_CHARS = 500


def parse_json_reply(reply: Reply, secret: str | None = None) -> Any:
    """The JSON body of a successful reply; raises the matching error otherwise.

    Non-JSON content is ``SERVER_ERROR`` (also on 2xx), unreadable JSON is ``INVALID_JSON``.
    """
    content_type = reply.headers.get("content-type", "")
    if not _is_json(content_type):
        if 200 <= reply.status < 300 and not reply.content:
            return None
        raise scrub_error(
            make_error(
                f"Server responded with non-JSON content ({content_type or 'no content type'})",
                "SERVER_ERROR",
                f"Status: {reply.status}, Content: {_preview(reply.content)}",
                reply.status,
                reply,
            ),
            secret,
        )
    try:
        data = json.loads(reply.content) if reply.content.strip() else None
    except ValueError as exc:
        raise scrub_error(
            make_error(
                f"Response body is not valid JSON: {exc}",
                "INVALID_JSON",
                f"Status: {reply.status}, Content: {_preview(reply.content)}",
                reply.status,
                reply,
            ),
            secret,
        ) from None
    if 200 <= reply.status < 300 and not _is_error_envelope(data):
        return data
    raise scrub_error(error_from_body(data, reply), secret)


def check_reply(reply: Reply, secret: str | None = None) -> Reply:
    """The reply itself when it is a success (downloads); the matching error otherwise."""
    if 200 <= reply.status < 300:
        return reply
    if _is_json(reply.headers.get("content-type", "")):
        parse_json_reply(reply, secret)
    raise scrub_error(
        make_error(
            f"HTTP error {reply.status}", "HTTP_ERROR", f"Could not fetch {reply.url}", reply.status, reply
        ),
        secret,
    )


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _is_error_envelope(data: Any) -> bool:
    """A 2xx body with ``status: false`` is an error, unless it is a queued prediction with an id."""
    if not isinstance(data, dict) or data.get("status") is not False:
        return False
    return not (isinstance(data.get("id"), str) and data["id"])


def error_from_body(body: Any, reply: Reply) -> SkytellsError:
    """Map every known error body shape to an error (unified, Inference API, flat, ``response``-only,
    ``detail``)."""
    status = reply.status
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            message = (
                error.get("message") or body.get("response") or body.get("detail") or "API error occurred"
            )
            details = error.get("details")
            if details is None or details == "":
                # the Inference API's (OpenAI) shape has no details: its message is the whole story
                fallback = message if "type" in error else "No additional details"
                details = body.get("response") or body.get("detail") or fallback
            http_status = _int(error.get("http_status")) or _int(error.get("status")) or status
            return make_error(
                str(message),
                str(error.get("error_id") or _upper(error.get("code")) or "UNKNOWN_ERROR"),
                details,
                http_status,
                reply,
                request_id=error.get("request_id"),
                error_type=error.get("type"),
                error_code=error.get("code"),
                param=error.get("param"),
                body=body,
            )
        if isinstance(body.get("error_id"), str):
            message = body.get("message") or body.get("response") or error or "API error occurred"
            return make_error(
                str(message),
                body["error_id"],
                body.get("details") or str(message),
                _int(body.get("http_status")) or status,
                reply,
                body=body,
            )
        for key in ("response", "detail", "message", "error"):
            value = body.get(key)
            if value not in (None, "", False):
                text = value if isinstance(value, str) else json.dumps(value)
                error_id = "API_ERROR" if key == "response" else "HTTP_ERROR"
                return make_error(text, error_id, text, status, reply, body=body)
    return make_error(
        f"HTTP error {status}",
        "HTTP_ERROR",
        f"The server returned status code {status}",
        status,
        reply,
        body=body,
    )


def make_error(
    message: str,
    error_id: str,
    details: Any,
    http_status: int,
    reply: Reply | None = None,
    *,
    request_id: Any = None,
    error_type: Any = None,
    error_code: Any = None,
    param: Any = None,
    body: Any = None,
) -> SkytellsError:
    """Build the most specific error class; fills ``request_id`` and ``retry_after`` from headers."""
    headers = reply.headers if reply is not None else {}
    cls = error_class_for(error_id, http_status)
    error = cls(
        message,
        error_id,
        details,
        http_status,
        request_id=str(request_id) if request_id else headers.get("x-request-id"),
        body=body,
        error_type=str(error_type) if error_type else None,
        error_code=str(error_code) if error_code else None,
        param=str(param) if param else None,
    )
    error.retry_after = retry_after_seconds(headers)
    return error


def sdk_error(message: str, details: Any = None) -> SkytellsError:
    """``SDK_ERROR`` (status 0): the call was refused before anything was sent."""
    return SkytellsError(message, "SDK_ERROR", details if details is not None else message, 0)


def error_from_failure(failure: Failure, secret: str | None = None) -> SkytellsError:
    if failure.kind == "timeout":
        ms = int((failure.timeout or 0) * 1000)
        error = make_error(f"Request timed out after {ms}ms", "REQUEST_TIMEOUT", failure.message, 408)
    else:
        error = make_error(f"Network error: {failure.message}", "NETWORK_ERROR", failure.message, 0)
    return scrub_error(error, secret)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date (relative to the response ``Date``)."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        now = parsedate_to_datetime(headers["date"]) if "date" in headers else None
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if now is None:
        now = datetime.datetime.now(when.tzinfo)
    return max(0.0, (when - now).total_seconds())


def scrub(value: Any, secret: str | None) -> Any:
    """Replace every occurrence of ``secret`` inside strings, lists and dicts by ``***``."""
    if not secret:
        return value
    if isinstance(value, str):
        return value.replace(secret, "***") if secret in value else value
    if isinstance(value, dict):
        return {scrub(k, secret): scrub(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, secret) for v in value]
    return value


def scrub_error(error: SkytellsError, secret: str | None) -> SkytellsError:
    """``error`` with ``secret`` replaced by ``***`` in its message, details and body."""
    if secret:
        error.message = scrub(error.message, secret)
        error.args = (error.message,)
        error.details = scrub(error.details, secret)
        error.body = scrub(error.body, secret)
    return error


def _preview(content: bytes) -> str:
    if not content:
        return "(empty)"
    text = content[:PREVIEW_CHARS].decode("utf-8", "replace")
    return text + ("... [truncated]" if len(content) > PREVIEW_CHARS else "")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _upper(value: Any) -> str | None:
    return value.upper() if isinstance(value, str) and value else None

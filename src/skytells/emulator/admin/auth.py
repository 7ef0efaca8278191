"""`AdminTokenMiddleware`: the admin API (``/_emulator/*``) answers only callers holding the admin token.

The token is sent as ``X-Emulator-Admin-Token: <token>`` or ``Authorization: Bearer <token>`` and
compared in constant time. ``GET /_emulator/health`` stays open (it tells nothing but that the
emulator is up). No token: 401 ``UNAUTHORIZED``; a wrong one: 403 ``FORBIDDEN``.

>>> app = AdminTokenMiddleware(app, token="s3cret-admin")
"""

from __future__ import annotations

import hmac

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from skytells.emulator.errors import ApiError, error_response

ADMIN_PREFIX = "/_emulator"
TOKEN_HEADER = "X-Emulator-Admin-Token"
_OPEN = {("GET", "/_emulator/health"), ("HEAD", "/_emulator/health")}


def is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def presented_token(headers: Headers) -> str | None:
    """The admin token a request carries (its own header first, then a Bearer credential)."""
    token = headers.get(TOKEN_HEADER)
    if token is not None:
        return token.strip()
    scheme, _, credential = headers.get("authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential.strip() else None


class AdminTokenMiddleware:
    """Pure ASGI middleware refusing admin requests that do not carry `token`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not is_admin_path(path) or (scope["method"], path) in _OPEN:
            await self.app(scope, receive, send)
            return
        given = presented_token(Headers(scope=scope))
        if given is not None and hmac.compare_digest(given.encode(), self._token):
            await self.app(scope, receive, send)
            return
        await error_response(_refusal(given), path)(scope, receive, send)


def _refusal(given: str | None) -> ApiError:
    if given is None:
        return ApiError(
            "UNAUTHORIZED",
            f"The admin API needs the emulator's admin token: send it as {TOKEN_HEADER} "
            "(or Authorization: Bearer).",
            headers={"WWW-Authenticate": 'Bearer realm="skytells-emulator-admin"'},
        )
    return ApiError("FORBIDDEN", "The admin token is not the one this emulator was started with.")

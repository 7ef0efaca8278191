"""Accounts: which API keys are accepted, their credits, suspension and webhook secrets.

Open mode (no configured keys): any well-formed ``sk-`` key gets its own account on first use.
Strict mode: only configured keys (and keys registered through the admin API while it runs) are
accepted.
A raw key is never returned or logged; `mask` gives the form shown in listings.

>>> accounts = Accounts(store, allowed=())
>>> account = accounts.authenticate({"x-api-key": "sk-test-123456"})
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from skytells.emulator.errors import ApiError
from skytells.emulator.store import AccountRow, Store, utc_now
from skytells.emulator.webhooks.signing import new_secret

KEY_PATTERN = re.compile(r"^sk-[A-Za-z0-9_.\-]{1,200}$")


def account_id_for(api_key: str) -> str:
    """The stable account id of an API key (a hash: the key itself is never an id)."""
    return "acct_" + hashlib.sha256(api_key.encode()).hexdigest()[:20]


def mask(api_key: str) -> str:
    """A key as it may be shown: its first characters and a fixed-width mask."""
    return api_key[:7] + "…" if len(api_key) > 7 else "sk-…"


def key_from_headers(headers: Mapping[str, str]) -> str | None:
    """The API key of a request (``x-api-key`` or ``Authorization: Bearer``), if any."""
    key = headers.get("x-api-key")
    if key:
        return key.strip()
    auth = headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


class Account(AccountRow):
    """An account as the routes see it: the stored fields, its public form and a masked repr."""

    def public(self) -> dict[str, Any]:
        """The account as the admin API lists it (masked key)."""
        return {
            "id": self.id,
            "api_key": mask(self.api_key),
            "credits": self.credits,
            "suspended": self.suspended,
            "created_at": self.created_at,
        }

    def __repr__(self) -> str:
        return f"Account(id={self.id!r}, key={mask(self.api_key)!r})"


class Accounts:
    """Authenticates requests and keeps accounts in memory, written through to the store."""

    def __init__(self, store: Store, allowed: tuple[str, ...]) -> None:
        self._store = store
        self._strict = bool(allowed)
        self._allowed = set(allowed)
        self._by_id: dict[str, Account] = {}
        for row in store.load_accounts():  # strict mode still admits only the configured keys
            self._by_id[row.id] = Account(**row.__dict__)

    def authenticate(self, headers: Mapping[str, str]) -> Account:
        """The account of a request's key; ApiError 401 or 403 when it may not proceed."""
        key = key_from_headers(headers)
        if not key:
            raise ApiError("UNAUTHORIZED", "Missing API key. Send it in the x-api-key header.")
        if not KEY_PATTERN.match(key) or (self._strict and key not in self._allowed):
            raise ApiError("UNAUTHORIZED", "Invalid API key.")
        account = self.get_or_create(key)
        if account.suspended:
            raise ApiError("ACCOUNT_SUSPENDED", "This account is suspended.")
        return account

    def get_or_create(self, api_key: str) -> Account:
        account_id = account_id_for(api_key)
        account = self._by_id.get(account_id)
        if account is None:
            account = Account(account_id, api_key, None, False, new_secret(), utc_now())
            self._by_id[account_id] = account
            self._save(account)
        return account

    def get(self, account_id: str) -> Account | None:
        return self._by_id.get(account_id)

    def configure(self, api_key: Any, *, credits: Any = ..., suspended: Any = ...) -> Account:
        """Register a key (allowed in strict mode too) and set its credits or suspension."""
        if not isinstance(api_key, str) or not KEY_PATTERN.match(api_key):
            raise ApiError("INVALID_PARAMETER", "api_key must be a well-formed 'sk-' key.")
        if credits is not ... and credits is not None and not _non_negative_number(credits):
            raise ApiError("INVALID_PARAMETER", "credits must be a non-negative number or null.")
        if suspended is not ... and not isinstance(suspended, bool):
            raise ApiError("INVALID_PARAMETER", "suspended must be a boolean.")
        account = self.get_or_create(api_key)
        if self._strict:
            self._allowed.add(api_key)
        if credits is not ...:
            account.credits = None if credits is None else float(credits)
        if suspended is not ...:
            account.suspended = suspended
        self._save(account)
        return account

    def charge(self, account: Account, amount: float) -> None:
        """Deduct credits (accounts with unlimited credits are not charged)."""
        if account.credits is not None and amount > 0:
            account.credits = max(0.0, round(account.credits - amount, 6))
            self._save(account)

    def all(self) -> list[Account]:
        return list(self._by_id.values())

    def reset(self, allowed: tuple[str, ...]) -> None:
        self._by_id.clear()
        self._allowed = set(allowed)

    def _save(self, account: Account) -> None:
        self._store.save_account(account)


def _non_negative_number(value: Any) -> bool:
    """True for a JSON number that is at least 0 and fits a float (an int like 10**400 does not)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        return False
    try:
        float(value)
    except OverflowError:
        return False
    return True

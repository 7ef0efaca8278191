"""SQLite persistence of stored responses (``store: true``), per account.

The table lives in its own database file, ``inference.sqlite3`` in the emulator's data directory, so
it never waits on the prediction store's transactions; each write commits at once (WAL). A row keeps
the response object as answered and the conversation so far (`Turn`s as JSON), which is what a later
``previous_response_id`` continues from. `reset` empties it (``POST /_emulator/reset``).

>>> store = ResponseStore("/tmp/emulator-data")
>>> store.get("acct_1", "resp_missing") is None
True
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skytells.emulator.inference.conversation import Turn

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    created_at REAL NOT NULL,
    body TEXT NOT NULL,
    context TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_by_account ON responses (account, created_at);
"""
FILE_NAME = "inference.sqlite3"


@dataclass(frozen=True)
class StoredResponse:
    """A stored response: its object and the conversation up to and including its output."""

    id: str
    body: dict[str, Any]
    context: list[Turn]


class ResponseStore:
    """Stored responses under one data directory; thread-safe."""

    def __init__(self, data_dir: str | Path) -> None:
        path = Path(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path / FILE_NAME, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def save(self, account: str, body: dict[str, Any], context: list[Turn]) -> None:
        """Store (or replace) a response of `account`."""
        row = (
            body["id"],
            account,
            float(body["created_at"]),
            json.dumps(body, separators=(",", ":")),
            json.dumps([turn.to_json() for turn in context], separators=(",", ":")),
        )
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)", row)

    def get(self, account: str, response_id: str) -> StoredResponse | None:
        """`account`'s response `response_id` (None for an unknown id or another account's)."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, body, context FROM responses WHERE id = ? AND account = ?", (response_id, account)
            ).fetchone()
        if row is None:
            return None
        return StoredResponse(row[0], json.loads(row[1]), [Turn.from_json(t) for t in json.loads(row[2])])

    def delete(self, account: str, response_id: str) -> bool:
        """Delete `account`'s response; False when it has none with that id."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM responses WHERE id = ? AND account = ?", (response_id, account)
            )
        return cursor.rowcount > 0

    def reset(self) -> None:
        """Forget every stored response."""
        with self._lock:
            self._db.execute("DELETE FROM responses")

    def close(self) -> None:
        with self._lock:
            self._db.close()

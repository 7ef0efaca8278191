"""SQLite persistence of accounts, predictions, idempotency keys, output files, test rules and webhooks.

Fault and outcome rules are kept as the JSON objects they were added as (plus counters), so a rule
field added later persists without a schema change; the webhook delivery log keeps what a replay or a
resumed retry needs.

One connection, used from the event loop thread only; WAL mode with ``synchronous=NORMAL`` keeps
each commit to a write into the log (no fsync), which survives a killed process. Bound to a running
loop (:meth:`Store.commit_per_turn`), the writes of one loop turn share one transaction, committed at
the end of that turn or earlier by :meth:`Store.commit` (every route commits before it answers).

>>> store = Store("/tmp/emulator-data")
>>> store.get_prediction("0b9c...") is None
True
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

TERMINAL_STATUSES = ("succeeded", "failed", "cancelled")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    api_key TEXT NOT NULL,
    credits REAL,
    suspended INTEGER NOT NULL DEFAULT 0,
    whsec TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS predictions (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    origin TEXT NOT NULL,
    plan TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_by_account ON predictions (account, created_at);
CREATE INDEX IF NOT EXISTS predictions_by_status ON predictions (status);
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    prediction_id TEXT NOT NULL,
    PRIMARY KEY (account, key)
);
CREATE TABLE IF NOT EXISTS rules (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    rule TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    body BLOB NOT NULL
);
"""


def utc_now() -> str:
    """The current time as the API writes ``created_at``/``updated_at``: ISO 8601, microseconds, ``Z``
    (sorts as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")[:-6] + "Z"


def utc_offset_now() -> str:
    """The current time as the API writes ``started_at``/``completed_at``: the ``+00:00`` form (with
    microseconds, like ``created_at``)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _dumps_any(value: Any) -> str:
    """JSON of a rule given from Python, where a value may not be JSON (it is stored as text)."""
    return json.dumps(value, separators=(",", ":"), default=str)


@dataclass
class StoredPrediction:
    """One prediction as persisted: the wire body plus what the engine needs to resume it."""

    id: str
    account: str
    model: str
    origin: str
    plan: dict[str, Any]
    body: dict[str, Any]

    @property
    def status(self) -> str:
        return str(self.body["status"])

    @property
    def created_at(self) -> str:
        return str(self.body["created_at"])


@dataclass
class AccountRow:
    """One account as persisted (its repr leaves out the key and the signing secret)."""

    id: str
    api_key: str = field(repr=False)
    credits: float | None
    suspended: bool
    whsec: str = field(repr=False)
    created_at: str


@dataclass(frozen=True)
class ListQuery:
    """Filters and paging of a prediction listing."""

    account: str
    model: str | None = None
    status: str | None = None
    created_from: str | None = None
    created_to: str | None = None
    limit: int = 20
    offset: int = 0


class Store:
    """The emulator's persistent state under one data directory."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.files_root = self.data_dir / "files"
        self.files_root.mkdir(exist_ok=True)
        self._db = sqlite3.connect(
            self.data_dir / "emulator.sqlite3", check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._loop: asyncio.AbstractEventLoop | None = None

    def close(self) -> None:
        self.commit()
        self._db.close()

    # ---- transactions --------------------------------------------------------------------

    def commit_per_turn(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Group the writes of each turn of `loop` into one transaction (None: commit every write)."""
        self.commit()
        self._loop = loop

    def commit(self) -> None:
        """Commit what is written so far."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def _write(self, sql: str, args: Any = ()) -> None:
        if self._loop is not None and not self._db.in_transaction:
            self._db.execute("BEGIN")
            self._loop.call_soon(self.commit)
        self._db.execute(sql, args)

    # ---- accounts ------------------------------------------------------------------------

    def save_account(self, account: AccountRow) -> None:
        self._write(
            "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?, ?, ?)",
            (
                account.id,
                account.api_key,
                account.credits,
                int(account.suspended),
                account.whsec,
                account.created_at,
            ),
        )

    def load_accounts(self) -> list[AccountRow]:
        rows = self._db.execute("SELECT * FROM accounts ORDER BY created_at").fetchall()
        return [AccountRow(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]

    # ---- predictions ---------------------------------------------------------------------

    def insert_prediction(self, p: StoredPrediction) -> None:
        self._write(
            "INSERT INTO predictions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (p.id, p.account, p.model, p.status, p.created_at, p.origin, _dumps(p.plan), _dumps(p.body)),
        )

    def update_prediction(self, p: StoredPrediction) -> None:
        self._write(
            "UPDATE predictions SET status = ?, plan = ?, body = ? WHERE id = ?",
            (p.status, _dumps(p.plan), _dumps(p.body), p.id),
        )

    def get_prediction(self, prediction_id: str) -> StoredPrediction | None:
        row = self._db.execute(
            "SELECT id, account, model, origin, plan, body FROM predictions WHERE id = ?", (prediction_id,)
        ).fetchone()
        return _prediction_from_row(row) if row else None

    def delete_prediction(self, prediction_id: str) -> None:
        self._write("DELETE FROM predictions WHERE id = ?", (prediction_id,))
        self._write("DELETE FROM idempotency WHERE prediction_id = ?", (prediction_id,))
        self.remove_files(prediction_id)

    def list_predictions(self, query: ListQuery) -> tuple[list[StoredPrediction], int]:
        """One page of an account's predictions, newest first, and the total that match."""
        where = ["account = ?"]
        args: list[Any] = [query.account]
        for column, op, value in (
            ("model", "=", query.model),
            ("status", "=", query.status),
            ("created_at", ">=", query.created_from),
            ("created_at", "<=", query.created_to),
        ):
            if value is not None:
                where.append(f"{column} {op} ?")
                args.append(value)
        clause = " AND ".join(where)
        total = self._db.execute(f"SELECT COUNT(*) FROM predictions WHERE {clause}", args).fetchone()[0]
        rows = self._db.execute(
            f"SELECT id, account, model, origin, plan, body FROM predictions WHERE {clause} "
            "ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            [*args, query.limit, query.offset],
        ).fetchall()
        return [_prediction_from_row(r) for r in rows], int(total)

    def unfinished_predictions(self) -> list[StoredPrediction]:
        """Predictions that had not reached a terminal status (to resume after a restart)."""
        marks = ", ".join("?" for _ in TERMINAL_STATUSES)
        rows = self._db.execute(
            f"SELECT id, account, model, origin, plan, body FROM predictions WHERE status NOT IN ({marks}) "
            "ORDER BY created_at",
            TERMINAL_STATUSES,
        ).fetchall()
        return [_prediction_from_row(r) for r in rows]

    # ---- idempotency ---------------------------------------------------------------------

    def find_idempotent(self, account: str, key: str) -> tuple[str, str] | None:
        """(body_hash, prediction_id) recorded for an account's Idempotency-Key."""
        row = self._db.execute(
            "SELECT body_hash, prediction_id FROM idempotency WHERE account = ? AND key = ?", (account, key)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def remember_idempotent(self, account: str, key: str, body_hash: str, prediction_id: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?)", (account, key, body_hash, prediction_id)
        )

    # ---- test rules (faults, outcomes) -----------------------------------------------------

    def save_rule(self, kind: str, rule_id: str, rule: Mapping[str, Any], state: Mapping[str, Any]) -> None:
        """Add or update a rule of `kind` (``fault``, ``outcome``), keeping its place in the order."""
        self._write(
            "INSERT INTO rules VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, id) DO UPDATE SET rule = excluded.rule, state = excluded.state",
            (kind, rule_id, _dumps_any(dict(rule)), _dumps(dict(state))),
        )

    def save_rule_state(self, kind: str, rule_id: str, state: Mapping[str, Any]) -> None:
        """Update the counters of a stored rule (nothing happens for a rule that is not stored)."""
        self._write(
            "UPDATE rules SET state = ? WHERE kind = ? AND id = ?", (_dumps(dict(state)), kind, rule_id)
        )

    def load_rules(self, kind: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(rule, state) of every stored rule of `kind`, in the order they were added."""
        rows = self._db.execute("SELECT rule, state FROM rules WHERE kind = ? ORDER BY rowid", (kind,))
        return [(json.loads(rule), json.loads(state)) for rule, state in rows.fetchall()]

    def delete_rule(self, kind: str, rule_id: str) -> None:
        self._write("DELETE FROM rules WHERE kind = ? AND id = ?", (kind, rule_id))

    def clear_rules(self, kind: str) -> None:
        self._write("DELETE FROM rules WHERE kind = ?", (kind,))

    # ---- webhook deliveries ----------------------------------------------------------------

    def save_delivery(self, delivery_id: str, record: Mapping[str, Any], body: bytes) -> None:
        """Add or update one webhook delivery (`record`: its log entry and what sending it needs)."""
        self._write(
            "INSERT INTO webhook_deliveries VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            (delivery_id, _dumps(dict(record)), body),
        )

    def load_deliveries(self) -> list[tuple[dict[str, Any], bytes]]:
        """(record, body) of every stored delivery, oldest first."""
        rows = self._db.execute("SELECT record, body FROM webhook_deliveries ORDER BY rowid").fetchall()
        return [(json.loads(record), bytes(body)) for record, body in rows]

    def delete_delivery(self, delivery_id: str) -> None:
        self._write("DELETE FROM webhook_deliveries WHERE id = ?", (delivery_id,))

    def clear_deliveries(self) -> None:
        self._write("DELETE FROM webhook_deliveries")

    # ---- files ---------------------------------------------------------------------------

    def file_path(self, prediction_id: str, name: str) -> Path:
        return self.files_root / prediction_id / name

    def remove_files(self, prediction_id: str) -> None:
        shutil.rmtree(self.files_root / prediction_id, ignore_errors=True)

    # ---- reset ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every account, prediction, idempotency key, file, test rule and webhook delivery."""
        self._write("DELETE FROM predictions")
        self._write("DELETE FROM idempotency")
        self._write("DELETE FROM accounts")
        self._write("DELETE FROM rules")
        self._write("DELETE FROM webhook_deliveries")
        shutil.rmtree(self.files_root, ignore_errors=True)
        self.files_root.mkdir(exist_ok=True)


def _prediction_from_row(row: tuple[Any, ...]) -> StoredPrediction:
    return StoredPrediction(row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(row[5]))

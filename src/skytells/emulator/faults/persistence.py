"""`PersistentFaultInjector`: fault rules added through the admin API survive a restart.

Each rule is stored as the JSON object it was added as (with its id) and its ``matched`` counter, and
is added again through `FaultInjector.add` on start: a rule field or action added later is checked by
the same code and persists unchanged. Rules from the configuration (``--fault``) are not stored: they
are added afresh at every start, before the stored ones, and their ids are never given to another rule.

>>> faults = PersistentFaultInjector(store, config.faults, seed=config.seed)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from skytells.emulator.errors import ApiError
from skytells.emulator.faults.injector import FaultInjector
from skytells.emulator.faults.rules import FaultRule
from skytells.emulator.store import Store

_KIND = "fault"


class PersistentFaultInjector(FaultInjector):
    """A `FaultInjector` that keeps the rules added at run time, and their counters, in a `Store`."""

    def __init__(
        self, store: Store, rules: Iterable[Mapping[str, Any]] = (), seed: int | None = None
    ) -> None:
        self._store: Store | None = None  # the configured rules are not stored
        saved = store.load_rules(_KIND)
        self._reserved = {str(rule.get("id")) for rule, _ in saved}
        super().__init__(rules, seed=seed)
        self._configured = {rule["id"] for rule in self.list()}
        self._reserved = set()
        for rule, state in saved:
            self._restore(store, rule, int(state.get("matched", 0)))
        self._store = store

    def add(self, rule: Mapping[str, Any]) -> dict[str, Any]:
        shown = super().add(rule)
        if self._store is not None:
            self._store.save_rule(_KIND, shown["id"], {**rule, "id": shown["id"]}, {"matched": 0})
        return shown

    def remove(self, rule_id: str) -> bool:
        removed = super().remove(rule_id)
        self._configured.discard(rule_id)
        if removed and self._store is not None:
            self._store.delete_rule(_KIND, rule_id)
        return removed

    def clear(self) -> None:
        super().clear()
        self._configured = set()
        if self._store is not None:
            self._store.clear_rules(_KIND)

    def pick(self, method: str, path: str, model: str | None, *, stream: bool = False) -> FaultRule | None:
        rule = super().pick(method, path, model, stream=stream)
        if rule is not None and self._store is not None and rule.id not in self._configured:
            self._store.save_rule_state(_KIND, rule.id, {"matched": rule.matched})
        return rule

    def _new_id(self) -> str:
        rule_id = super()._new_id()
        while rule_id in self._reserved:  # a stored rule will take this id back
            rule_id = super()._new_id()
        return rule_id

    def _restore(self, store: Store, rule: dict[str, Any], matched: int) -> None:
        """Add a stored rule again with its counter; drop it when it no longer fits (its id taken)."""
        try:
            shown = super().add(rule)
        except ApiError:
            store.delete_rule(_KIND, str(rule.get("id")))
            return
        with self._lock:
            for active in self._rules:
                if active.id == shown["id"]:
                    active.matched = matched

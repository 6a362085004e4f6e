"""The ledger health rule: a cached balance must equal what the ledger says."""

from __future__ import annotations

from typing import Protocol


class Audited(Protocol):
    @property
    def ledger_on_hand(self) -> int: ...
    @property
    def balance_on_hand(self) -> int: ...
    @property
    def reservations_open(self) -> int: ...
    @property
    def balance_reserved(self) -> int: ...


def is_healthy(row: Audited) -> bool:
    return (
        row.ledger_on_hand == row.balance_on_hand
        and row.reservations_open == row.balance_reserved
        and 0 <= row.balance_reserved <= row.balance_on_hand
    )

"""Compare every cached balance with the ledger (Odoo's quant check, ERPNext's invariant report)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain.stock.health import is_healthy
from backend.persistence.queries.ledger import BalanceAudit, audit_balances


@dataclass(frozen=True)
class LedgerHealth:
    checked: int
    mismatches: list[BalanceAudit]

    @property
    def ok(self) -> bool:
        return not self.mismatches


async def check_ledger() -> LedgerHealth:
    rows = await audit_balances()
    return LedgerHealth(checked=len(rows), mismatches=[r for r in rows if not is_healthy(r)])

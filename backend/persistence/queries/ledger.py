"""The ledger's own view of every balance, computed in SQL, for the health check."""

from __future__ import annotations

from dataclasses import dataclass

from backend.persistence import transaction


@dataclass(frozen=True)
class BalanceAudit:
    sku: str
    location_code: str
    ledger_on_hand: int
    balance_on_hand: int
    reservations_open: int
    balance_reserved: int


_AUDIT = """
WITH ledger AS (
    SELECT product_id, location_id, SUM(qty) AS on_hand FROM (
        SELECT product_id, to_location_id AS location_id, quantity AS qty
          FROM stock_movement WHERE to_location_id IS NOT NULL
        UNION ALL
        SELECT product_id, from_location_id AS location_id, -quantity AS qty
          FROM stock_movement WHERE from_location_id IS NOT NULL
    ) AS moves GROUP BY product_id, location_id
), held AS (
    SELECT product_id, location_id, SUM(quantity) AS reserved
      FROM reservation GROUP BY product_id, location_id
), keys AS (
    SELECT product_id, location_id FROM ledger
    UNION SELECT product_id, location_id FROM stock_balance
    UNION SELECT product_id, location_id FROM held
)
SELECT p.sku AS sku, l.code AS location_code,
       COALESCE(ledger.on_hand, 0) AS ledger_on_hand,
       COALESCE(b.on_hand, 0) AS balance_on_hand,
       COALESCE(held.reserved, 0) AS reservations_open,
       COALESCE(b.reserved, 0) AS balance_reserved
  FROM keys
  JOIN product p ON p.id = keys.product_id
  JOIN location l ON l.id = keys.location_id
  LEFT JOIN ledger ON ledger.product_id = keys.product_id
                  AND ledger.location_id = keys.location_id
  LEFT JOIN stock_balance b ON b.product_id = keys.product_id
                           AND b.location_id = keys.location_id
  LEFT JOIN held ON held.product_id = keys.product_id AND held.location_id = keys.location_id
 ORDER BY p.sku, l.code
"""


async def audit_balances() -> list[BalanceAudit]:
    rows = await transaction.fetch(_AUDIT)
    return [
        BalanceAudit(
            sku=row["sku"],
            location_code=row["location_code"],
            ledger_on_hand=int(row["ledger_on_hand"]),
            balance_on_hand=int(row["balance_on_hand"]),
            reservations_open=int(row["reservations_open"]),
            balance_reserved=int(row["balance_reserved"]),
        )
        for row in rows
    ]

"""The reorder watch: the one place a low-stock alert can fire.

Every use case that changes a balance (receipts, shipments, transfers, reservations and
releases, put-away of returns, counts, corrections, replacements) announces it with a
`stockChanged` event in its unit of work. `before_commit`, registered as the unit of work's
before-commit hook when this package is imported, runs `crossings` for the (product,
warehouse) pairs those events name in the same transaction, after all its balance changes
and before commit. setReorderPolicy runs it for the policy it saved.

For each of those pairs with a policy: the policy is locked (PostgreSQL), available stock is
read, and the policy flips below or back above by a conditional UPDATE on the state it was
read in. Only a flip to below yields an alert, so an alert fires once per crossing, and two
concurrent bookings cannot both fire it. Alerts leave after commit like every event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from backend.domain.inventory import reorder
from backend.persistence.queries import replenishment as q
from backend.persistence.repositories import replenishment as repo
from backend.pubsub.base import Message
from backend.services.replenishment import events, low_stock
from backend.services.stock import events as stock_events

Names = dict[tuple[int, int], tuple[str, str]]  # (product, warehouse) -> (SKU, warehouse code)


def stock_pairs(emitted: Iterable[tuple[str, Message]]) -> Names:
    """The (product, warehouse) pairs whose balances this transaction's events changed."""
    return {
        (m["productId"], m["warehouseId"]): (m["sku"], m["warehouseCode"])
        for topic, m in emitted
        if topic == stock_events.TOPIC
    }


async def before_commit(emitted: Sequence[tuple[str, Message]]) -> list[tuple[str, Message]]:
    """The unit of work's before-commit hook: the alerts for the stock its events moved."""
    moved = stock_pairs(emitted)
    return await crossings(moved) if moved else []


async def crossings(names: Names) -> list[tuple[str, Message]]:
    """Flip the policies of these pairs whose available stock crossed their reorder point;
    the alerts (topic, message) of those that went below."""
    pairs: Sequence[tuple[int, int]] = sorted(names)
    policies = await repo.lock_policies(pairs)
    if not policies:
        return []
    available = await q.available_for([(p.product_id, p.warehouse_id) for p in policies])
    now = datetime.now(UTC)
    went_below: list[int] = []
    for policy in policies:
        pair = (policy.product_id, policy.warehouse_id)
        below = reorder.crossing(policy.below, available.get(pair, 0), policy.reorder_point)
        if below is not None and await repo.flip(policy.id, policy.below, now) and below:
            went_below.append(policy.id)
    alerts = []
    for item in await low_stock.items_of(went_below):
        sku, warehouse_code = names[(item.product_id, item.warehouse_id)]
        alerts.append((events.TOPIC, events.low_stock_alert(item, sku, warehouse_code)))
    return alerts

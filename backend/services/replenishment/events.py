"""Low-stock alerts, published after commit on the `lowStock` topic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.pubsub.base import Message
from backend.services.replenishment.low_stock import LowStockItem

TOPIC = "lowStock"


def low_stock_alert(item: LowStockItem, sku: str, warehouse_code: str) -> Message:
    return {
        "policyId": item.policy_id,
        "productId": item.product_id,
        "sku": sku,
        "warehouseId": item.warehouse_id,
        "warehouseCode": warehouse_code,
        "available": item.available,
        "reorderPoint": item.reorder_point,
        "safetyStock": item.safety_stock,
        "coverDays": item.cover_days,
        "belowSince": None if item.below_since is None else item.below_since.isoformat(),
        "dailyDemand": item.daily_demand,
        "suggestedQuantity": item.suggested_quantity,
        "shortfall": item.shortfall,
    }


def item_of_alert(message: dict[str, Any]) -> LowStockItem:
    since = message["belowSince"]
    return LowStockItem(
        policy_id=message["policyId"],
        product_id=message["productId"],
        warehouse_id=message["warehouseId"],
        available=message["available"],
        reorder_point=message["reorderPoint"],
        safety_stock=message["safetyStock"],
        cover_days=message["coverDays"],
        below_since=None if since is None else datetime.fromisoformat(since),
        daily_demand=message["dailyDemand"],
        suggested_quantity=message["suggestedQuantity"],
        shortfall=message["shortfall"],
    )

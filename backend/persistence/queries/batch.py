"""Batch loads for DataLoaders: one statement per batch, results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from tortoise.models import Model

from backend.persistence.models import (
    Barcode,
    FollowUpCall,
    OrderLine,
    Shipment,
    ShipmentLine,
    Zone,
)

M = TypeVar("M", bound=Model)


async def by_ids(model: type[M], ids: Sequence[int]) -> list[M | None]:
    rows = {row.pk: row for row in await model.filter(id__in=list(set(ids)))}
    return [rows.get(i) for i in ids]


async def barcodes_by_product(product_ids: Sequence[int]) -> list[list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for code in await Barcode.filter(product_id__in=list(set(product_ids))).order_by("id"):
        found[code.product_id].append(code.code)
    return [found.get(i, []) for i in product_ids]


async def zones_by_warehouse(warehouse_ids: Sequence[int]) -> list[list[Zone]]:
    found: dict[int, list[Zone]] = defaultdict(list)
    for zone in await Zone.filter(warehouse_id__in=list(set(warehouse_ids))).order_by("code"):
        found[zone.warehouse_id].append(zone)
    return [found.get(i, []) for i in warehouse_ids]


async def lines_by_order(order_ids: Sequence[int]) -> list[list[OrderLine]]:
    found: dict[int, list[OrderLine]] = defaultdict(list)
    for line in await OrderLine.filter(order_id__in=list(set(order_ids))).order_by("id"):
        found[line.order_id].append(line)
    return [found.get(i, []) for i in order_ids]


async def shipments_by_order(order_ids: Sequence[int]) -> list[list[Shipment]]:
    found: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in await Shipment.filter(order_id__in=list(set(order_ids))).order_by("id"):
        found[shipment.order_id].append(shipment)
    return [found.get(i, []) for i in order_ids]


async def lines_by_shipment(shipment_ids: Sequence[int]) -> list[list[ShipmentLine]]:
    found: dict[int, list[ShipmentLine]] = defaultdict(list)
    for line in await ShipmentLine.filter(shipment_id__in=list(set(shipment_ids))).order_by("id"):
        found[line.shipment_id].append(line)
    return [found.get(i, []) for i in shipment_ids]


def children_by_ticket(model: Any) -> Callable[[Sequence[int]], Awaitable[list[list[Any]]]]:
    """A batch load of one kind of ticket child (lines, history, inspections...) for many
    tickets in one statement, in id order."""

    async def load(ticket_ids: Sequence[int]) -> list[list[Any]]:
        found: dict[int, list[Any]] = defaultdict(list)
        for row in await model.filter(ticket_id__in=list(set(ticket_ids))).order_by("id"):
            found[row.ticket_id].append(row)
        return [found.get(i, []) for i in ticket_ids]

    return load


async def follow_ups_raising(ticket_ids: Sequence[int]) -> list[list[FollowUpCall]]:
    """The follow-up calls that opened each of these tickets (a new problem raised on
    another ticket's call), in one statement."""
    found: dict[int, list[FollowUpCall]] = defaultdict(list)
    for row in await FollowUpCall.filter(linked_ticket_id__in=list(set(ticket_ids))).order_by("id"):
        assert row.linked_ticket_id is not None
        found[row.linked_ticket_id].append(row)
    return [found.get(i, []) for i in ticket_ids]

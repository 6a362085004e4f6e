"""One DataLoader per kind of lookup and request, so lists never query per row."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from backend.persistence import models
from backend.persistence.queries import batch, replenishment, rows, supply

ProductLike = models.Product | rows.ProductRow
LocationLike = models.Location | rows.LocationRow

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")


def _by_id(model: Any) -> DataLoader[int, Any]:
    async def load(ids: Sequence[int]) -> list[Any]:
        return await batch.by_ids(model, ids)

    return DataLoader(load_fn=load)


class Loaders:
    @cached_property
    def product(self) -> DataLoader[int, ProductLike | None]:
        return DataLoader(load_fn=rows.products_by_ids)

    @cached_property
    def category(self) -> DataLoader[int, models.Category | None]:
        return _by_id(models.Category)

    @cached_property
    def supplier(self) -> DataLoader[int, models.Supplier | None]:
        return _by_id(models.Supplier)

    @cached_property
    def warehouse(self) -> DataLoader[int, models.Warehouse | None]:
        return _by_id(models.Warehouse)

    @cached_property
    def zone(self) -> DataLoader[int, models.Zone | None]:
        return _by_id(models.Zone)

    @cached_property
    def location(self) -> DataLoader[int, LocationLike | None]:
        return DataLoader(load_fn=rows.locations_by_ids)

    @cached_property
    def user(self) -> DataLoader[int, models.User | None]:
        return _by_id(models.User)

    @cached_property
    def movement(self) -> DataLoader[int, models.StockMovement | None]:
        return _by_id(models.StockMovement)

    @cached_property
    def customer(self) -> DataLoader[int, models.Customer | None]:
        return _by_id(models.Customer)

    @cached_property
    def partner(self) -> DataLoader[int, models.Partner | None]:
        return _by_id(models.Partner)

    @cached_property
    def barcodes(self) -> DataLoader[int, list[str]]:
        return DataLoader(load_fn=batch.barcodes_by_product)

    @cached_property
    def zones_of_warehouse(self) -> DataLoader[int, list[models.Zone]]:
        return DataLoader(load_fn=batch.zones_by_warehouse)

    @cached_property
    def order_lines(self) -> DataLoader[int, list[models.OrderLine]]:
        return DataLoader(load_fn=batch.lines_by_order)

    @cached_property
    def reorder_policies_of_product(self) -> DataLoader[int, list[models.ReorderPolicy]]:
        return DataLoader(load_fn=replenishment.policies_by_product)

    @cached_property
    def order(self) -> DataLoader[int, models.SalesOrder | None]:
        return _by_id(models.SalesOrder)

    @cached_property
    def purchase_requests_of_order(self) -> DataLoader[int, list[models.PurchaseRequest]]:
        return DataLoader(load_fn=supply.by_order)

    @cached_property
    def purchase_requests_of_ticket(self) -> DataLoader[int, list[models.PurchaseRequest]]:
        return self._children(models.PurchaseRequest)

    @cached_property
    def shipments_of_order(self) -> DataLoader[int, list[models.Shipment]]:
        return DataLoader(load_fn=batch.shipments_by_order)

    @cached_property
    def shipment_lines(self) -> DataLoader[int, list[models.ShipmentLine]]:
        return DataLoader(load_fn=batch.lines_by_shipment)

    @cached_property
    def return_reason(self) -> DataLoader[int, models.ReturnReason | None]:
        return _by_id(models.ReturnReason)

    def _children(self, model: Any) -> DataLoader[int, list[Any]]:
        return DataLoader(load_fn=batch.children_by_ticket(model))

    @cached_property
    def ticket_lines(self) -> DataLoader[int, list[models.ReturnLine]]:
        return self._children(models.ReturnLine)

    @cached_property
    def ticket_events(self) -> DataLoader[int, list[rows.TicketEventRow]]:
        return DataLoader(load_fn=rows.events_by_tickets)

    @cached_property
    def ticket_inspections(self) -> DataLoader[int, list[rows.InspectionRow]]:
        return DataLoader(load_fn=rows.inspections_by_tickets)

    @cached_property
    def ticket_refunds(self) -> DataLoader[int, list[models.Refund]]:
        return self._children(models.Refund)

    @cached_property
    def ticket_outbound(self) -> DataLoader[int, list[models.OutboundShipment]]:
        return self._children(models.OutboundShipment)

    @cached_property
    def ticket_inbound(self) -> DataLoader[int, list[models.InboundWaybill]]:
        return self._children(models.InboundWaybill)

    @cached_property
    def ticket_claims(self) -> DataLoader[int, list[models.CourierClaim]]:
        return self._children(models.CourierClaim)

    @cached_property
    def ticket_notes(self) -> DataLoader[int, list[models.TicketNote]]:
        return self._children(models.TicketNote)

    @cached_property
    def ticket_follow_ups(self) -> DataLoader[int, list[models.FollowUpCall]]:
        return self._children(models.FollowUpCall)

    @cached_property
    def follow_ups_raising(self) -> DataLoader[int, list[models.FollowUpCall]]:
        """Keyed by the ticket a follow-up call opened."""
        return DataLoader(load_fn=batch.follow_ups_raising)

    @cached_property
    def return_ticket(self) -> DataLoader[int, models.ReturnTicket | None]:
        return _by_id(models.ReturnTicket)

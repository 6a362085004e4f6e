"""All Tortoise models, gathered in one module for Tortoise's discovery."""

from backend.persistence.models.auth import ApiKey, AuthToken, User
from backend.persistence.models.catalogue import Barcode, Category, Product, Supplier
from backend.persistence.models.corrective_actions import (
    CorrectiveAction,
    CorrectiveActionEvent,
    CorrectiveActionProduct,
    CorrectiveActionReason,
    CorrectiveActionTicket,
)
from backend.persistence.models.exports import TicketExport
from backend.persistence.models.follow_up import FollowUpCall
from backend.persistence.models.idempotency import IdempotencyRecord
from backend.persistence.models.inventory import (
    AbcRun,
    PurchaseRequest,
    ReorderPolicy,
    SupplierAvailability,
)
from backend.persistence.models.orders import (
    Customer,
    OrderLine,
    Partner,
    SalesOrder,
    Shipment,
    ShipmentLine,
)
from backend.persistence.models.places import Location, Warehouse, Zone
from backend.persistence.models.returns import ChecklistItem, DefectTag, ReturnReason
from backend.persistence.models.stock import Reservation, StockBalance, StockMovement
from backend.persistence.models.tickets import (
    Counter,
    CourierClaim,
    InboundWaybill,
    Inspection,
    OutboundShipment,
    Photo,
    Refund,
    ReturnLine,
    ReturnTicket,
    TicketEvent,
    TicketNote,
)

__all__ = [
    "AbcRun",
    "PurchaseRequest",
    "ReorderPolicy",
    "SupplierAvailability",
    "TicketExport",
    "ApiKey",
    "AuthToken",
    "Barcode",
    "Category",
    "ChecklistItem",
    "CorrectiveAction",
    "CorrectiveActionEvent",
    "CorrectiveActionProduct",
    "CorrectiveActionReason",
    "CorrectiveActionTicket",
    "Counter",
    "CourierClaim",
    "Customer",
    "DefectTag",
    "FollowUpCall",
    "IdempotencyRecord",
    "InboundWaybill",
    "Inspection",
    "Location",
    "OrderLine",
    "OutboundShipment",
    "Partner",
    "Photo",
    "Product",
    "Refund",
    "Reservation",
    "ReturnLine",
    "ReturnReason",
    "ReturnTicket",
    "SalesOrder",
    "Shipment",
    "ShipmentLine",
    "StockBalance",
    "StockMovement",
    "Supplier",
    "TicketEvent",
    "TicketNote",
    "User",
    "Warehouse",
    "Zone",
]

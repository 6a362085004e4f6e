"""Purchase-request events, published after commit on the `purchase_requests` topic."""

from __future__ import annotations

from backend.persistence.models import PurchaseRequest
from backend.pubsub.base import Message

TOPIC = "purchase_requests"


def purchase_request_changed(request: PurchaseRequest, event: str) -> Message:
    """`event`: OPENED, SHIPPED or CANCELLED."""
    return {
        "event": event,
        "purchaseRequestId": request.id,
        "number": request.number,
        "status": request.status.value,
        "source": request.source.value,
        "supplierId": request.supplier_id,
        "productId": request.product_id,
        "quantity": request.quantity,
        "covered": request.covered,
        "orderId": request.order_id,
        "ticketId": request.ticket_id,
    }

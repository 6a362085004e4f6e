"""The vocabulary of return tickets (GLOSSARY.md)."""

from __future__ import annotations

from enum import StrEnum


class ReturnKind(StrEnum):
    RETURN = "RETURN"  # 退货
    EXCHANGE = "EXCHANGE"  # 换货


class ReturnSource(StrEnum):
    CUSTOMER_RETURN = "CUSTOMER_RETURN"  # 自退件: the customer applied
    UNDELIVERABLE = "UNDELIVERABLE"  # 在途退件: the courier could not deliver
    REFUSED = "REFUSED"  # 拒收件: the customer refused the parcel
    EXCEPTION = "EXCEPTION"  # a parcel that came back without an application (Art. 26.1)


class TicketStatus(StrEnum):
    EXCEPTION = "EXCEPTION"
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    REPORTED = "REPORTED"  # remote undeliverable: stranded in another city
    RECEIVED = "RECEIVED"
    UNPACKED = "UNPACKED"
    INITIAL_INSPECTED = "INITIAL_INSPECTED"
    QC_INSPECTED = "QC_INSPECTED"
    REJECTED = "REJECTED"
    PUT_AWAY = "PUT_AWAY"
    REFUND_PENDING = "REFUND_PENDING"
    REFUNDED = "REFUNDED"
    RESHIPPED = "RESHIPPED"
    WAYBILL_SWAPPED = "WAYBILL_SWAPPED"
    RETURNED_TO_CUSTOMER = "RETURNED_TO_CUSTOMER"
    FOLLOW_UP = "FOLLOW_UP"
    CLOSED = "CLOSED"
    ON_HOLD = "ON_HOLD"
    CANCELLED = "CANCELLED"


class Action(StrEnum):
    APPROVE = "APPROVE"
    DECLINE = "DECLINE"
    RECEIVE = "RECEIVE"  # the parcel is registered on arrival
    UNPACK = "UNPACK"  # unpacked, labelled, booked into a pending bin
    INSPECT_INITIAL = "INSPECT_INITIAL"
    INSPECT_QC = "INSPECT_QC"
    ACCEPT = "ACCEPT"  # CS decision; stock leaves the pending zone by grade
    REJECT = "REJECT"  # CS decision after QC found customer-caused damage
    PUT_AWAY = "PUT_AWAY"  # goods go to stock by grade without a CS decision
    REFUND = "REFUND"  # the refund is complete
    RESHIP = "RESHIP"
    SWAP_WAYBILL = "SWAP_WAYBILL"
    RETURN_TO_CUSTOMER = "RETURN_TO_CUSTOMER"
    START_FOLLOW_UP = "START_FOLLOW_UP"
    LINK = "LINK"  # an exception parcel is linked to the ticket it belongs to
    CLOSE = "CLOSE"
    HOLD = "HOLD"
    RESUME = "RESUME"
    CANCEL = "CANCEL"
    REOPEN = "REOPEN"
    # Not a move of any flow: a follow-up call recorded while the ticket is FOLLOW_UP (the
    # call that ends the follow-up makes the flow's CLOSE); the history names it the same.
    FOLLOW_UP_CALL = "FOLLOW_UP_CALL"


class InspectionStage(StrEnum):
    INITIAL = "INITIAL"  # 初检, by the warehouse clerk (Art. 11)
    QC = "QC"  # 复检, by the QC inspector against the standard (Art. 12)


class OutboundPurpose(StrEnum):
    """Why goods leave again under a ticket: each is a shipment record of its own."""

    RESHIP = "RESHIP"  # an undeliverable parcel goes out again with a new waybill (Art. 16)
    REPLACEMENT = "REPLACEMENT"  # an exchange's replacement order (Art. 21-22)
    BACK_TO_CUSTOMER = "BACK_TO_CUSTOMER"  # rejected goods or a parcel nobody applied for


class OutboundStatus(StrEnum):
    OPEN = "OPEN"  # planned, not yet handed to the courier
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"  # an exchange rejected before its replacement left


class WaybillStatus(StrEnum):
    ACTIVE = "ACTIVE"
    VOIDED = "VOIDED"  # swapped by finance for a new one (Art. 16.2)


class ClaimStatus(StrEnum):
    OPEN = "OPEN"
    SETTLED = "SETTLED"  # the courier pays (part of) what was claimed
    REJECTED = "REJECTED"  # the courier pays nothing


class Decision(StrEnum):
    """Customer service's decision after QC (Art. 14)."""

    ACCEPT = "ACCEPT"
    REJECT = "REJECT"  # only when QC found customer-caused damage

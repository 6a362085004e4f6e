"""The one family of expected, user-facing failures.

A DomainError is a business rule saying no. The API turns it into a `userErrors` entry
(field, code, message); it is never a stack trace and never a 500.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # input
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    REQUIRED = "REQUIRED"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    # catalogue and places
    UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT"
    UNKNOWN_LOCATION = "UNKNOWN_LOCATION"
    UNKNOWN_WAREHOUSE = "UNKNOWN_WAREHOUSE"
    DUPLICATE = "DUPLICATE"
    # stock ledger
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    SAME_LOCATION = "SAME_LOCATION"
    PENDING_NEEDS_QC = "PENDING_NEEDS_QC"
    RESERVE_ONLY_SELLABLE = "RESERVE_ONLY_SELLABLE"
    COUNT_BELOW_RESERVED = "COUNT_BELOW_RESERVED"
    UNKNOWN_RESERVATION = "UNKNOWN_RESERVATION"
    RESERVATION_TOO_SMALL = "RESERVATION_TOO_SMALL"
    UNKNOWN_MOVEMENT = "UNKNOWN_MOVEMENT"
    ALREADY_CORRECTED = "ALREADY_CORRECTED"
    NOT_CORRECTABLE = "NOT_CORRECTABLE"
    CONCURRENT_CHANGE = "CONCURRENT_CHANGE"
    # orders and shipments
    UNKNOWN_ORDER = "UNKNOWN_ORDER"
    UNKNOWN_SHIPMENT = "UNKNOWN_SHIPMENT"
    OVER_SHIPPED = "OVER_SHIPPED"
    # return tickets
    INVALID_TRANSITION = "INVALID_TRANSITION"
    MISSING_DETAILS = "MISSING_DETAILS"
    WINDOW_EXPIRED = "WINDOW_EXPIRED"
    NOT_DELIVERED = "NOT_DELIVERED"
    ALREADY_DELIVERED = "ALREADY_DELIVERED"  # refused or undeliverable, yet it was delivered
    REFUND_EXCEEDS_DUE = "REFUND_EXCEEDS_DUE"
    UNKNOWN_TICKET = "UNKNOWN_TICKET"
    NOT_ALLOWED = "NOT_ALLOWED"  # the role may call the operation, but not for this step
    WRONG_ZONE = "WRONG_ZONE"
    OVER_RETURNED = "OVER_RETURNED"
    REJECT_NEEDS_CUSTOMER_DAMAGE = "REJECT_NEEDS_CUSTOMER_DAMAGE"
    NO_COURIER_DAMAGE = "NO_COURIER_DAMAGE"
    SHIPMENT_OPEN = "SHIPMENT_OPEN"
    CLAIM_CLOSED = "CLAIM_CLOSED"
    EXCEEDS_CLAIM = "EXCEEDS_CLAIM"
    # idempotency
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS"
    # auth
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    UNKNOWN_USER = "UNKNOWN_USER"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    NOT_FOUND = "NOT_FOUND"


class DomainError(Exception):
    """A business rule refused the request; nothing was written."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"DomainError({self.code!s}, {self.message!r}, field={self.field!r})"

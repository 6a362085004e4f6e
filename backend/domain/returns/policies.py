"""The policy's rules on applications, shipping fees, grades and refunds.

Art. 24: when the cause is not product quality, the customer pays the shipping.
Art. 26: no application without a reason and product details, none past the return window
(CS may override the window, with a recorded reason), and a parcel sent back without an
application is registered as an exception, never accepted as a return by itself.
Art. 14: goods with a product fault go back to stock, defective units to the defective
area; customer-caused damage is a reason to reject. Grades: A resell as new, B rework or
repackage, C defective.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock.kinds import MovementKind, ZoneKind


class Payer(StrEnum):
    CUSTOMER = "CUSTOMER"
    MERCHANT = "MERCHANT"


class DeclineCode(StrEnum):
    NO_PRIOR_APPLICATION = "NO_PRIOR_APPLICATION"
    MISSING_DETAILS = "MISSING_DETAILS"
    WINDOW_EXPIRED = "WINDOW_EXPIRED"
    OTHER = "OTHER"


class Grade(StrEnum):
    A = "A"  # resell as new
    B = "B"  # rework, repackage, back to the factory
    C = "C"  # defective or scrap


class Responsibility(StrEnum):
    PRODUCT = "PRODUCT"
    CUSTOMER = "CUSTOMER"
    COURIER = "COURIER"
    UNKNOWN = "UNKNOWN"


_GRADE_PLACE = {
    Grade.A: (ZoneKind.SELLABLE, MovementKind.RETURN_TO_STOCK),
    Grade.B: (ZoneKind.REWORK, MovementKind.MOVE_TO_REWORK),
    Grade.C: (ZoneKind.DEFECTIVE, MovementKind.MOVE_TO_DEFECTIVE),
}


def shipping_fee_payer(reason_is_quality: bool) -> Payer:
    """Art. 24."""
    return Payer.MERCHANT if reason_is_quality else Payer.CUSTOMER


def return_deadline(delivered_at: datetime, window_days: int) -> datetime:
    return delivered_at + timedelta(days=window_days)


@dataclass(frozen=True, slots=True)
class WindowCheck:
    deadline: datetime
    overridden: bool  # CS accepted it past the window, with a recorded reason


def check_application(
    *,
    reason_code: str,
    details: str,
    line_count: int,
    delivered_at: datetime | None,
    window_days: int,
    now: datetime,
    window_override_reason: str = "",
) -> WindowCheck:
    """Art. 26.2 and 26.3, for a customer's return or exchange application."""
    if not reason_code.strip() or line_count == 0:
        raise DomainError(
            ErrorCode.MISSING_DETAILS,
            "An application needs a reason and the products concerned (Art. 26.2).",
            "reasonCode" if not reason_code.strip() else "lines",
        )
    validation.text(details, "details", max_length=validation.LONG_TEXT)
    if delivered_at is None:
        raise DomainError(
            ErrorCode.NOT_DELIVERED,
            "This order has not been delivered; an undeliverable parcel has its own flow.",
            "orderNumber",
        )
    deadline = return_deadline(delivered_at, window_days)
    if now <= deadline:
        return WindowCheck(deadline, overridden=False)
    reason = validation.text(
        window_override_reason, "windowOverrideReason", max_length=validation.LONG_TEXT
    )
    if not reason:
        raise DomainError(
            ErrorCode.WINDOW_EXPIRED,
            f"The return window ended on {deadline:%Y-%m-%d} (Art. 26.3); customer service "
            "may accept it only with a reason.",
            "orderNumber",
        )
    return WindowCheck(deadline, overridden=True)


def place_for_grade(grade: Grade) -> tuple[ZoneKind, MovementKind]:
    """Where a graded unit goes from the pending zone, and the movement that takes it."""
    return _GRADE_PLACE[grade]


def may_reject(responsibilities: set[Responsibility]) -> bool:
    """A return is rejected only when QC found customer-caused damage (Art. 14)."""
    return Responsibility.CUSTOMER in responsibilities


def refund_due(
    *, accepted_value: Decimal, shipping_fee: Decimal, payer: Payer, paid: Decimal
) -> Decimal:
    """The value of the accepted lines, less the shipping when the customer pays it,
    never more than was paid and never below zero."""
    due = accepted_value - (shipping_fee if payer is Payer.CUSTOMER else Decimal("0"))
    return max(Decimal("0"), min(due, paid))


def check_refund(amount: Decimal, due: Decimal, refunded_so_far: Decimal) -> Decimal:
    """Partial refunds add up to at most what is due; returns what remains after this one."""
    if amount <= 0:
        raise DomainError(ErrorCode.INVALID, "A refund is a positive amount.", "amount")
    remaining = due - refunded_so_far
    if amount > remaining:
        raise DomainError(
            ErrorCode.REFUND_EXCEEDS_DUE,
            f"Only {remaining} remains to refund; {amount} asked.",
            "amount",
        )
    return remaining - amount

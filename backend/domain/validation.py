"""Input limits shared by every use case: quantities, text lengths, codes."""

from __future__ import annotations

import re

from backend.domain.errors import DomainError, ErrorCode

MAX_QUANTITY = 1_000_000
SHORT_TEXT = 64
NAME_TEXT = 200
LONG_TEXT = 2_000
IDEMPOTENCY_KEY_MAX = 255

_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")


def quantity(value: int, field: str = "quantity") -> int:
    if value < 1:
        raise DomainError(ErrorCode.INVALID_QUANTITY, "Quantity must be at least 1.", field)
    if value > MAX_QUANTITY:
        raise DomainError(
            ErrorCode.INVALID_QUANTITY, f"Quantity must be at most {MAX_QUANTITY:,}.", field
        )
    return value


def count(value: int, field: str = "countedQuantity") -> int:
    if value < 0 or value > MAX_QUANTITY:
        raise DomainError(
            ErrorCode.INVALID_QUANTITY, f"A count must be between 0 and {MAX_QUANTITY:,}.", field
        )
    return value


def text(value: str | None, field: str, *, max_length: int, required: bool = False) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise DomainError(ErrorCode.REQUIRED, f"{field} is required.", field)
    if len(cleaned) > max_length:
        raise DomainError(
            ErrorCode.TOO_LONG, f"{field} must be at most {max_length} characters.", field
        )
    return cleaned


def code(value: str | None, field: str, *, max_length: int = SHORT_TEXT) -> str:
    """A scannable code or identifier: SKU, barcode, bin code, order number."""
    cleaned = text(value, field, max_length=max_length, required=True)
    if not _CODE_PATTERN.match(cleaned):
        raise DomainError(
            ErrorCode.INVALID,
            f"{field} may hold letters, digits and . _ - / only, starting with a letter or digit.",
            field,
        )
    return cleaned


def idempotency_key(value: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, "idempotencyKey is required.", "idempotencyKey")
    if len(cleaned) > IDEMPOTENCY_KEY_MAX:
        raise DomainError(
            ErrorCode.TOO_LONG,
            f"idempotencyKey must be at most {IDEMPOTENCY_KEY_MAX} characters.",
            "idempotencyKey",
        )
    return cleaned

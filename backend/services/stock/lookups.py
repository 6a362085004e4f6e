"""Resolve what a command names (SKU, bin code) or say clearly what is unknown."""

from __future__ import annotations

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode
from backend.persistence.repositories import stock as repo
from backend.persistence.repositories.stock import LocationRef, ProductRef


async def product(sku: str, field: str = "sku") -> ProductRef:
    code = validation.code(sku, field)
    found = await repo.product_by_sku(code)
    if found is None:
        raise DomainError(ErrorCode.UNKNOWN_PRODUCT, f"No active product with SKU {code}.", field)
    return found


async def location(code: str, field: str = "locationCode") -> LocationRef:
    cleaned = validation.code(code, field)
    found = await repo.location_by_code(cleaned)
    if found is None:
        raise DomainError(ErrorCode.UNKNOWN_LOCATION, f"No active bin with code {cleaned}.", field)
    return found


async def available(product_id: int, location_id: int) -> int:
    found = await repo.levels(product_id, [location_id])
    return found[0].on_hand - found[0].reserved if found else 0

from __future__ import annotations

from tortoise.queryset import QuerySet

from backend.domain.auth.scope import Scope
from backend.persistence.models import SalesOrder


def orders(scope: Scope, customer_phone: str | None = None) -> QuerySet[SalesOrder]:
    query = SalesOrder.all()
    if scope.partner_id is not None:
        query = query.filter(partner_id=scope.partner_id)
    if customer_phone:
        query = query.filter(customer__phone=customer_phone)
    return query


async def order_by_number(scope: Scope, number: str) -> SalesOrder | None:
    return await orders(scope).get_or_none(number=number)

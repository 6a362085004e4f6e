"""Keyset pagination on the primary key: stable under inserts, one statement per page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)
R = TypeVar("R")


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    has_next: bool


async def page(query: QuerySet[M], first: int, after_id: int | None) -> Page[M]:
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    rows = await query.order_by("id").limit(first + 1)
    return Page(rows=rows[:first], has_next=len(rows) > first)

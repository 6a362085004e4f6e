"""Plain rows for the read side's hot paths, read with SQL instead of ORM objects.

Building Tortoise objects parses every timestamp column through its timezone handling;
on a page of 100 stock levels that was about a third of the server's time (bench
profile). These rows carry only the columns the API shows, under the models' names.
A ticket's history and inspections are read the same way: a page of 50 tickets holds
about 300 history rows and 100 inspections, and building them as Tortoise objects was a
fifth of the page's time (returns bench).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from backend.domain.inventory.kinds import AbcClass
from backend.domain.returns.kinds import InspectionStage, TicketStatus
from backend.domain.returns.policies import Grade, Responsibility
from backend.domain.stock.kinds import SupplyMode, ZoneKind
from backend.persistence import transaction
from backend.persistence.repositories.stock import moment


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: int
    sku: str
    name_zh: str
    name_en: str
    model: str
    style: str
    colour: str
    size: str
    unit_price: Decimal
    return_window_days: int
    supply_mode: SupplyMode
    active: bool
    category_id: int
    supplier_id: int | None
    abc_class: AbcClass | None = None
    abc_value: Decimal | None = None
    abc_classified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LocationRow:
    id: int
    code: str
    name: str
    zone_kind: ZoneKind
    active: bool
    zone_id: int
    warehouse_id: int


@dataclass(frozen=True, slots=True)
class BalanceRow:
    id: int
    product_id: int
    location_id: int
    on_hand: int
    reserved: int
    updated_at: datetime

    @property
    def pk(self) -> int:
        return self.id


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


async def products_by_ids(ids: Sequence[int]) -> list[ProductRow | None]:
    wanted = list(dict.fromkeys(ids))
    rows = (
        await transaction.fetch(
            "SELECT id, sku, name_zh, name_en, model, style, colour, size, unit_price,"
            " return_window_days, supply_mode, active, category_id, supplier_id,"
            " abc_class, abc_value, abc_classified_at"
            f" FROM product WHERE id IN ({_marks(wanted)})",
            wanted,
        )
        if wanted
        else []
    )
    found = {
        r["id"]: ProductRow(
            id=r["id"],
            sku=r["sku"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            model=r["model"],
            style=r["style"],
            colour=r["colour"],
            size=r["size"],
            unit_price=Decimal(str(r["unit_price"])),
            return_window_days=r["return_window_days"],
            supply_mode=SupplyMode(r["supply_mode"]),
            active=bool(r["active"]),
            category_id=r["category_id"],
            supplier_id=r["supplier_id"],
            abc_class=None if r["abc_class"] is None else AbcClass(r["abc_class"]),
            abc_value=None if r["abc_value"] is None else Decimal(str(r["abc_value"])),
            abc_classified_at=None
            if r["abc_classified_at"] is None
            else moment(r["abc_classified_at"]),
        )
        for r in rows
    }
    return [found.get(i) for i in ids]


async def locations_by_ids(ids: Sequence[int]) -> list[LocationRow | None]:
    wanted = list(dict.fromkeys(ids))
    rows = (
        await transaction.fetch(
            "SELECT id, code, name, zone_kind, active, zone_id, warehouse_id"
            f" FROM location WHERE id IN ({_marks(wanted)})",
            wanted,
        )
        if wanted
        else []
    )
    found = {
        r["id"]: LocationRow(
            id=r["id"],
            code=r["code"],
            name=r["name"],
            zone_kind=ZoneKind(r["zone_kind"]),
            active=bool(r["active"]),
            zone_id=r["zone_id"],
            warehouse_id=r["warehouse_id"],
        )
        for r in rows
    }
    return [found.get(i) for i in ids]


def balance_rows(rows: list[dict[str, Any]]) -> list[BalanceRow]:
    return [
        BalanceRow(
            r["id"],
            r["product_id"],
            r["location_id"],
            r["on_hand"],
            r["reserved"],
            moment(r["updated_at"]),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class TicketEventRow:
    id: int
    ticket_id: int
    at: datetime
    actor_id: int
    action: str
    from_status: TicketStatus | None
    to_status: TicketStatus | None
    detail_json: Any  # decoded only when asked for

    @property
    def detail(self) -> dict[str, Any]:
        found: dict[str, Any] = _decoded(self.detail_json)
        return found


@dataclass(frozen=True, slots=True)
class InspectionRow:
    id: int
    ticket_id: int
    line_id: int
    stage: InspectionStage
    quantity: int
    passed: bool
    grade: Grade | None
    responsibility: Responsibility
    defect_tags: list[str]
    defect_text: str
    checklist: list[dict[str, Any]]
    photos: list[str]
    note: str
    inspector_id: int
    at: datetime


def _decoded(value: Any) -> Any:
    """A JSON column: text on SQLite (and from asyncpg), already decoded otherwise."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _status(value: str | None) -> TicketStatus | None:
    return None if value is None else TicketStatus(value)


async def _ticket_children(sql: str, ticket_ids: Sequence[int]) -> dict[int, list[Any]]:
    wanted = list(dict.fromkeys(ticket_ids))
    rows = await transaction.fetch(sql.replace("{marks}", _marks(wanted)), wanted) if wanted else []
    found: dict[int, list[Any]] = {i: [] for i in wanted}
    for r in rows:
        found[r["ticket_id"]].append(r)
    return found


async def events_by_tickets(ticket_ids: Sequence[int]) -> list[list[TicketEventRow]]:
    """Each ticket's history in one statement, in id order."""
    found = await _ticket_children(
        "SELECT id, ticket_id, at, actor_id, action, from_status, to_status, detail"
        " FROM ticket_event WHERE ticket_id IN ({marks}) ORDER BY id",
        ticket_ids,
    )
    return [
        [
            TicketEventRow(
                r["id"],
                r["ticket_id"],
                moment(r["at"]),
                r["actor_id"],
                r["action"],
                _status(r["from_status"]),
                _status(r["to_status"]),
                r["detail"],
            )
            for r in found[i]
        ]
        for i in ticket_ids
    ]


async def inspections_by_tickets(ticket_ids: Sequence[int]) -> list[list[InspectionRow]]:
    """Each ticket's inspections in one statement, in id order."""
    found = await _ticket_children(
        "SELECT id, ticket_id, line_id, stage, quantity, passed, grade, responsibility,"
        " defect_tags, defect_text, checklist, photos, note, inspector_id, at"
        " FROM inspection WHERE ticket_id IN ({marks}) ORDER BY id",
        ticket_ids,
    )
    return [
        [
            InspectionRow(
                r["id"],
                r["ticket_id"],
                r["line_id"],
                InspectionStage(r["stage"]),
                r["quantity"],
                bool(r["passed"]),
                None if r["grade"] is None else Grade(r["grade"]),
                Responsibility(r["responsibility"]),
                _decoded(r["defect_tags"]),
                r["defect_text"],
                _decoded(r["checklist"]),
                _decoded(r["photos"]),
                r["note"],
                r["inspector_id"],
                moment(r["at"]),
            )
            for r in found[i]
        ]
        for i in ticket_ids
    ]

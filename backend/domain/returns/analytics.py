"""Return analytics (Art. 25.2): what a filter may say, how a Pareto list and its shares are
built from grouped counts, and the percentile definition the SQL implements.

The figures themselves are aggregated in SQL (persistence/queries/analytics.py); this module
only works on the few grouped rows SQL answers with, never on tickets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.kinds import InspectionStage, ReturnKind, ReturnSource
from backend.domain.returns.policies import Grade, Responsibility

# Percentiles reported for every cycle-time stage, in percent.
MEDIAN = 50
P90 = 90
# Pareto lists answer at most this many rows (shares are over all rows).
PARETO_MAX_ROWS = 500
PARETO_DEFAULT_ROWS = 50


class Dimension(StrEnum):
    """What a Pareto list of returns is grouped by."""

    REASON = "REASON"  # the ticket's return reason (none for parcels nobody applied for)
    PRODUCT = "PRODUCT"  # the returned line's SKU
    CATEGORY = "CATEGORY"  # the returned product's category
    COURIER = "COURIER"  # the courier that carried the product out on the original order
    SUPPLIER = "SUPPLIER"  # the returned product's supplier


class CycleStage(StrEnum):
    """The stages whose durations are measured, each from one history moment to another."""

    APPLICATION_TO_DECISION = "APPLICATION_TO_DECISION"  # created -> first APPROVE/DECLINE
    ARRIVAL_TO_QC = "ARRIVAL_TO_QC"  # first entry into RECEIVED -> first INSPECT_QC
    QC_TO_REFUND = "QC_TO_REFUND"  # first INSPECT_QC -> first refund paid
    WHOLE_TICKET = "WHOLE_TICKET"  # created -> last CLOSED (tickets closed now)


@dataclass(frozen=True, slots=True)
class AnalyticsFilter:
    """Which tickets (and, for return rates, which shipments) the figures cover.

    The period is on the ticket's creation (from inclusive, to exclusive) and, for shipped
    units, on the shipment's date. Category and SKU narrow returned lines (a ticket counts
    for ticket-level figures when one of its lines matches)."""

    created_from: datetime | None = None
    created_to: datetime | None = None
    warehouse_code: str | None = None
    category_code: str | None = None
    sku: str | None = None
    reason_code: str | None = None
    sources: tuple[ReturnSource, ...] = ()
    kinds: tuple[ReturnKind, ...] = ()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _optional_code(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    return validation.code(value, field)


def check_filter(f: AnalyticsFilter) -> AnalyticsFilter:
    """The filter with codes trimmed and times in UTC; an impossible period is refused."""
    created_from, created_to = _utc(f.created_from), _utc(f.created_to)
    if created_from is not None and created_to is not None and created_from >= created_to:
        raise DomainError(
            ErrorCode.INVALID, "createdFrom must be before createdTo.", "filter.createdTo"
        )
    return AnalyticsFilter(
        created_from=created_from,
        created_to=created_to,
        warehouse_code=_optional_code(f.warehouse_code, "filter.warehouseCode"),
        category_code=_optional_code(f.category_code, "filter.categoryCode"),
        sku=_optional_code(f.sku, "filter.sku"),
        reason_code=_optional_code(f.reason_code, "filter.reasonCode"),
        sources=tuple(dict.fromkeys(f.sources)),
        kinds=tuple(dict.fromkeys(f.kinds)),
    )


def pareto_rows(first: int | None) -> int:
    if first is None:
        return PARETO_DEFAULT_ROWS
    if first < 1 or first > PARETO_MAX_ROWS:
        raise DomainError(ErrorCode.INVALID, f"first is between 1 and {PARETO_MAX_ROWS}.", "first")
    return first


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class GroupCount:
    """One group as SQL counts it: returned units and tickets, and units shipped."""

    key: str | None
    label: str
    units: int
    tickets: int
    shipped_units: int


@dataclass(frozen=True, slots=True)
class ParetoEntry:
    key: str | None
    label: str
    units: int
    tickets: int
    shipped_units: int
    share: float  # of all returned units in the filter
    cumulative_share: float  # this row and every row above it
    return_rate: float | None  # returned units / shipped units of the group


def pareto(groups: Iterable[GroupCount], total_units: int) -> list[ParetoEntry]:
    """Rows by returned units, most first (ties: more tickets first, then by key, a missing
    key last), each with its share of `total_units` and the running cumulative share."""
    ordered = sorted(groups, key=lambda g: (-g.units, -g.tickets, g.key is None, g.key or ""))
    entries: list[ParetoEntry] = []
    running = 0
    for group in ordered:
        running += group.units
        entries.append(
            ParetoEntry(
                key=group.key,
                label=group.label,
                units=group.units,
                tickets=group.tickets,
                shipped_units=group.shipped_units,
                share=share(group.units, total_units) or 0.0,
                cumulative_share=share(running, total_units) or 0.0,
                return_rate=share(group.units, group.shipped_units),
            )
        )
    return entries


@dataclass(frozen=True, slots=True)
class InspectedCount:
    """Inspected units of one stage, verdict, grade and responsibility, as SQL groups them."""

    stage: InspectionStage
    passed: bool
    grade: Grade | None
    responsibility: Responsibility
    units: int


@dataclass(frozen=True, slots=True)
class StageFigures:
    stage: InspectionStage
    units: int
    passed_units: int
    failed_units: int
    pass_rate: float | None


@dataclass(frozen=True, slots=True)
class GradeFigures:
    grade: Grade
    units: int
    share: float | None  # of the QC-graded units


@dataclass(frozen=True, slots=True)
class InspectionFigures:
    outcomes: list[StageFigures]  # INITIAL, then QC
    graded_units: int  # QC units with a grade
    grades: list[GradeFigures]  # A, B, C
    qc_units: int
    customer_units: int  # QC units whose damage is the customer's
    customer_share: float | None  # customer_units / qc_units


def inspection_figures(counts: Iterable[InspectedCount]) -> InspectionFigures:
    """Outcomes per stage, grade shares of the QC-graded units, and the share of
    QC-inspected units QC found damaged by the customer."""
    found = list(counts)
    outcomes = []
    for stage in InspectionStage:
        passed = sum(c.units for c in found if c.stage is stage and c.passed)
        failed = sum(c.units for c in found if c.stage is stage and not c.passed)
        outcomes.append(
            StageFigures(stage, passed + failed, passed, failed, share(passed, passed + failed))
        )
    qc = [c for c in found if c.stage is InspectionStage.QC]
    graded = sum(c.units for c in qc if c.grade is not None)
    grades = []
    for grade in Grade:
        units = sum(c.units for c in qc if c.grade is grade)
        grades.append(GradeFigures(grade, units, share(units, graded)))
    inspected = sum(c.units for c in qc)
    customer = sum(c.units for c in qc if c.responsibility is Responsibility.CUSTOMER)
    return InspectionFigures(
        outcomes=outcomes,
        graded_units=graded,
        grades=grades,
        qc_units=inspected,
        customer_units=customer,
        customer_share=share(customer, inspected),
    )


def nearest_rank(percent: int, count: int) -> int:
    """The nearest-rank percentile's position (1-based) among `count` sorted values:
    ceil(percent / 100 * count), at least 1. The median is the ceil(n/2)-th value (the
    lower middle value for an even count), the 90th percentile the ceil(0.9 n)-th; always
    an observed value, never interpolated. The SQL computes the same rank with integer
    arithmetic, (count * percent + 99) / 100, on both databases."""
    if count <= 0:
        raise ValueError("no values")
    return max(1, (count * percent + 99) // 100)

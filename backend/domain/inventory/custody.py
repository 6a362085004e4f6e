"""Consignment custody fees (委托保管, table 11-1): a third-party custodian keeps our goods
and charges a fee per unit and day.

Units held = on hand in every bin of the custodian's CONSIGNMENT warehouses. Unit-days of a
period [from, to) = the time integral of units held, exact to the second:

    opening units x period seconds + sum over the period's movements of
    (signed quantity x seconds from the movement to the end of the period)

divided by 86,400 and rounded half-up to 4 decimals, per warehouse and product (a line).
A line's amount = its unit-days x its warehouse's fee per unit-day, rounded half-up to
cents; the statement's unit-days and amount are the sums of its lines, so the printed
lines add up to the printed total. Times count in whole seconds (a movement at 12:00:00.7
counts from 12:00:00), the same on both databases.

A period reaching past now counts today's holdings until its end (a forecast of the
running month). A movement counts for a warehouse when it enters or leaves it; one
between two bins of the same warehouse changes nothing there and is left out. A transfer
between two warehouses of the same custodian leaves one line and enters the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode

SECONDS_PER_DAY = 86_400
MAX_PERIOD = timedelta(days=366)  # a year, leap years included
_UNIT_DAYS = Decimal("0.0001")
_CENTS = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Period:
    """A statement's period in whole seconds, UTC."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    def seconds_left(self, moved_at: datetime) -> int:
        """Seconds from a movement in the period to the end of the period."""
        return int((self.end - whole_second(moved_at)).total_seconds())


def whole_second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def check_period(period_from: datetime, period_to: datetime) -> Period:
    """A period of at most a year with its end after its start; times need a zone."""
    if period_from.tzinfo is None or period_to.tzinfo is None:
        raise DomainError(
            ErrorCode.INVALID, "Give the period with a time zone (e.g. Z).", "periodFrom"
        )
    period = Period(whole_second(period_from), whole_second(period_to))
    if period.end <= period.start:
        raise DomainError(ErrorCode.INVALID, "periodTo must be after periodFrom.", "periodTo")
    if period.end - period.start > MAX_PERIOD:
        raise DomainError(
            ErrorCode.INVALID, "A custody statement covers at most a year (366 days).", "periodTo"
        )
    return period


def check_custodian(name: str) -> str:
    return validation.text(name, "custodian", max_length=200, required=True)


def unit_days(unit_seconds: int) -> Decimal:
    """Unit-seconds as unit-days, rounded half-up to 4 decimals."""
    return (Decimal(unit_seconds) / SECONDS_PER_DAY).quantize(_UNIT_DAYS, ROUND_HALF_UP)


def fee_amount(days: Decimal, fee_per_unit_day: Decimal) -> Decimal:
    """A line's fee: its (rounded) unit-days times the fee, rounded half-up to cents."""
    return (days * fee_per_unit_day).quantize(_CENTS, ROUND_HALF_UP)


def moved_unit_seconds(moves: Iterable[tuple[int, int]]) -> int:
    """The period's movements' part of the integral: `moves` are (signed quantity, whole
    seconds from the movement to the end of the period)."""
    return sum(quantity * left for quantity, left in moves)


def held_unit_seconds(opening: int, period_seconds: int, moved: int) -> int:
    """The integral of units held over a period: the opening units all period long, plus
    the movements' part (`moved_unit_seconds`)."""
    return opening * period_seconds + moved


@dataclass(frozen=True, slots=True)
class LineFigures:
    """One warehouse's and product's figures as the ledger gives them."""

    warehouse_id: int
    product_id: int
    opening_units: int
    units_in: int
    units_out: int
    unit_seconds: int  # the integral, held_unit_seconds
    fee_per_unit_day: Decimal

    @property
    def closing_units(self) -> int:
        return self.opening_units + self.units_in - self.units_out

    @property
    def unit_days(self) -> Decimal:
        return unit_days(self.unit_seconds)

    @property
    def amount(self) -> Decimal:
        return fee_amount(self.unit_days, self.fee_per_unit_day)


@dataclass(frozen=True, slots=True)
class Totals:
    unit_days: Decimal
    amount: Decimal


def totals(lines: Iterable[LineFigures]) -> Totals:
    """The statement's totals: the sums of its lines' rounded figures."""
    found = list(lines)
    return Totals(
        unit_days=sum((line.unit_days for line in found), Decimal("0.0000")),
        amount=sum((line.amount for line in found), Decimal("0.00")),
    )


def counts(line: LineFigures) -> bool:
    """A line is shown when the warehouse held or moved the product in the period."""
    return bool(line.opening_units or line.units_in or line.units_out)


def movement_unit_days(signed_quantity: int, seconds_left: int) -> Decimal:
    """What one movement adds to (or takes from) the period's unit-days."""
    return unit_days(signed_quantity * seconds_left)

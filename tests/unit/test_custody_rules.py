"""Custody-fee arithmetic (domain/inventory/custody.py), against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory import custody as rules

DAY = 86_400
SEPTEMBER = (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))


def _line(opening: int, moved: int, fee: str, units_in: int = 0, units_out: int = 0):
    period = rules.check_period(*SEPTEMBER)
    return rules.LineFigures(
        warehouse_id=1,
        product_id=1,
        opening_units=opening,
        units_in=units_in,
        units_out=units_out,
        unit_seconds=rules.held_unit_seconds(opening, period.seconds, moved),
        fee_per_unit_day=Decimal(fee),
    )


def test_ten_units_all_month_of_30_days_at_five_cents_cost_15_00():
    line = _line(10, 0, "0.0500")
    assert line.unit_days == Decimal("300.0000")
    assert line.amount == Decimal("15.00")


def test_four_units_received_on_day_10_at_noon_count_20_and_a_half_days_each():
    period = rules.check_period(*SEPTEMBER)
    received = datetime(2026, 9, 10, 12, tzinfo=UTC)  # day 10 at noon: 20.5 days to go
    assert period.seconds_left(received) == 20 * DAY + DAY // 2
    moved = rules.moved_unit_seconds([(4, period.seconds_left(received))])
    line = _line(10, moved, "0.0500", units_in=4)
    assert line.unit_days == Decimal("382.0000")  # 300 + 4 x 20.5
    assert line.amount == Decimal("19.10")
    assert line.closing_units == 14


def test_units_leaving_mid_period_stop_counting_when_they_leave():
    period = rules.check_period(*SEPTEMBER)
    shipped = datetime(2026, 9, 20, 6, tzinfo=UTC)  # 10.75 days before the end
    moved = rules.moved_unit_seconds([(-3, period.seconds_left(shipped))])
    line = _line(10, moved, "0.0500", units_out=3)
    assert line.unit_days == Decimal("267.7500")  # 300 - 3 x 10.75
    assert line.amount == Decimal("13.39")  # 13.3875 half-up
    assert line.closing_units == 7


def test_amounts_round_half_up_to_cents_and_unit_days_to_four_decimals():
    assert rules.fee_amount(Decimal("10.5000"), Decimal("0.0500")) == Decimal("0.53")
    assert rules.fee_amount(Decimal("0.1000"), Decimal("0.0250")) == Decimal("0.00")
    assert rules.unit_days(1) == Decimal("0.0000")  # one unit-second
    assert rules.unit_days(5) == Decimal("0.0001")  # 0.0000578... rounds up
    assert rules.unit_days(DAY * 3 // 2) == Decimal("1.5000")


def test_movement_times_count_in_whole_seconds():
    period = rules.check_period(*SEPTEMBER)
    late = datetime(2026, 9, 30, 23, 59, 59, 600_000, tzinfo=UTC)
    assert period.seconds_left(late) == 1


def test_the_totals_are_the_sums_of_the_printed_lines():
    lines = [_line(10, 0, "0.0500"), _line(0, 2 * (5 * DAY + DAY // 4), "0.0500")]
    totals = rules.totals(lines)
    assert [line.amount for line in lines] == [Decimal("15.00"), Decimal("0.53")]
    assert totals.unit_days == Decimal("310.5000")
    assert totals.amount == Decimal("15.53")


def test_a_period_is_forward_at_most_a_year_and_zoned():
    start, _ = SEPTEMBER
    with pytest.raises(DomainError) as backwards:
        rules.check_period(start, start)
    assert (backwards.value.code, backwards.value.field) == (ErrorCode.INVALID, "periodTo")
    with pytest.raises(DomainError) as long:
        rules.check_period(start, start + timedelta(days=367))
    assert long.value.field == "periodTo"
    assert rules.check_period(start, start + timedelta(days=366)).seconds == 366 * DAY
    with pytest.raises(DomainError):
        rules.check_period(start.replace(tzinfo=None), start.replace(tzinfo=None) + timedelta(1))
    shanghai = timezone(timedelta(hours=8))
    local = rules.check_period(datetime(2026, 9, 1, 8, tzinfo=shanghai), SEPTEMBER[1])
    assert local.start == SEPTEMBER[0]  # the same moment, in UTC


def test_a_line_shows_only_when_held_or_moved():
    assert rules.counts(_line(0, 0, "0.0500")) is False
    assert rules.counts(_line(0, 0, "0.0500", units_in=1, units_out=1)) is True

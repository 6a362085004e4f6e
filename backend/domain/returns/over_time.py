"""Return rate over time: the calendar buckets (UTC days, ISO weeks from Monday, calendar
months) a filter's period is cut into, every one listed, at most MAX_BUCKETS of them.

The figures per bucket are SQL aggregates (persistence/queries/analytics.py groups rows
by the same bucket start); this module only says which buckets there are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from backend.domain.errors import DomainError, ErrorCode

MAX_BUCKETS = 400


class Interval(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"  # ISO weeks, Monday to Sunday
    MONTH = "MONTH"


def bucket_start(moment: datetime | date, interval: Interval) -> datetime:
    """The start (UTC midnight) of the bucket holding `moment`."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        day = moment.date()
    else:
        day = moment
    if interval is Interval.WEEK:
        day -= timedelta(days=day.weekday())
    elif interval is Interval.MONTH:
        day = day.replace(day=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def next_bucket(start: datetime, interval: Interval) -> datetime:
    if interval is Interval.DAY:
        return start + timedelta(days=1)
    if interval is Interval.WEEK:
        return start + timedelta(days=7)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def too_many(interval: Interval) -> DomainError:
    return DomainError(
        ErrorCode.INVALID,
        f"The period holds more than {MAX_BUCKETS} {interval.lower()}s; narrow createdFrom"
        " and createdTo or choose a longer interval.",
        "interval",
    )


def buckets(first: datetime, end: datetime, interval: Interval) -> list[datetime]:
    """Every bucket start from the one holding `first` to the one holding the last moment
    before `end` (exclusive), in order; more than MAX_BUCKETS are refused."""
    if end <= first:
        return []
    found: list[datetime] = []
    current = bucket_start(first, interval)
    while current < end:
        if len(found) == MAX_BUCKETS:
            raise too_many(interval)
        found.append(current)
        current = next_bucket(current, interval)
    return found

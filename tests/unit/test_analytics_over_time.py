"""The calendar buckets of return rate over time: UTC days, ISO weeks, months; at most 400."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.over_time import (
    MAX_BUCKETS,
    Interval,
    bucket_start,
    buckets,
    next_bucket,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_a_moment_falls_in_the_utc_bucket_of_its_instant():
    # Sunday 2 March 2025, 01:00 in UTC+8 is Saturday 1 March 17:00 UTC
    east = datetime(2025, 3, 2, 1, tzinfo=timezone(timedelta(hours=8)))
    assert bucket_start(east, Interval.DAY) == utc(2025, 3, 1)
    assert bucket_start(east, Interval.WEEK) == utc(2025, 2, 24)  # the Monday before
    assert bucket_start(east, Interval.MONTH) == utc(2025, 3, 1)
    assert bucket_start(utc(2025, 3, 3, 23, 59), Interval.WEEK) == utc(2025, 3, 3)  # a Monday


def test_months_roll_over_the_year():
    assert next_bucket(utc(2025, 12, 1), Interval.MONTH) == utc(2026, 1, 1)
    assert buckets(utc(2025, 11, 15), utc(2026, 2, 1), Interval.MONTH) == [
        utc(2025, 11, 1),
        utc(2025, 12, 1),
        utc(2026, 1, 1),
    ]


def test_the_last_bucket_holds_the_last_moment_before_the_end():
    assert buckets(utc(2025, 3, 3), utc(2025, 3, 10), Interval.WEEK) == [utc(2025, 3, 3)]
    assert buckets(utc(2025, 3, 3), utc(2025, 3, 10, 0, 1), Interval.WEEK) == [
        utc(2025, 3, 3),
        utc(2025, 3, 10),
    ]
    assert buckets(utc(2025, 3, 3), utc(2025, 3, 3), Interval.DAY) == []


def test_at_most_400_buckets():
    start = utc(2025, 1, 1)
    assert len(buckets(start, start + timedelta(days=MAX_BUCKETS), Interval.DAY)) == 400
    with pytest.raises(DomainError) as refused:
        buckets(start, start + timedelta(days=MAX_BUCKETS, seconds=1), Interval.DAY)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "interval")

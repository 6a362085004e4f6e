"""Repeated failed sign-ins lock the account for a while, longer each time."""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_ATTEMPTS = 5
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(hours=1)


def lock_until(failed_attempts: int, now: datetime) -> datetime | None:
    """After FREE_ATTEMPTS failures each further failure locks, doubling up to an hour."""
    if failed_attempts < FREE_ATTEMPTS:
        return None
    doublings = min(failed_attempts - FREE_ATTEMPTS, 10)
    lock: timedelta = min(FIRST_LOCK * (2**doublings), LONGEST_LOCK)
    return now + lock


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now

"""Database failures the services react to, translated from driver exceptions."""

from __future__ import annotations


class KeyAlreadyClaimed(Exception):
    """A concurrent request committed the same idempotency key first."""


class BalanceGuardTripped(Exception):
    """A database guard refused a balance change the conditional update should have caught."""

"""The vocabulary of inventory planning (GLOSSARY.md)."""

from __future__ import annotations

from enum import StrEnum


class PurchaseRequestStatus(StrEnum):
    OPEN = "OPEN"  # sent to the supplier, not shipped yet
    SHIPPED = "SHIPPED"  # the supplier shipped it (waybill recorded)
    CANCELLED = "CANCELLED"


class DemandSource(StrEnum):
    """What needed the just-in-time product."""

    ORDER = "ORDER"  # a sales order line
    EXCHANGE = "EXCHANGE"  # a replacement order for an exchange ticket


class AbcClass(StrEnum):
    A = "A"
    B = "B"
    C = "C"

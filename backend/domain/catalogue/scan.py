"""What a scanned code may be, and how raw scanner input is cleaned first."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

MAX_SCAN_LENGTH = 128


class ScanKind(StrEnum):
    PRODUCT = "PRODUCT"
    LOCATION = "LOCATION"
    WAYBILL = "WAYBILL"
    TICKET = "TICKET"  # a return ticket's number, as printed on its label
    UNKNOWN = "UNKNOWN"


def normalise(raw: str) -> str:
    """Full-width characters from an IME become ASCII; whitespace and control bytes go."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in folded if ch.isprintable() and not ch.isspace())[:MAX_SCAN_LENGTH]

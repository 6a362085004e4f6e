"""The archive export of tickets (Art. 25.2): formats and what goes in them."""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    CSV = "CSV"
    XLSX = "XLSX"

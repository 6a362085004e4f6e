"""The archive export's rules (Art. 25.2): how a value is written (formula guard, UTC
times, money, what a workbook cannot hold), the recorded filter, and who may download an
export when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from backend.domain.auth.roles import Principal, Role
from backend.domain.returns import archive
from backend.domain.returns.analytics import AnalyticsFilter
from backend.domain.returns.archive import DownloadRefusal, ExportFormat
from backend.domain.returns.archive_cells import (
    XLSX_MAX_CELL,
    csv_row,
    guarded,
    utc_text,
    xlsx_row,
    xlsx_text,
    xlsx_title,
)
from backend.domain.returns.kinds import ReturnKind, ReturnSource


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("陈晓", "陈晓"),
        ("", ""),
    ],
)
def test_text_that_would_start_a_formula_gets_an_apostrophe(given, written):
    assert guarded(given) == written


def test_a_csv_row_guards_text_and_json_only_and_writes_values_plainly():
    sheet = archive.REFUNDS  # ticket, id, at, amount, reference, note, issued by
    at = datetime(2026, 3, 1, 8, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=8)))
    row = csv_row(sheet)(["RT1", 7, at, Decimal("-12.5"), "=cmd", None, "@x"])
    assert row == ["RT1", 7, "2026-03-01T00:30:15Z", "-12.50", "'=cmd", None, "'@x"]
    events = csv_row(archive.EVENTS)
    assert events(["RT1", 1, at, "u", "NOTE", None, None, '-{"a":1}'])[-1] == '\'-{"a":1}'
    call = ["RT1", 1, at, 1, False, "NO_ANSWER", None, "", "NONE", None, "cs"]
    assert csv_row(archive.FOLLOW_UPS)(call)[4] == "false"


def test_times_are_utc_to_the_second_and_naive_ones_are_taken_as_utc():
    beijing = timezone(timedelta(hours=8))
    assert utc_text(datetime(2026, 1, 1, 7, 59, 59, 900_000, tzinfo=beijing)) == (
        "2025-12-31T23:59:59Z"
    )
    assert utc_text(datetime(2026, 1, 1, 12, 0, tzinfo=UTC)) == "2026-01-01T12:00:00Z"
    assert utc_text(datetime(2026, 1, 1, 12, 0)) == "2026-01-01T12:00:00Z"  # noqa: DTZ001


def test_a_workbook_cell_drops_control_characters_and_is_cut_at_its_limit():
    assert xlsx_text("a\x00b\x07c\td\ne") == "abc\td\ne"
    assert xlsx_text("=1") == "'=1"
    assert xlsx_text("") is None
    long = xlsx_text("字" * (XLSX_MAX_CELL + 10))
    assert long is not None
    assert len(long) == XLSX_MAX_CELL
    assert long.endswith("…")
    row = xlsx_row(archive.REFUNDS)(["RT1", 7, None, Decimal("3"), "", None, "fin"])
    assert row == ["RT1", 7, None, Decimal("3.00"), None, None, "fin"]
    assert [xlsx_title(archive.EVENTS, n) for n in (1, 2)] == ["events", "events (2)"]


def test_the_recorded_filter_reads_back_as_it_was_checked():
    given = AnalyticsFilter(
        created_from=datetime(2026, 1, 1, tzinfo=UTC),
        warehouse_code="W1",
        sku="SKU-1",
        sources=(ReturnSource.REFUSED,),
        kinds=(ReturnKind.EXCHANGE, ReturnKind.RETURN),
    )
    spec = archive.filter_spec(given)
    assert spec["createdFrom"] == "2026-01-01T00:00:00+00:00"
    assert spec["createdTo"] is None
    assert archive.filter_from_spec(spec) == given


def test_every_sheet_names_its_ticket_first_and_has_no_column_twice():
    assert [s.name for s in archive.SHEETS][:6] == [
        "tickets",
        "lines",
        "events",
        "inspections",
        "refunds",
        "follow_ups",
    ]
    for sheet in archive.SHEETS:
        assert sheet.header[0] == "ticket_number"
        assert len(set(sheet.header)) == len(sheet.header)


NOW = datetime(2026, 6, 1, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def who(role: Role, user_id: int = 1) -> Principal:
    return Principal(user_id, role.value.lower(), role, None, None)


@pytest.mark.parametrize(
    ("caller", "expires", "refusal"),
    [
        (None, LATER, DownloadRefusal.UNAUTHENTICATED),
        (who(Role.FINANCE), LATER, None),  # the requester (user 1)
        (who(Role.ADMIN, 9), LATER, None),
        (who(Role.FINANCE, 2), LATER, DownloadRefusal.FORBIDDEN),  # a colleague
        (who(Role.SUPERVISOR, 2), NOW, DownloadRefusal.FORBIDDEN),  # not told it expired
        (who(Role.WAREHOUSE), LATER, DownloadRefusal.FORBIDDEN),  # requester moved to a role
        (who(Role.FINANCE), NOW, DownloadRefusal.EXPIRED),  # that may not export
        (who(Role.ADMIN, 9), NOW - timedelta(seconds=1), DownloadRefusal.EXPIRED),
    ],
)
def test_only_the_requester_or_an_admin_downloads_until_it_expires(caller, expires, refusal):
    assert archive.download_refusal(caller, 1, expires, NOW) == refusal


def test_the_file_is_named_by_export_and_time_with_its_format():
    created = datetime(2026, 3, 1, 8, 30, 15, tzinfo=timezone(timedelta(hours=8)))
    assert archive.file_name(12, created, ExportFormat.CSV) == "tickets-12-20260301T003015Z.zip"
    assert archive.file_name(12, created, ExportFormat.XLSX).endswith(".xlsx")
    assert archive.url("abc") == "/exports/abc"

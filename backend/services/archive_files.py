"""Writing an archive export (Art. 25.2) as it is downloaded, a page of tickets at a time.

- CSV: a ZIP (deflated) written by zipfile to an unseekable sink and sent as it grows. Its
  members are sequential, so the tickets are read once per member: `tickets.csv` first,
  remembering each page's id range (a pair of ints per 1,000 tickets), then each record
  sheet page by page over the same ranges. Every file is UTF-8 with a byte-order mark, so
  Excel opens Chinese text correctly.
- XLSX: one pass; each page's tickets and records go to the worksheets of an openpyxl
  write-only workbook (each worksheet streams to its own temporary file), saved to a
  temporary file, which is then sent in chunks and deleted.

Memory stays that of a page whatever the export's size. Database reads run on the event
loop (one statement per page and sheet); formatting, compression and the workbook run in a
worker thread one step at a time, so other requests are served meanwhile.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import csv
import functools
import io
import os
import tempfile
import zipfile
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from backend.domain.returns.archive import RECORD_SHEETS, SHEETS, TICKETS, Cell, Sheet
from backend.domain.returns.archive_cells import XLSX_MAX_ROWS, csv_row, xlsx_row, xlsx_title
from backend.persistence.queries import archive as q
from backend.persistence.queries.analytics import ResolvedFilter

CHUNK = 256 * 1024  # bytes of the finished workbook sent at a time
T = TypeVar("T")
P = TypeVar("P")
Rows = Sequence[Sequence[Any]]


@dataclass
class Tally:
    """What a download has written so far."""

    tickets: int = 0


class _Worker:
    """Runs blocking steps in a thread. A step outlives a cancelled download (a thread
    cannot be stopped), so `settle` waits for the last one before cleanup."""

    def __init__(self) -> None:
        self._last: asyncio.Future[Any] | None = None

    def start(self, step: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        started = asyncio.ensure_future(asyncio.to_thread(step, *args))
        self._last = started
        return started

    async def run(self, step: Callable[..., T], *args: Any) -> T:
        result: T = await asyncio.shield(self.start(step, *args))
        return result

    async def settle(self) -> None:
        last = self._last
        if last is not None:
            if not last.done():
                await asyncio.wait([last])
            if not last.cancelled():
                last.exception()  # seen: whoever awaited it is gone or has it already


async def _overlapped(
    worker: _Worker, pages: AsyncIterator[P], write: Callable[[P], None]
) -> AsyncGenerator[None, None]:
    """Each page written in the worker while the next one is read; a turn after each
    write. One write at a time, so what it writes to needs no lock."""
    writing: asyncio.Future[None] | None = None
    async for page in pages:
        if writing is not None:
            await asyncio.shield(writing)
            yield
        writing = worker.start(write, page)
    if writing is not None:
        await asyncio.shield(writing)
        yield


# --- CSV files in a ZIP ------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """Where zipfile writes: unseekable, emptied after each page."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(self._parts[-1])

    def take(self) -> bytes:
        found = b"".join(self._parts)
        self._parts.clear()
        return found


def _member(archive: zipfile.ZipFile, sheet: Sheet, stamp: datetime) -> IO[bytes]:
    moment = stamp.astimezone(UTC).timetuple()[:6]
    info = zipfile.ZipInfo(sheet.csv_name, date_time=moment)
    info.compress_type = zipfile.ZIP_DEFLATED
    member = archive.open(info, mode="w", force_zip64=True)
    member.write(codecs.BOM_UTF8)
    _write_csv(member, lambda values: list(values), [sheet.header])
    return member


def _write_csv(member: IO[bytes], row: Callable[[Sequence[Any]], list[Any]], rows: Rows) -> None:
    text = io.StringIO()
    csv.writer(text).writerows(row(values) for values in rows)
    member.write(text.getvalue().encode("utf-8"))


async def _tickets(
    f: ResolvedFilter, up_to: int, ranges: list[tuple[int, int]], tally: Tally
) -> AsyncGenerator[Rows, None]:
    async for page in q.ticket_pages(f, up_to=up_to):
        ranges.append((page.first_id, page.last_id))
        tally.tickets += len(page.rows)
        yield page.rows


async def _records(
    sheet: Sheet, f: ResolvedFilter, ranges: list[tuple[int, int]]
) -> AsyncGenerator[Rows, None]:
    for first_id, last_id in ranges:
        yield await q.records(sheet, f, first_id, last_id)


async def csv_zip(f: ResolvedFilter, stamp: datetime, tally: Tally) -> AsyncGenerator[bytes, None]:
    """The ZIP's bytes as they are written: a chunk after each page as the compressor lets
    them out."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED)
    worker = _Worker()
    member: IO[bytes] | None = None
    try:
        up_to = await q.last_ticket_id()
        ranges: list[tuple[int, int]] = []
        for sheet in SHEETS:
            if member is not None:
                await worker.run(member.close)
            member = await worker.run(_member, archive, sheet, stamp)
            if sheet is TICKETS:
                pages = _tickets(f, up_to, ranges, tally)
            else:
                pages = _records(sheet, f, ranges)
            write = functools.partial(_write_csv, member, csv_row(sheet))
            async for _ in _overlapped(worker, pages, write):
                if chunk := sink.take():
                    yield chunk
        if member is not None:
            await worker.run(member.close)
            member = None
        await worker.run(archive.close)
        yield sink.take()
    finally:
        await worker.settle()
        if member is not None:  # a download given up half-way
            with contextlib.suppress(Exception):
                member.close()
            with contextlib.suppress(Exception):
                archive.close()


# --- one XLSX workbook -------------------------------------------------------------------


class _Book:
    """An export's workbook in openpyxl's write-only mode: a worksheet per sheet, its header
    bold and frozen; a sheet past a worksheet's row limit goes on in `events (2)` and so on.
    Money cells show two decimals."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self._parts: dict[str, tuple[Any, int, int]] = {}  # name -> worksheet, part, rows
        self._rows = {sheet.name: xlsx_row(sheet) for sheet in SHEETS}
        self._money = {
            sheet.name: [i for i, c in enumerate(sheet.columns) if c.cell is Cell.MONEY]
            for sheet in SHEETS
        }
        for sheet in SHEETS:
            self._start(sheet, 1)

    def _start(self, sheet: Sheet, part: int) -> Any:
        worksheet = self.book.create_sheet(xlsx_title(sheet, part))
        worksheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for name in sheet.header:
            cell = WriteOnlyCell(worksheet, value=name)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        self._parts[sheet.name] = (worksheet, part, 1)
        return worksheet

    def append(self, sheet: Sheet, rows: Rows) -> None:
        worksheet, part, written = self._parts[sheet.name]
        row, money = self._rows[sheet.name], self._money[sheet.name]
        for values in rows:
            if written == XLSX_MAX_ROWS:
                part += 1
                worksheet, written = self._start(sheet, part), 1
            cells = row(values)
            for i in money:
                if cells[i] is not None:
                    cell = WriteOnlyCell(worksheet, value=cells[i])
                    cell.number_format = "0.00"
                    cells[i] = cell
            worksheet.append(cells)
            written += 1
        self._parts[sheet.name] = (worksheet, part, written)

    def append_page(self, page: dict[Sheet, Rows]) -> None:
        for sheet, rows in page.items():
            self.append(sheet, rows)

    def discard(self) -> None:
        """Remove the worksheets' temporary files of a workbook never saved."""
        for worksheet in self.book.worksheets:
            with contextlib.suppress(Exception):
                worksheet.close()
            writer = getattr(worksheet, "_writer", None)
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cleanup()


async def _pages(
    f: ResolvedFilter, up_to: int, tally: Tally
) -> AsyncGenerator[dict[Sheet, Rows], None]:
    """Each page of tickets with its records, every sheet's rows."""
    async for page in q.ticket_pages(f, up_to=up_to):
        tally.tickets += len(page.rows)
        found: dict[Sheet, Rows] = {TICKETS: page.rows}
        for sheet in RECORD_SHEETS:
            found[sheet] = await q.records(sheet, f, page.first_id, page.last_id)
        yield found


def _read(file: IO[bytes]) -> bytes:
    return file.read(CHUNK)


async def xlsx(f: ResolvedFilter, tally: Tally) -> AsyncGenerator[bytes, None]:
    """The workbook's bytes, in chunks, once it is written."""
    worker = _Worker()
    handle, path = tempfile.mkstemp(prefix="ticket-export-", suffix=".xlsx")
    os.close(handle)
    book: _Book | None = None
    saved = False
    try:
        book = _Book()  # a few empty temporary files, at once
        up_to = await q.last_ticket_id()
        async for _ in _overlapped(worker, _pages(f, up_to, tally), book.append_page):
            pass
        await worker.run(book.book.save, path)
        saved = True
        with open(path, "rb") as file:  # noqa: ASYNC230 - reads go to the worker thread
            while chunk := await worker.run(_read, file):
                yield chunk
    finally:
        await worker.settle()
        if book is not None and not saved:
            book.discard()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

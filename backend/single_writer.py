"""SQLite means one writer process: a second server process on the same file refuses to start.

An exclusive advisory lock (flock) on `<database>.lock` is held for the server's life; the
operating system releases it if the process dies, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AnotherWriterRunning(RuntimeError):
    pass


class SingleWriterLock:
    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.close()
            raise AnotherWriterRunning(
                f"Another process already serves {self.path.with_suffix('')}. SQLite is the "
                "single-process mode: run one worker, or PostgreSQL (DATABASE_URL) to scale out."
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

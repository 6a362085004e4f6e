"""`python -m backend.cli import-products FILE` / `import-locations FILE`, run as an operator
would: a real process on a migrated SQLite file, judged by exit code and output."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "docs" / "samples"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "template.db"
    done = cli(path, "migrate")
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def database(migrated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "warehouse.db"
    copy.write_bytes(migrated.read_bytes())
    return copy


def cli(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{database}"}
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def test_the_sample_files_import_and_a_second_run_changes_nothing(database):
    products = cli(database, "import-products", str(SAMPLES / "products.csv"))
    locations = cli(database, "import-locations", str(SAMPLES / "locations.csv"))
    again = cli(database, "import-products", str(SAMPLES / "products.csv"))

    assert products.returncode == 0, products.stderr
    assert products.stdout.splitlines()[0].startswith("products: 4 created, 0 updated")
    assert locations.returncode == 0, locations.stderr
    assert locations.stdout.startswith("locations: 8 created")
    assert again.returncode == 0
    assert again.stdout.strip() == "products: 0 created, 0 updated, 4 unchanged"
    assert (count(database, "product"), count(database, "location")) == (4, 8)


def test_a_file_with_bad_rows_exits_1_lists_each_error_and_writes_nothing(database, tmp_path):
    bad = tmp_path / "products.csv"
    bad.write_text(
        "sku,barcodes,name_zh,name_en,category_code,category_name_zh,category_name_en,unit_price\n"
        "OK-1,6900000000101,好,Good,CAT,类,Category,1.00\n"
        "OK-2,6900000000102,好,Good,CAT,类,Category,free\n"
        "OK-3,6900000000101,好,Good,CAT,类,Category,2\n"
        "OK 4,6900000000104,好,Good,CAT,类,Category,2\n",
        encoding="utf-8",
    )

    done = cli(database, "import-products", str(bad))

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "products: 3 error(s) in 3 line(s); nothing was written",
        "line 3, column unit_price: unit_price must be a number such as 129.00",
        "line 4, column barcodes: barcode 6900000000101 is already given to SKU OK-1 on line 2",
        "line 5, column sku: sku may hold letters, digits and . _ - / only, "
        "starting with a letter or digit.",
    ]
    assert (count(database, "product"), count(database, "category")) == (0, 0)


def test_a_location_file_with_a_wrong_kind_exits_1(database, tmp_path):
    bad = tmp_path / "locations.csv"
    bad.write_text(
        "warehouse_code,warehouse_name,warehouse_kind,zone_code,zone_kind,location_code\n"
        "W9,Nine,OWN,A,SHELF,W9-A-1\n",
        encoding="utf-8",
    )

    done = cli(database, "import-locations", str(bad))

    assert done.returncode == 1
    assert "line 2, column zone_kind: zone_kind must be one of RECEIVING" in done.stdout
    assert count(database, "warehouse") == 0


def test_a_missing_or_unreadable_file_is_refused_with_exit_1(database, tmp_path):
    missing = cli(database, "import-products", str(tmp_path / "nope.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    blank = cli(database, "import-locations", str(empty))

    assert missing.returncode == 1
    assert missing.stdout.startswith("refused:")
    assert "nope.csv" in missing.stdout
    assert blank.returncode == 1
    assert blank.stdout.strip() == (
        "refused: line 1: the file is empty; its first line must name the columns"
    )

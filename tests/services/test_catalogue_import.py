"""CSV import of products: upsert by SKU, every bad row reported by line and column, all or
nothing, and the CSV reading itself (byte-order mark, quoted line breaks, bad encodings)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from backend.domain.stock.kinds import SupplyMode
from backend.persistence.models import Barcode, Category, Product, Supplier
from backend.services.catalogue_import import ImportFileError, import_products, read_csv

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "products.csv"
HEADER = "sku,barcodes,name_zh,name_en,category_code,unit_price"
JIT_HEADER = HEADER + ",supply_mode,supplier_code,supplier_name"


def write(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "products.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.fixture
async def cat(db: str) -> Category:
    return await Category.create(code="CAT", name_zh="类", name_en="Category")


async def barcodes_of(sku: str) -> list[str]:
    return sorted(await Barcode.filter(product__sku=sku).values_list("code", flat=True))


async def test_the_sample_file_creates_products_with_barcodes_categories_and_suppliers(db):
    report = await import_products(read_csv(SAMPLE))

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert report.also_created == {"categories": 3, "suppliers": 1}
    tee = await Product.get(sku="TEE-BLK-M").prefetch_related("category")
    assert tee.name_zh == "纯棉圆领T恤 黑色 M"
    assert (tee.model, tee.style, tee.colour, tee.size) == ("T100", "圆领", "黑色", "M")
    assert tee.unit_price == Decimal("79.00")
    assert tee.category.name_zh == "服装"
    assert await barcodes_of("TEE-BLK-M") == ["6901234500011", "6901234500012"]
    assert (await Product.get(sku="TEE-WHT-L")).return_window_days == 7
    flask = await Product.get(sku="FLASK-500").prefetch_related("supplier")
    assert flask.name_en == "Vacuum flask 500 ml, stainless steel"
    assert flask.supply_mode is SupplyMode.JUST_IN_TIME
    assert flask.supplier is not None
    assert flask.supplier.name == "杭州保温器具有限公司"


async def test_importing_the_same_file_twice_leaves_everything_unchanged(db):
    await import_products(read_csv(SAMPLE))

    report = await import_products(read_csv(SAMPLE))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert await Product.all().count() == 4
    assert await Barcode.all().count() == 5


async def test_an_existing_sku_is_updated_and_keeps_its_barcodes_while_new_ones_are_added(
    catalogue, tmp_path
):
    path = write(
        tmp_path,
        f"{HEADER},colour\nSKU-1,6900000000001|6911111111111,新名,New name,APPAREL,109.5,白色\n",
    )

    report = await import_products(read_csv(path))

    assert report.errors == []
    assert (report.created, report.updated) == (0, 1)
    product = await Product.get(sku="SKU-1")
    assert (product.name_zh, product.unit_price, product.colour) == (
        "新名",
        Decimal("109.50"),
        "白色",
    )
    assert await barcodes_of("SKU-1") == ["6900000000001", "6911111111111"]


async def test_columns_left_out_of_the_file_keep_the_existing_values(catalogue, tmp_path):
    path = write(tmp_path, f"{HEADER}\nSKU-1,,商品1,Product 1,APPAREL,99.00\n")

    report = await import_products(read_csv(path))

    assert (report.updated, report.unchanged) == (0, 1)
    product = await Product.get(sku="SKU-1")
    assert (product.model, product.colour, product.size) == ("M1", "黑色", "M")
    assert await barcodes_of("SKU-1") == ["6900000000001"]


async def test_every_bad_cell_is_reported_with_its_line_and_column_and_nothing_is_written(
    cat, tmp_path
):
    path = write(
        tmp_path,
        f"{HEADER},return_window_days,supply_mode,supplier_code\n"
        "OK-1,690001,好,Good,CAT,1.00,,,\n"
        "bad sku,690002,,Bad,CAT,12.345,400,,\n"
        "OK-2,690003,好,Good,CAT,-1,x,SOMETIMES,\n"
        "OK-3,690004,好,Good,CAT,abc,,JUST_IN_TIME,\n",
    )

    report = await import_products(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [
        (3, "sku"),
        (3, "name_zh"),
        (3, "unit_price"),
        (3, "return_window_days"),
        (4, "unit_price"),
        (4, "return_window_days"),
        (4, "supply_mode"),
        (5, "unit_price"),
        (5, "supplier_code"),
    ]
    messages = {(e.line, e.column): e.message for e in report.errors}
    assert "2 decimal places" in messages[(3, "unit_price")]
    assert "between 0 and 365" in messages[(3, "return_window_days")]
    assert "negative" in messages[(4, "unit_price")]
    assert "STOCKED, JUST_IN_TIME" in messages[(4, "supply_mode")]
    assert "required for JUST_IN_TIME" in messages[(5, "supplier_code")]
    assert await Product.all().count() == 0
    assert await Barcode.all().count() == 0


async def test_a_barcode_that_belongs_to_another_product_is_a_row_error(catalogue, tmp_path):
    path = write(tmp_path, f"{HEADER}\nNEW-1,6900000000002,新,New,APPAREL,5\n")

    report = await import_products(read_csv(path))

    assert report.errors == [(2, "barcodes", "barcode 6900000000002 already belongs to SKU SKU-2")]
    assert not await Product.exists(sku="NEW-1")


async def test_a_repeated_sku_or_a_barcode_shared_by_two_skus_in_one_file_is_a_row_error(
    cat, tmp_path
):
    path = write(
        tmp_path,
        f"{JIT_HEADER}\nA-1,111,甲,A,CAT,1,,,\nB-1,222|111,乙,B,CAT,1,,,\nA-1,333,甲,A,CAT,1,,,\n",
    )

    report = await import_products(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [(3, "barcodes"), (4, "sku")]
    assert "line 2" in report.errors[0].message
    assert "line 2" in report.errors[1].message


async def test_unknown_categories_and_suppliers_need_names_to_be_created(db, tmp_path):
    path = write(
        tmp_path,
        f"{JIT_HEADER}\n"
        "A-1,111,甲,A,NEWCAT,1,JUST_IN_TIME,NOSUCH,\n"
        "B-1,222,乙,B,NEWCAT,1,JUST_IN_TIME,SUP-1,供应商一\n",
    )

    report = await import_products(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [
        (2, "category_name_zh"),
        (2, "supplier_code"),
        (3, "category_name_zh"),
    ]
    assert not await Supplier.exists(code="SUP-1")


async def test_a_new_category_named_on_one_row_serves_the_rows_after_it(db, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER},category_name_zh,category_name_en\n"
        "A-1,111,甲,A,BAGS,1,箱包,Bags\n"
        "B-1,222,乙,B,BAGS,1,,\n",
    )

    report = await import_products(read_csv(path))

    assert report.errors == []
    assert await Product.filter(category__code="BAGS").count() == 2


async def test_a_new_product_needs_at_least_one_barcode(db, tmp_path):
    path = write(tmp_path, f"{HEADER},category_name_zh,category_name_en\nA-1,,甲,A,C,1,类,C\n")

    report = await import_products(read_csv(path))

    assert report.errors == [(2, "barcodes", "a new product needs at least one barcode")]


async def test_missing_unknown_and_repeated_header_columns_are_reported_on_line_1(db, tmp_path):
    path = write(tmp_path, "sku,barcodes,name_zh,name_en,unit price,sku\nA,1,甲,A,1,A\n")

    report = await import_products(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [
        (1, "unit price"),
        (1, "sku"),
        (1, "category_code"),
        (1, "unit_price"),
    ]


async def test_a_byte_order_mark_and_upper_case_headers_are_accepted(cat, tmp_path):
    path = write(tmp_path, f"{HEADER.upper()}\nA-1,111,甲,A,CAT,1\n", bom=True)

    report = await import_products(read_csv(path))

    assert report.errors == []
    assert await Product.exists(sku="A-1")


async def test_line_numbers_count_quoted_line_breaks_and_blank_lines(cat, tmp_path):
    path = write(
        tmp_path,
        f'{HEADER}\nA-1,111,"两行\n名字",A,CAT,1\n\nB-1,222,乙,B,CAT,oops\nC-1,333,丙,C,CAT,1,surplus\n',
    )

    report = await import_products(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [(5, "unit_price"), (6, "")]


async def test_a_file_that_is_empty_or_not_utf8_is_refused_as_a_whole(tmp_path):
    empty = write(tmp_path, "")
    with pytest.raises(ImportFileError, match="empty"):
        list(read_csv(empty))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(f"{HEADER}\nA-1,111,".encode() + "甲".encode("gbk") + b",A,C,1\n")
    with pytest.raises(ImportFileError, match="UTF-8"):
        list(read_csv(gbk))

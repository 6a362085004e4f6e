from typing import TYPE_CHECKING

from tortoise import fields, models

from backend.domain.inventory.kinds import AbcClass
from backend.domain.stock.kinds import SupplyMode

if TYPE_CHECKING:
    from backend.persistence.models.orders import Partner


class Category(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name_zh = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)

    class Meta:
        table = "category"


class Supplier(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    contact = fields.CharField(max_length=200, default="")
    # The partner account a just-in-time supplier reports availability and shipments with.
    partner: fields.ForeignKeyNullableRelation["Partner"] = fields.ForeignKeyField(
        "models.Partner", related_name="suppliers", null=True, on_delete=fields.RESTRICT
    )
    partner_id: int | None

    class Meta:
        table = "supplier"


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=64, unique=True)
    name_zh = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    model = fields.CharField(max_length=64, default="")  # 型号
    style = fields.CharField(max_length=64, default="")  # 款式
    colour = fields.CharField(max_length=64, default="")  # 颜色
    size = fields.CharField(max_length=32, default="")
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="products", on_delete=fields.RESTRICT
    )
    category_id: int
    unit_price = fields.DecimalField(max_digits=12, decimal_places=2)
    return_window_days = fields.IntField(default=7)
    supply_mode = fields.CharEnumField(SupplyMode, max_length=16, default=SupplyMode.STOCKED)
    supplier: fields.ForeignKeyNullableRelation[Supplier] = fields.ForeignKeyField(
        "models.Supplier", related_name="products", null=True, on_delete=fields.RESTRICT
    )
    supplier_id: int | None
    active = fields.BooleanField(default=True)
    # ABC class by consumption value, from the latest classification run (AbcRun).
    abc_class = fields.CharEnumField(AbcClass, max_length=1, null=True)
    abc_value = fields.DecimalField(max_digits=16, decimal_places=2, null=True)
    abc_classified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "product"


class Barcode(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="barcodes", on_delete=fields.CASCADE
    )
    product_id: int

    class Meta:
        table = "barcode"

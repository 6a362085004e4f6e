from typing import TYPE_CHECKING

from tortoise import fields, models

from backend.domain.orders.rules import ShipmentStatus

if TYPE_CHECKING:
    from backend.persistence.models.auth import User
    from backend.persistence.models.catalogue import Product
    from backend.persistence.models.places import Warehouse
    from backend.persistence.models.stock import StockMovement


class Partner(models.Model):
    """A partner system's organisation (shop front, ERP, courier), which owns its orders."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "partner"


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    phone = fields.CharField(max_length=32, db_index=True)
    address = fields.CharField(max_length=500, default="")
    partner: fields.ForeignKeyNullableRelation["Partner"] = fields.ForeignKeyField(
        "models.Partner", related_name="customers", null=True, on_delete=fields.RESTRICT
    )
    partner_id: int | None

    class Meta:
        table = "customer"


class SalesOrder(models.Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=64, unique=True)
    partner: fields.ForeignKeyNullableRelation["Partner"] = fields.ForeignKeyField(
        "models.Partner", related_name="orders", null=True, on_delete=fields.RESTRICT
    )
    partner_id: int | None
    customer: fields.ForeignKeyRelation["Customer"] = fields.ForeignKeyField(
        "models.Customer", related_name="orders", on_delete=fields.RESTRICT
    )
    customer_id: int
    placed_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sales_order"


class OrderLine(models.Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation["SalesOrder"] = fields.ForeignKeyField(
        "models.SalesOrder", related_name="lines", on_delete=fields.RESTRICT
    )
    order_id: int
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="order_lines", on_delete=fields.RESTRICT
    )
    product_id: int
    quantity = fields.IntField()
    unit_price_paid = fields.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        table = "order_line"


class Shipment(models.Model):
    """A parcel sent for an order, with its waybill. Kept for good, returns or not."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation["SalesOrder"] = fields.ForeignKeyField(
        "models.SalesOrder", related_name="shipments", on_delete=fields.RESTRICT
    )
    order_id: int
    waybill = fields.CharField(max_length=64, unique=True)
    courier = fields.CharField(max_length=64)
    status = fields.CharEnumField(ShipmentStatus, max_length=16)
    shipped_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="shipments", on_delete=fields.RESTRICT
    )
    created_by_id: int

    class Meta:
        table = "shipment"
        indexes = (("shipped_at",), ("order_id",))


class ShipmentLine(models.Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation["Shipment"] = fields.ForeignKeyField(
        "models.Shipment", related_name="lines", on_delete=fields.RESTRICT
    )
    shipment_id: int
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="shipment_lines", on_delete=fields.RESTRICT
    )
    product_id: int
    quantity = fields.IntField()
    # The SHIPMENT movement that took the units from a bin, None for a line a just-in-time
    # supplier shipped (the company held no stock of it).
    movement: fields.ForeignKeyNullableRelation["StockMovement"] = fields.ForeignKeyField(
        "models.StockMovement", related_name="shipment_lines", null=True, on_delete=fields.RESTRICT
    )
    movement_id: int | None
    # Kept on the line so that shipped-unit analytics read the lines alone (never the
    # ledger or the shipments): the warehouse of the movement's bin (None with no
    # movement), the shipment's time and courier.
    warehouse: fields.ForeignKeyNullableRelation["Warehouse"] = fields.ForeignKeyField(
        "models.Warehouse", related_name="shipment_lines", null=True, on_delete=fields.RESTRICT
    )
    warehouse_id: int | None
    shipped_at = fields.DatetimeField(null=True)
    courier = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "shipment_line"
        # analytics' reads, each from one index alone: a period's lines; a product's
        # lines (of a period), or every line in product order; every line in courier order
        indexes = (
            ("shipment_id", "product_id", "quantity"),
            ("shipped_at", "warehouse_id", "product_id", "courier", "quantity"),
            ("product_id", "shipped_at", "warehouse_id", "quantity"),
            ("courier", "shipped_at", "warehouse_id", "quantity"),
        )

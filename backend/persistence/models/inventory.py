"""Inventory planning tables: supplier availability and purchase requests (just-in-time
supply), reorder policies per product and warehouse, and ABC classification runs."""

from typing import TYPE_CHECKING

from tortoise import fields, models

from backend.domain.inventory.kinds import DemandSource, PurchaseRequestStatus

if TYPE_CHECKING:
    from backend.persistence.models.auth import User
    from backend.persistence.models.catalogue import Product, Supplier
    from backend.persistence.models.orders import OrderLine, SalesOrder
    from backend.persistence.models.places import Warehouse
    from backend.persistence.models.tickets import ReturnTicket


class SupplierAvailability(models.Model):
    """How many units of a product a just-in-time supplier can ship now (set by the partner)."""

    id = fields.IntField(primary_key=True)
    supplier: fields.ForeignKeyRelation["Supplier"] = fields.ForeignKeyField(
        "models.Supplier", related_name="availability", on_delete=fields.RESTRICT
    )
    supplier_id: int
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="supplier_availability", on_delete=fields.RESTRICT
    )
    product_id: int
    available = fields.IntField(default=0)
    updated_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="availability_updates", on_delete=fields.RESTRICT
    )
    updated_by_id: int
    updated_at = fields.DatetimeField()

    class Meta:
        table = "supplier_availability"
        unique_together = (("supplier", "product"),)


class PurchaseRequest(models.Model):
    """A request to a just-in-time supplier to ship a product for an order or an exchange,
    tracked until the supplier ships it."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    status = fields.CharEnumField(PurchaseRequestStatus, max_length=16)
    source = fields.CharEnumField(DemandSource, max_length=16)
    supplier: fields.ForeignKeyRelation["Supplier"] = fields.ForeignKeyField(
        "models.Supplier", related_name="purchase_requests", on_delete=fields.RESTRICT
    )
    supplier_id: int
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="purchase_requests", on_delete=fields.RESTRICT
    )
    product_id: int
    quantity = fields.IntField()
    # Whether the supplier's stated availability covered the request when it was made.
    covered = fields.BooleanField(default=True)
    order: fields.ForeignKeyNullableRelation["SalesOrder"] = fields.ForeignKeyField(
        "models.SalesOrder", related_name="purchase_requests", null=True, on_delete=fields.RESTRICT
    )
    order_id: int | None
    order_line: fields.ForeignKeyNullableRelation["OrderLine"] = fields.ForeignKeyField(
        "models.OrderLine", related_name="purchase_requests", null=True, on_delete=fields.RESTRICT
    )
    order_line_id: int | None
    ticket: fields.ForeignKeyNullableRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket",
        related_name="purchase_requests",
        null=True,
        on_delete=fields.RESTRICT,
    )
    ticket_id: int | None
    courier = fields.CharField(max_length=64, default="")
    waybill = fields.CharField(max_length=64, default="")
    note = fields.TextField(default="")
    created_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="purchase_requests", on_delete=fields.RESTRICT
    )
    created_by_id: int
    created_at = fields.DatetimeField()
    shipped_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "purchase_request"
        indexes = (("status",), ("supplier_id", "status"), ("order_id",), ("ticket_id",))


class ReorderPolicy(models.Model):
    """Reorder point and safety stock of a product in a warehouse, and whether available
    stock is at or below the point now (so an alert fires once per crossing)."""

    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="reorder_policies", on_delete=fields.RESTRICT
    )
    product_id: int
    warehouse: fields.ForeignKeyRelation["Warehouse"] = fields.ForeignKeyField(
        "models.Warehouse", related_name="reorder_policies", on_delete=fields.RESTRICT
    )
    warehouse_id: int
    reorder_point = fields.IntField()
    safety_stock = fields.IntField(default=0)
    # Days of recent demand a suggested reorder should cover.
    cover_days = fields.IntField(default=30)
    below = fields.BooleanField(default=False)
    below_since = fields.DatetimeField(null=True)
    updated_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="reorder_policies", on_delete=fields.RESTRICT
    )
    updated_by_id: int
    updated_at = fields.DatetimeField()

    class Meta:
        table = "reorder_policy"
        unique_together = (("product", "warehouse"),)
        indexes = (("warehouse_id", "below"),)


class AbcRun(models.Model):
    """One ABC classification of the products by consumption value over a period, with the
    cut-offs it used. The classes themselves are stored on the products."""

    id = fields.IntField(primary_key=True)
    period_from = fields.DatetimeField()
    period_to = fields.DatetimeField()
    cutoff_a = fields.DecimalField(max_digits=5, decimal_places=2)  # cumulative share, percent
    cutoff_b = fields.DecimalField(max_digits=5, decimal_places=2)
    total_value = fields.DecimalField(max_digits=16, decimal_places=2)
    a_products = fields.IntField()
    b_products = fields.IntField()
    c_products = fields.IntField()
    run_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="abc_runs", on_delete=fields.RESTRICT
    )
    run_by_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "abc_run"

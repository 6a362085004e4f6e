from typing import TYPE_CHECKING

from tortoise import fields, models

if TYPE_CHECKING:
    from backend.persistence.models.auth import User
    from backend.persistence.models.catalogue import Product
    from backend.persistence.models.places import Location, Warehouse

from backend.domain.stock.kinds import MovementKind


class StockBalance(models.Model):
    """Cached sum of the ledger per product and bin, updated in the movement's transaction."""

    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="balances", on_delete=fields.RESTRICT
    )
    product_id: int
    location: fields.ForeignKeyRelation["Location"] = fields.ForeignKeyField(
        "models.Location", related_name="balances", on_delete=fields.RESTRICT
    )
    location_id: int
    warehouse: fields.ForeignKeyRelation["Warehouse"] = fields.ForeignKeyField(
        "models.Warehouse", related_name="balances", on_delete=fields.RESTRICT
    )
    warehouse_id: int
    on_hand = fields.IntField(default=0)
    reserved = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stock_balance"
        unique_together = (("product", "location"),)


class StockMovement(models.Model):
    """One immutable line of the stock ledger. Never updated or deleted."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(MovementKind, max_length=32)
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="movements", on_delete=fields.RESTRICT
    )
    product_id: int
    from_location: fields.ForeignKeyNullableRelation["Location"] = fields.ForeignKeyField(
        "models.Location", related_name="movements_out", null=True, on_delete=fields.RESTRICT
    )
    from_location_id: int | None
    to_location: fields.ForeignKeyNullableRelation["Location"] = fields.ForeignKeyField(
        "models.Location", related_name="movements_in", null=True, on_delete=fields.RESTRICT
    )
    to_location_id: int | None
    quantity = fields.IntField()
    reference_type = fields.CharField(max_length=32, default="")
    reference = fields.CharField(max_length=64, default="", db_index=True)
    reason = fields.CharField(max_length=2000, default="")
    actor: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="movements", on_delete=fields.RESTRICT
    )
    actor_id: int
    corrects: fields.OneToOneNullableRelation["StockMovement"] = fields.OneToOneField(
        "models.StockMovement", related_name="correction", null=True, on_delete=fields.RESTRICT
    )
    corrects_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "stock_movement"
        # Demand per product, and what entered or left a warehouse's bins over a period
        # (covering: a custody statement reads no table rows).
        indexes = (
            ("product_id", "created_at"),
            ("to_location_id", "created_at", "product_id", "quantity"),
            ("from_location_id", "created_at", "product_id", "quantity"),
        )


class Reservation(models.Model):
    """Stock held for a business document (an order) in one bin, `quantity` being what is open."""

    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="reservations", on_delete=fields.RESTRICT
    )
    product_id: int
    location: fields.ForeignKeyRelation["Location"] = fields.ForeignKeyField(
        "models.Location", related_name="reservations", on_delete=fields.RESTRICT
    )
    location_id: int
    reference = fields.CharField(max_length=64, db_index=True)
    quantity = fields.IntField(default=0)
    created_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="reservations", on_delete=fields.RESTRICT
    )
    created_by_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reservation"
        unique_together = (("product", "location", "reference"),)

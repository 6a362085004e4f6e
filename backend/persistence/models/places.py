from tortoise import fields, models

from backend.domain.stock.kinds import WarehouseKind, ZoneKind


class Warehouse(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(WarehouseKind, max_length=32)
    address = fields.CharField(max_length=500, default="")
    custodian = fields.CharField(max_length=200, default="")  # for consignment custody
    custody_fee_per_unit_day = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "warehouse"


class Zone(models.Model):
    id = fields.IntField(primary_key=True)
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="zones", on_delete=fields.RESTRICT
    )
    warehouse_id: int
    code = fields.CharField(max_length=64)
    kind = fields.CharEnumField(ZoneKind, max_length=16)
    name = fields.CharField(max_length=200, default="")

    class Meta:
        table = "zone"
        unique_together = (("warehouse", "code"),)


class Location(models.Model):
    """A bin: the smallest place stock is booked to, with a scannable code."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    zone: fields.ForeignKeyRelation[Zone] = fields.ForeignKeyField(
        "models.Zone", related_name="locations", on_delete=fields.RESTRICT
    )
    zone_id: int
    # Copied from the zone so stock queries filter by warehouse without a join.
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "models.Warehouse", related_name="locations", on_delete=fields.RESTRICT
    )
    warehouse_id: int
    zone_kind = fields.CharEnumField(ZoneKind, max_length=16)
    name = fields.CharField(max_length=200, default="")
    active = fields.BooleanField(default=True)

    class Meta:
        table = "location"

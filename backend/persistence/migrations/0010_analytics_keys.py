from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# Rows made before the columns get what analytics used to look up per row: a return line
# the first (by name) courier of its order's shipments carrying its product; a shipment
# line the warehouse of the bin its SHIPMENT movement left, its shipment's time and
# courier; a ticket the seconds of each
# cycle-time stage between its milestones (domain/returns/milestones.py). The unary plus
# keeps SQLite from reading a product's every shipment line for each return line (its
# product index) rather than the few of the ticket's order.
BACKFILL = (
    """
UPDATE return_line SET courier = (
  SELECT MIN(s.courier) FROM return_ticket t
    JOIN shipment s ON s.order_id = t.order_id
    JOIN shipment_line sl ON sl.shipment_id = s.id AND +sl.product_id = return_line.product_id
   WHERE t.id = return_line.ticket_id)
""",
    """
UPDATE shipment_line SET warehouse_id = (
  SELECT l.warehouse_id FROM stock_movement m JOIN location l ON l.id = m.from_location_id
   WHERE m.id = shipment_line.movement_id)
 WHERE movement_id IS NOT NULL
""",
    """
UPDATE shipment_line SET
  shipped_at = (SELECT s.shipped_at FROM shipment s WHERE s.id = shipment_line.shipment_id),
  courier = (SELECT s.courier FROM shipment s WHERE s.id = shipment_line.shipment_id)
""",
)


SPANS = {
    "seconds_to_decision": ("created_at", "decided_at"),
    "seconds_arrival_to_qc": ("arrived_at", "qc_inspected_at"),
    "seconds_qc_to_refund": ("qc_inspected_at", "first_refund_at"),
    "seconds_whole": ("created_at", "closed_at"),
}


def stage_seconds(dialect: str) -> str:
    def span(first: str, second: str) -> str:
        if dialect == "postgres":
            return f"EXTRACT(EPOCH FROM {second} - {first})"
        return f"(julianday({second}) - julianday({first})) * 86400.0"

    sets = ", ".join(f"{column} = {span(*moments)}" for column, moments in SPANS.items())
    return f"UPDATE return_ticket SET {sets}"


async def backfill(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    for sql in (*BACKFILL, stage_seconds(client.capabilities.dialect)):
        await client.execute_query(sql)

class Migration(migrations.Migration):
    dependencies = [('models', '0009_planning_and_archive')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ReturnLine',
            name='courier',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddIndex(
            model_name='ReturnLine',
            index=Index(fields=['ticket_id', 'product_id', 'courier', 'quantity']),
        ),
        ops.RemoveIndex(
            model_name='ReturnTicket',
            name=None,
            fields=['created_at', 'warehouse_id', 'status'],
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='seconds_arrival_to_qc',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='seconds_qc_to_refund',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='seconds_to_decision',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='seconds_whole',
            field=fields.FloatField(null=True),
        ),
        ops.AddIndex(
            model_name='ReturnTicket',
            index=Index(fields=['created_at', 'warehouse_id', 'status', 'reason_id', 'source', 'kind']),
        ),
        ops.AddIndex(
            model_name='ReturnTicket',
            index=Index(fields=['seconds_to_decision']),
        ),
        ops.AddIndex(
            model_name='ReturnTicket',
            index=Index(fields=['seconds_arrival_to_qc']),
        ),
        ops.AddIndex(
            model_name='ReturnTicket',
            index=Index(fields=['seconds_qc_to_refund']),
        ),
        ops.AddIndex(
            model_name='ReturnTicket',
            index=Index(fields=['seconds_whole']),
        ),
        ops.AddField(
            model_name='ShipmentLine',
            name='courier',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='ShipmentLine',
            name='shipped_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ShipmentLine',
            name='warehouse',
            field=fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', null=True, db_constraint=True, to_field='id', related_name='shipment_lines', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='ShipmentLine',
            index=Index(fields=['shipped_at', 'warehouse_id', 'product_id', 'courier', 'quantity']),
        ),
        ops.AddIndex(
            model_name='ShipmentLine',
            index=Index(fields=['product_id', 'shipped_at', 'warehouse_id', 'quantity']),
        ),
        ops.AddIndex(
            model_name='ShipmentLine',
            index=Index(fields=['courier', 'shipped_at', 'warehouse_id', 'quantity']),
        ),
        ops.RunPython(backfill),
    ]

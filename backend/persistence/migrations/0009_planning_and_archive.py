from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.domain.inventory.kinds import AbcClass, DemandSource, PurchaseRequestStatus
from backend.domain.returns.archive import ExportFormat
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# Tickets made before the milestone columns get them from their history.
BACKFILL = """
UPDATE return_ticket SET
  decided_at = (SELECT MIN(e.at) FROM ticket_event e WHERE e.ticket_id = return_ticket.id
                AND e.action IN ('APPROVE', 'DECLINE')),
  arrived_at = (SELECT MIN(e.at) FROM ticket_event e WHERE e.ticket_id = return_ticket.id
                AND e.to_status = 'RECEIVED'),
  qc_inspected_at = (SELECT MIN(e.at) FROM ticket_event e WHERE e.ticket_id = return_ticket.id
                     AND e.action = 'INSPECT_QC'),
  first_refund_at = (SELECT MIN(r.at) FROM refund r WHERE r.ticket_id = return_ticket.id),
  closed_at = CASE WHEN status = 'CLOSED' THEN
                (SELECT MAX(e.at) FROM ticket_event e WHERE e.ticket_id = return_ticket.id
                 AND e.to_status = 'CLOSED') END
"""


async def backfill_milestones(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await schema_editor.client.execute_query(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [('models', '0008_corrective_actions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AbcRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('period_to', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cutoff_a', fields.DecimalField(max_digits=5, decimal_places=2)),
                ('cutoff_b', fields.DecimalField(max_digits=5, decimal_places=2)),
                ('total_value', fields.DecimalField(max_digits=16, decimal_places=2)),
                ('a_products', fields.IntField()),
                ('b_products', fields.IntField()),
                ('c_products', fields.IntField()),
                ('run_by', fields.ForeignKeyField('models.User', source_field='run_by_id', db_constraint=True, to_field='id', related_name='abc_runs', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'abc_run', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One ABC classification of the products by consumption value over a period, with the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PurchaseRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('status', fields.CharEnumField(description='OPEN: OPEN\nSHIPPED: SHIPPED\nCANCELLED: CANCELLED', enum_type=PurchaseRequestStatus, max_length=16)),
                ('source', fields.CharEnumField(description='ORDER: ORDER\nEXCHANGE: EXCHANGE', enum_type=DemandSource, max_length=16)),
                ('supplier', fields.ForeignKeyField('models.Supplier', source_field='supplier_id', db_constraint=True, to_field='id', related_name='purchase_requests', on_delete=OnDelete.RESTRICT)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='purchase_requests', on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField()),
                ('covered', fields.BooleanField(default=True)),
                ('order', fields.ForeignKeyField('models.SalesOrder', source_field='order_id', null=True, db_constraint=True, to_field='id', related_name='purchase_requests', on_delete=OnDelete.RESTRICT)),
                ('order_line', fields.ForeignKeyField('models.OrderLine', source_field='order_line_id', null=True, db_constraint=True, to_field='id', related_name='purchase_requests', on_delete=OnDelete.RESTRICT)),
                ('ticket', fields.ForeignKeyField('models.ReturnTicket', source_field='ticket_id', null=True, db_constraint=True, to_field='id', related_name='purchase_requests', on_delete=OnDelete.RESTRICT)),
                ('courier', fields.CharField(default='', max_length=64)),
                ('waybill', fields.CharField(default='', max_length=64)),
                ('note', fields.TextField(default='', unique=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='purchase_requests', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('shipped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'purchase_request', 'app': 'models', 'indexes': [Index(fields=['status']), Index(fields=['supplier_id', 'status']), Index(fields=['order_id']), Index(fields=['ticket_id'])], 'pk_attr': 'id', 'table_description': 'A request to a just-in-time supplier to ship a product for an order or an exchange,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReorderPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='reorder_policies', on_delete=OnDelete.RESTRICT)),
                ('warehouse', fields.ForeignKeyField('models.Warehouse', source_field='warehouse_id', db_constraint=True, to_field='id', related_name='reorder_policies', on_delete=OnDelete.RESTRICT)),
                ('reorder_point', fields.IntField()),
                ('safety_stock', fields.IntField(default=0)),
                ('cover_days', fields.IntField(default=30)),
                ('below', fields.BooleanField(default=False)),
                ('below_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('models.User', source_field='updated_by_id', db_constraint=True, to_field='id', related_name='reorder_policies', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reorder_policy', 'app': 'models', 'unique_together': (('product', 'warehouse'),), 'indexes': [Index(fields=['warehouse_id', 'below'])], 'pk_attr': 'id', 'table_description': 'Reorder point and safety stock of a product in a warehouse, and whether available'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupplierAvailability',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('supplier', fields.ForeignKeyField('models.Supplier', source_field='supplier_id', db_constraint=True, to_field='id', related_name='availability', on_delete=OnDelete.RESTRICT)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='supplier_availability', on_delete=OnDelete.RESTRICT)),
                ('available', fields.IntField(default=0)),
                ('updated_by', fields.ForeignKeyField('models.User', source_field='updated_by_id', db_constraint=True, to_field='id', related_name='availability_updates', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'supplier_availability', 'app': 'models', 'unique_together': (('supplier', 'product'),), 'pk_attr': 'id', 'table_description': 'How many units of a product a just-in-time supplier can ship now (set by the partner).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketExport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('public_id', fields.CharField(unique=True, max_length=64)),
                ('format', fields.CharEnumField(description='CSV: CSV\nXLSX: XLSX', enum_type=ExportFormat, max_length=8)),
                ('filter_spec', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('requested_by', fields.ForeignKeyField('models.User', source_field='requested_by_id', db_constraint=True, to_field='id', related_name='ticket_exports', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('downloads', fields.IntField(default=0)),
                ('last_downloaded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tickets_exported', fields.IntField(null=True)),
            ],
            options={'table': 'ticket_export', 'app': 'models', 'indexes': [Index(fields=['requested_by_id'])], 'pk_attr': 'id', 'table_description': 'An export of tickets for a filter: its unguessable id makes the download URL, which'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Inspection',
            index=Index(fields=['line_id']),
        ),
        ops.AddField(
            model_name='Supplier',
            name='partner',
            field=fields.ForeignKeyField('models.Partner', source_field='partner_id', null=True, db_constraint=True, to_field='id', related_name='suppliers', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Product',
            name='abc_class',
            field=fields.CharEnumField(null=True, description='A: A\nB: B\nC: C', enum_type=AbcClass, max_length=1),
        ),
        ops.AddField(
            model_name='Product',
            name='abc_classified_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Product',
            name='abc_value',
            field=fields.DecimalField(null=True, max_digits=16, decimal_places=2),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='arrived_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='closed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='decided_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='first_refund_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ReturnTicket',
            name='qc_inspected_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='ReturnTicket',
            index=Index(fields=['created_at', 'warehouse_id', 'status']),
        ),
        ops.AddIndex(
            model_name='Shipment',
            index=Index(fields=['shipped_at']),
        ),
        ops.AddIndex(
            model_name='Shipment',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='StockMovement',
            index=Index(fields=['product_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='StockMovement',
            index=Index(fields=['to_location_id', 'created_at', 'product_id', 'quantity']),
        ),
        ops.AddIndex(
            model_name='StockMovement',
            index=Index(fields=['from_location_id', 'created_at', 'product_id', 'quantity']),
        ),
        ops.AlterField(
            model_name='ShipmentLine',
            name='movement',
            field=fields.ForeignKeyField('models.StockMovement', source_field='movement_id', null=True, db_constraint=True, to_field='id', related_name='shipment_lines', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='ShipmentLine',
            index=Index(fields=['shipment_id', 'product_id', 'quantity']),
        ),
        ops.RunPython(backfill_milestones),
    ]

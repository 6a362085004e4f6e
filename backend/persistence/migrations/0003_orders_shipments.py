from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.domain.orders.rules import ShipmentStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_ledger_guards')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.SalesOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.RESTRICT)),
                ('waybill', fields.CharField(unique=True, max_length=64)),
                ('courier', fields.CharField(max_length=64)),
                ('status', fields.CharEnumField(description='SHIPPED: SHIPPED\nDELIVERED: DELIVERED', enum_type=ShipmentStatus, max_length=16)),
                ('shipped_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'shipment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A parcel sent for an order, with its waybill. Kept for good, returns or not.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='shipment_lines', on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField()),
                ('movement', fields.ForeignKeyField('models.StockMovement', source_field='movement_id', db_constraint=True, to_field='id', related_name='shipment_lines', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'shipment_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

"""Corrective and preventive actions (Art. 25.3): the action, its link tables and its
history, which is append-only (a database guard, as for ticket_event in 0006)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.domain.returns.corrective_actions import CorrectiveMove, CorrectiveStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER corrective_action_event_append_only_update
    BEFORE UPDATE ON corrective_action_event
    BEGIN SELECT RAISE(ABORT, 'corrective_action_event is append-only'); END""",
    """CREATE TRIGGER corrective_action_event_append_only_delete
    BEFORE DELETE ON corrective_action_event
    BEGIN SELECT RAISE(ABORT, 'corrective_action_event is append-only'); END""",
]
APPEND_ONLY_POSTGRES = [
    """CREATE OR REPLACE FUNCTION corrective_action_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'corrective_action_event is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER corrective_action_event_append_only BEFORE UPDATE OR DELETE
    ON corrective_action_event FOR EACH ROW EXECUTE FUNCTION corrective_action_event_append_only()""",
    "CREATE INDEX IF NOT EXISTS idx_corrective_action_reason_action"
    " ON corrective_action_reason (corrective_action_id)",
    "CREATE INDEX IF NOT EXISTS idx_corrective_action_product_action"
    " ON corrective_action_product (corrective_action_id)",
    "CREATE INDEX IF NOT EXISTS idx_corrective_action_ticket_action"
    " ON corrective_action_ticket (corrective_action_id)",
]


async def add_guards(apps, schema_editor) -> None:
    sqlite = schema_editor.DIALECT == "sqlite"
    for statement in APPEND_ONLY_SQLITE if sqlite else APPEND_ONLY_POSTGRES:
        await schema_editor.client.execute_query(statement)


class Migration(migrations.Migration):
    dependencies = [('models', '0007_follow_up')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CorrectiveAction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('status', fields.CharEnumField(description='PROPOSED: PROPOSED\nSENT_BACK: SENT_BACK\nMANAGER_APPROVED: MANAGER_APPROVED\nDIRECTOR_APPROVED: DIRECTOR_APPROVED\nIMPLEMENTED: IMPLEMENTED\nVERIFIED: VERIFIED', enum_type=CorrectiveStatus, max_length=24)),
                ('root_cause', fields.TextField(unique=False)),
                ('action', fields.TextField(unique=False)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='owned_corrective_actions', on_delete=OnDelete.RESTRICT)),
                ('due_date', fields.DateField()),
                ('proposed_by', fields.ForeignKeyField('models.User', source_field='proposed_by_id', db_constraint=True, to_field='id', related_name='proposed_corrective_actions', on_delete=OnDelete.RESTRICT)),
                ('proposed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('implemented_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('effect_note', fields.TextField(default='', unique=False)),
                ('effect', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('version', fields.IntField(default=1)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'corrective_action', 'app': 'models', 'indexes': [Index(fields=['status']), Index(fields=['owner_id'])], 'pk_attr': 'id', 'table_description': 'One corrective or preventive action: root cause, the action, its owner and due date,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CorrectiveActionEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('corrective_action', fields.ForeignKeyField('models.CorrectiveAction', source_field='corrective_action_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', db_constraint=True, to_field='id', related_name='corrective_action_events', on_delete=OnDelete.RESTRICT)),
                ('move', fields.CharEnumField(description='PROPOSE: PROPOSE\nAPPROVE: APPROVE\nSEND_BACK: SEND_BACK\nRESUBMIT: RESUBMIT\nMARK_IMPLEMENTED: MARK_IMPLEMENTED\nVERIFY: VERIFY', enum_type=CorrectiveMove, max_length=24)),
                ('from_status', fields.CharEnumField(null=True, description='PROPOSED: PROPOSED\nSENT_BACK: SENT_BACK\nMANAGER_APPROVED: MANAGER_APPROVED\nDIRECTOR_APPROVED: DIRECTOR_APPROVED\nIMPLEMENTED: IMPLEMENTED\nVERIFIED: VERIFIED', enum_type=CorrectiveStatus, max_length=24)),
                ('to_status', fields.CharEnumField(description='PROPOSED: PROPOSED\nSENT_BACK: SENT_BACK\nMANAGER_APPROVED: MANAGER_APPROVED\nDIRECTOR_APPROVED: DIRECTOR_APPROVED\nIMPLEMENTED: IMPLEMENTED\nVERIFIED: VERIFIED', enum_type=CorrectiveStatus, max_length=24)),
                ('note', fields.TextField(default='', unique=False)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'corrective_action_event', 'app': 'models', 'indexes': [Index(fields=['corrective_action_id'])], 'pk_attr': 'id', 'table_description': "One step of an action's history (append-only): who, when, which move, from and to"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CorrectiveActionProduct',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('corrective_action', fields.ForeignKeyField('models.CorrectiveAction', source_field='corrective_action_id', db_constraint=True, to_field='id', related_name='product_links', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='corrective_action_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'corrective_action_product', 'app': 'models', 'unique_together': (('corrective_action_id', 'product_id'),), 'pk_attr': 'id', 'table_description': 'A product the action is about.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CorrectiveActionReason',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('corrective_action', fields.ForeignKeyField('models.CorrectiveAction', source_field='corrective_action_id', db_constraint=True, to_field='id', related_name='reason_links', on_delete=OnDelete.CASCADE)),
                ('reason', fields.ForeignKeyField('models.ReturnReason', source_field='reason_id', db_constraint=True, to_field='id', related_name='corrective_action_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'corrective_action_reason', 'app': 'models', 'unique_together': (('corrective_action_id', 'reason_id'),), 'pk_attr': 'id', 'table_description': 'A return reason the action is about.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CorrectiveActionTicket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('corrective_action', fields.ForeignKeyField('models.CorrectiveAction', source_field='corrective_action_id', db_constraint=True, to_field='id', related_name='ticket_links', on_delete=OnDelete.CASCADE)),
                ('ticket', fields.ForeignKeyField('models.ReturnTicket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='corrective_action_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'corrective_action_ticket', 'app': 'models', 'unique_together': (('corrective_action_id', 'ticket_id'),), 'pk_attr': 'id', 'table_description': 'A return ticket given as an example of the problem.'},
            bases=['Model'],
        ),
        ops.RunPython(add_guards),
    ]

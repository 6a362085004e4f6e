from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.domain.returns.follow_up import FollowUpOutcome, NewProblem
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_ticket_guards')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FollowUpCall',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.ReturnTicket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='follow_up_calls', on_delete=OnDelete.RESTRICT)),
                ('attempt', fields.SmallIntField()),
                ('reached', fields.BooleanField()),
                ('outcome', fields.CharEnumField(description='REACHED: REACHED\nNO_ANSWER: NO_ANSWER\nUNREACHABLE: UNREACHABLE', enum_type=FollowUpOutcome, max_length=16)),
                ('satisfaction', fields.SmallIntField(null=True)),
                ('feedback', fields.TextField(default='', unique=False)),
                ('new_problem', fields.CharEnumField(default=NewProblem.NONE, description='NONE: NONE\nREOPEN: REOPEN\nNEW_TICKET: NEW_TICKET', enum_type=NewProblem, max_length=16)),
                ('linked_ticket', fields.ForeignKeyField('models.ReturnTicket', source_field='linked_ticket_id', null=True, db_constraint=True, to_field='id', related_name='raised_in_follow_ups', on_delete=OnDelete.RESTRICT)),
                ('caller', fields.ForeignKeyField('models.User', source_field='caller_id', db_constraint=True, to_field='id', related_name='follow_up_calls', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'follow_up_call', 'app': 'models', 'indexes': [Index(fields=['ticket_id']), Index(fields=['linked_ticket_id'])], 'pk_attr': 'id', 'table_description': 'One follow-up call to the customer, failed attempts included.'},
            bases=['Model'],
        ),
    ]

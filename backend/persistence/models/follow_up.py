"""Follow-up calls (回访, Art. 25.1): one row per call, the failed attempts too."""

from typing import TYPE_CHECKING

from tortoise import fields, models

from backend.domain.returns.follow_up import FollowUpOutcome, NewProblem

if TYPE_CHECKING:
    from backend.persistence.models.auth import User
    from backend.persistence.models.tickets import ReturnTicket


class FollowUpCall(models.Model):
    """One follow-up call to the customer, failed attempts included.

    Reached or not (attempt number), the satisfaction 1-5 when reached, feedback, and a new
    problem raised (a reopen, or the linked ticket it opened)."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="follow_up_calls", on_delete=fields.RESTRICT
    )
    ticket_id: int
    attempt = fields.SmallIntField()
    reached = fields.BooleanField()
    outcome = fields.CharEnumField(FollowUpOutcome, max_length=16)
    satisfaction = fields.SmallIntField(null=True)
    feedback = fields.TextField(default="")
    new_problem = fields.CharEnumField(NewProblem, max_length=16, default=NewProblem.NONE)
    linked_ticket: fields.ForeignKeyNullableRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket",
        related_name="raised_in_follow_ups",
        null=True,
        on_delete=fields.RESTRICT,
    )
    linked_ticket_id: int | None
    caller: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="follow_up_calls", on_delete=fields.RESTRICT
    )
    caller_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "follow_up_call"
        indexes = (("ticket_id",), ("linked_ticket_id",))

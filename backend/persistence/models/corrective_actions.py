"""Corrective and preventive actions (纠正预防措施, Art. 25.3): the action, its links to
reasons, products and example tickets, and its append-only history."""

from typing import TYPE_CHECKING, Any

from tortoise import fields, models

from backend.domain.returns.corrective_actions import CorrectiveMove, CorrectiveStatus

if TYPE_CHECKING:
    from backend.persistence.models.auth import User
    from backend.persistence.models.catalogue import Product
    from backend.persistence.models.returns import ReturnReason
    from backend.persistence.models.tickets import ReturnTicket


class CorrectiveAction(models.Model):
    """One corrective or preventive action: root cause, the action, its owner and due date,
    where it stands, and (once verified) the effect note and the figures it was judged on."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    status = fields.CharEnumField(CorrectiveStatus, max_length=24)
    root_cause = fields.TextField()
    action = fields.TextField()
    owner: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="owned_corrective_actions", on_delete=fields.RESTRICT
    )
    owner_id: int
    due_date = fields.DateField()
    proposed_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="proposed_corrective_actions", on_delete=fields.RESTRICT
    )
    proposed_by_id: int
    proposed_at = fields.DatetimeField()
    implemented_at = fields.DatetimeField(null=True)
    verified_at = fields.DatetimeField(null=True)
    effect_note = fields.TextField(default="")
    effect: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "corrective_action"
        indexes = (("status",), ("owner_id",))


class CorrectiveActionReason(models.Model):
    """A return reason the action is about."""

    id = fields.IntField(primary_key=True)
    corrective_action: fields.ForeignKeyRelation["CorrectiveAction"] = fields.ForeignKeyField(
        "models.CorrectiveAction", related_name="reason_links", on_delete=fields.CASCADE
    )
    corrective_action_id: int
    reason: fields.ForeignKeyRelation["ReturnReason"] = fields.ForeignKeyField(
        "models.ReturnReason", related_name="corrective_action_links", on_delete=fields.RESTRICT
    )
    reason_id: int

    class Meta:
        table = "corrective_action_reason"
        unique_together = (("corrective_action_id", "reason_id"),)


class CorrectiveActionProduct(models.Model):
    """A product the action is about."""

    id = fields.IntField(primary_key=True)
    corrective_action: fields.ForeignKeyRelation["CorrectiveAction"] = fields.ForeignKeyField(
        "models.CorrectiveAction", related_name="product_links", on_delete=fields.CASCADE
    )
    corrective_action_id: int
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="corrective_action_links", on_delete=fields.RESTRICT
    )
    product_id: int

    class Meta:
        table = "corrective_action_product"
        unique_together = (("corrective_action_id", "product_id"),)


class CorrectiveActionTicket(models.Model):
    """A return ticket given as an example of the problem."""

    id = fields.IntField(primary_key=True)
    corrective_action: fields.ForeignKeyRelation["CorrectiveAction"] = fields.ForeignKeyField(
        "models.CorrectiveAction", related_name="ticket_links", on_delete=fields.CASCADE
    )
    corrective_action_id: int
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="corrective_action_links", on_delete=fields.RESTRICT
    )
    ticket_id: int

    class Meta:
        table = "corrective_action_ticket"
        unique_together = (("corrective_action_id", "ticket_id"),)


class CorrectiveActionEvent(models.Model):
    """One step of an action's history (append-only): who, when, which move, from and to
    which state, the reason or note, and what changed."""

    id = fields.IntField(primary_key=True)
    corrective_action: fields.ForeignKeyRelation["CorrectiveAction"] = fields.ForeignKeyField(
        "models.CorrectiveAction", related_name="events", on_delete=fields.RESTRICT
    )
    corrective_action_id: int
    at = fields.DatetimeField()
    actor: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="corrective_action_events", on_delete=fields.RESTRICT
    )
    actor_id: int
    move = fields.CharEnumField(CorrectiveMove, max_length=24)
    from_status = fields.CharEnumField(CorrectiveStatus, max_length=24, null=True)
    to_status = fields.CharEnumField(CorrectiveStatus, max_length=24)
    note = fields.TextField(default="")
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "corrective_action_event"
        indexes = (("corrective_action_id",),)

from typing import TYPE_CHECKING, Any

from tortoise import fields, models

if TYPE_CHECKING:
    from backend.persistence.models.auth import User


class IdempotencyRecord(models.Model):
    """The first answer to a keyed mutation, replayed for the same key (Stripe semantics)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="idempotency_records"
    )
    user_id: int
    key = fields.CharField(max_length=255)
    operation = fields.CharField(max_length=64)
    fingerprint = fields.CharField(max_length=64)
    response: dict[str, Any] = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("user", "key"),)

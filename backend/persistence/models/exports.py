"""Recorded exports of tickets (Art. 25.2 archive): who asked for what, and each download."""

from typing import TYPE_CHECKING, Any

from tortoise import fields, models

from backend.domain.returns.archive import ExportFormat

if TYPE_CHECKING:
    from backend.persistence.models.auth import User


class TicketExport(models.Model):
    """An export of tickets for a filter: its unguessable id makes the download URL, which
    still needs the requester's (or an admin's) credentials."""

    id = fields.IntField(primary_key=True)
    public_id = fields.CharField(max_length=64, unique=True)
    format = fields.CharEnumField(ExportFormat, max_length=8)
    filter_spec: fields.JSONField[dict[str, Any]] = fields.JSONField()
    requested_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="ticket_exports", on_delete=fields.RESTRICT
    )
    requested_by_id: int
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    downloads = fields.IntField(default=0)
    last_downloaded_at = fields.DatetimeField(null=True)
    # Tickets in the last complete download.
    tickets_exported = fields.IntField(null=True)

    class Meta:
        table = "ticket_export"
        indexes = (("requested_by_id",),)

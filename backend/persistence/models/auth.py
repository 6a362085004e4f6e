from typing import TYPE_CHECKING

from tortoise import fields, models

if TYPE_CHECKING:
    from backend.persistence.models.orders import Partner

from backend.domain.auth.roles import Role


class User(models.Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=32)
    password_hash = fields.CharField(max_length=255, default="")
    partner: fields.ForeignKeyNullableRelation["Partner"] = fields.ForeignKeyField(
        "models.Partner", related_name="users", null=True, on_delete=fields.RESTRICT
    )
    partner_id: int | None
    active = fields.BooleanField(default=True)
    failed_logins = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "app_user"


class AuthToken(models.Model):
    """A sign-in session. Only the SHA-256 of the bearer token is stored."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="tokens"
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_token"


class ApiKey(models.Model):
    """A partner system key, acting as its partner user, stored only as a SHA-256 hash."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    prefix = fields.CharField(max_length=16, unique=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="api_keys", on_delete=fields.RESTRICT
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"

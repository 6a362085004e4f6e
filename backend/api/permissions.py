"""Every root field is gated by the permission table (domain.auth.permissions)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from backend.api.errors import forbidden, unauthenticated
from backend.domain.auth.permissions import is_public, may


class RoleGate(BasePermission):
    message = "Not allowed."

    async def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        operation = info.field_name
        if is_public(operation):
            return True
        principal = info.context.principal
        if principal is None:
            raise unauthenticated()
        if principal.expires_at is not None:
            from datetime import UTC, datetime

            if principal.expires_at <= datetime.now(UTC):
                raise unauthenticated()
        if not may(principal.role, operation):
            raise forbidden(operation)
        return True


GATE: list[type[BasePermission]] = [RoleGate]

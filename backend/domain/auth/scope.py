"""Object-level access: a partner sees only what belongs to its own organisation."""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain.auth.roles import Principal


@dataclass(frozen=True, slots=True)
class Scope:
    partner_id: int | None  # None: everything (staff)


def scope_of(principal: Principal) -> Scope:
    if principal.is_partner:
        # A partner user without a partner would see everything; refuse to widen.
        return Scope(partner_id=principal.partner_id if principal.partner_id is not None else -1)
    return Scope(partner_id=None)

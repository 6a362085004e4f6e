"""Object-level access: a partner sees only what belongs to its own organisation."""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain.auth.roles import Principal


@dataclass(frozen=True, slots=True)
class Scope:
    partner_id: int | None  # None: everything (staff)

    def sees(self, owner_partner_id: int | None) -> bool:
        """Whether something owned by `owner_partner_id` is visible in this scope."""
        return self.partner_id is None or owner_partner_id == self.partner_id


def scope_of(principal: Principal) -> Scope:
    if principal.is_partner:
        # A partner user without a partner would see everything; refuse to widen.
        return Scope(partner_id=principal.partner_id if principal.partner_id is not None else -1)
    return Scope(partner_id=None)

"""Just-in-time supply rules (domain/inventory/supply.py)."""

from __future__ import annotations

import pytest

from backend.domain.auth.roles import Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory import supply as rules
from backend.domain.inventory.kinds import PurchaseRequestStatus as S
from backend.domain.inventory.supply import AvailabilityItem
from backend.domain.inventory.supply import PurchaseRequestMove as Move


def test_only_an_open_request_ships_or_is_cancelled():
    assert rules.next_status(S.OPEN, Move.SHIP) is S.SHIPPED
    assert rules.next_status(S.OPEN, Move.CANCEL) is S.CANCELLED
    for status in (S.SHIPPED, S.CANCELLED):
        for move in Move:
            with pytest.raises(DomainError) as refused:
                rules.next_status(status, move)
            assert refused.value.code is ErrorCode.INVALID_TRANSITION


def test_the_suppliers_partner_ships_staff_ship_or_cancel_by_role():
    assert rules.may_move(Move.SHIP, Role.PARTNER, suppliers_partner=True)
    assert not rules.may_move(Move.SHIP, Role.PARTNER, suppliers_partner=False)
    assert not rules.may_move(Move.CANCEL, Role.PARTNER, suppliers_partner=True)
    assert rules.may_move(Move.SHIP, Role.LOGISTICS, suppliers_partner=False)
    assert not rules.may_move(Move.SHIP, Role.CUSTOMER_SERVICE, suppliers_partner=False)
    assert rules.may_move(Move.CANCEL, Role.CUSTOMER_SERVICE, suppliers_partner=False)
    assert not rules.may_move(Move.CANCEL, Role.LOGISTICS, suppliers_partner=False)


def test_availability_covers_the_whole_quantity_or_nothing():
    assert rules.covers(5, 5)
    assert not rules.covers(4, 5)
    assert rules.number(2026, 1) == "PR-2026-000001"


def test_availability_items_are_checked():
    assert rules.check_items([AvailabilityItem(" JIT-1 ", 0)]) == [AvailabilityItem("JIT-1", 0)]
    with pytest.raises(DomainError) as negative:
        rules.check_items([AvailabilityItem("JIT-1", -1)])
    assert (negative.value.code, negative.value.field) == (ErrorCode.INVALID_QUANTITY, "items.0")
    with pytest.raises(DomainError) as twice:
        rules.check_items([AvailabilityItem("A", 1), AvailabilityItem("A", 2)])
    assert twice.value.code is ErrorCode.DUPLICATE
    with pytest.raises(DomainError) as empty:
        rules.check_items([])
    assert empty.value.code is ErrorCode.REQUIRED

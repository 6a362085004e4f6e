"""The policy's rules: who pays shipping, the return window, grades, refunds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.policies import (
    Grade,
    Payer,
    Responsibility,
    check_application,
    check_refund,
    may_reject,
    place_for_grade,
    refund_due,
    shipping_fee_payer,
)
from backend.domain.stock.kinds import MovementKind, ZoneKind

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def apply(**overrides):
    args = {
        "reason_code": "WRONG_SIZE",
        "details": "too small",
        "line_count": 1,
        "delivered_at": NOW - timedelta(days=3),
        "window_days": 7,
        "now": NOW,
    }
    args.update(overrides)
    return check_application(**args)


def test_the_customer_pays_shipping_unless_the_product_is_at_fault():
    assert shipping_fee_payer(reason_is_quality=True) is Payer.MERCHANT
    assert shipping_fee_payer(reason_is_quality=False) is Payer.CUSTOMER


def test_an_application_inside_the_window_is_accepted():
    check = apply()
    assert check.overridden is False
    assert check.deadline == NOW + timedelta(days=4)


def test_an_application_on_the_last_moment_of_the_window_still_counts():
    assert apply(delivered_at=NOW - timedelta(days=7)).overridden is False


def test_past_the_window_only_with_a_recorded_reason():
    late = NOW - timedelta(days=8)
    with pytest.raises(DomainError) as refused:
        apply(delivered_at=late)
    assert refused.value.code is ErrorCode.WINDOW_EXPIRED
    assert apply(delivered_at=late, window_override_reason="VIP, approved by manager").overridden


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"reason_code": " "}, "reasonCode"), ({"line_count": 0}, "lines")],
)
def test_an_application_without_reason_or_products_is_refused(overrides, field):
    with pytest.raises(DomainError) as refused:
        apply(**overrides)
    assert (refused.value.code, refused.value.field) == (ErrorCode.MISSING_DETAILS, field)


def test_an_undelivered_order_cannot_be_returned_by_application():
    with pytest.raises(DomainError) as refused:
        apply(delivered_at=None)
    assert refused.value.code is ErrorCode.NOT_DELIVERED


def test_grades_decide_where_the_goods_go():
    assert place_for_grade(Grade.A) == (ZoneKind.SELLABLE, MovementKind.RETURN_TO_STOCK)
    assert place_for_grade(Grade.B) == (ZoneKind.REWORK, MovementKind.MOVE_TO_REWORK)
    assert place_for_grade(Grade.C) == (ZoneKind.DEFECTIVE, MovementKind.MOVE_TO_DEFECTIVE)


def test_only_customer_caused_damage_allows_a_rejection():
    assert may_reject({Responsibility.CUSTOMER, Responsibility.PRODUCT})
    assert not may_reject({Responsibility.PRODUCT, Responsibility.COURIER})
    assert not may_reject(set())


def test_the_refund_is_the_accepted_value_less_the_customers_shipping_within_what_was_paid():
    due = refund_due(
        accepted_value=Decimal("198.00"),
        shipping_fee=Decimal("12.00"),
        payer=Payer.CUSTOMER,
        paid=Decimal("250.00"),
    )
    assert due == Decimal("186.00")
    merchant = refund_due(
        accepted_value=Decimal("198.00"),
        shipping_fee=Decimal("12.00"),
        payer=Payer.MERCHANT,
        paid=Decimal("150.00"),
    )
    assert merchant == Decimal("150.00")  # never more than was paid
    nothing = refund_due(
        accepted_value=Decimal("5.00"),
        shipping_fee=Decimal("12.00"),
        payer=Payer.CUSTOMER,
        paid=Decimal("5.00"),
    )
    assert nothing == Decimal("0")


def test_partial_refunds_add_up_to_what_is_due_and_no_more():
    due = Decimal("100.00")
    assert check_refund(Decimal("60.00"), due, Decimal("0")) == Decimal("40.00")
    assert check_refund(Decimal("40.00"), due, Decimal("60.00")) == Decimal("0")
    with pytest.raises(DomainError) as refused:
        check_refund(Decimal("0.01"), due, Decimal("100.00"))
    assert refused.value.code is ErrorCode.REFUND_EXCEEDS_DUE
    with pytest.raises(DomainError):
        check_refund(Decimal("0"), due, Decimal("0"))

"""Sign-in rules: lockout after repeated failures, password rules, the permission table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.auth import lockout, passwords, permissions
from backend.domain.auth.roles import EVERYONE, STAFF, Role
from backend.domain.errors import DomainError, ErrorCode

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("failures", range(lockout.FREE_ATTEMPTS))
def test_the_first_failed_attempts_do_not_lock(failures):
    assert lockout.lock_until(failures, NOW) is None


def test_the_first_lock_lasts_thirty_seconds():
    assert lockout.lock_until(lockout.FREE_ATTEMPTS, NOW) == NOW + timedelta(seconds=30)


def test_each_further_failure_doubles_the_lock():
    locks = [lockout.lock_until(lockout.FREE_ATTEMPTS + n, NOW) - NOW for n in range(5)]
    assert locks == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]


def test_the_lock_never_exceeds_an_hour():
    assert lockout.lock_until(lockout.FREE_ATTEMPTS + 7, NOW) == NOW + timedelta(hours=1)
    for failures in (20, 100, 10_000):
        assert lockout.lock_until(failures, NOW) == NOW + timedelta(hours=1)


def test_a_lock_holds_until_its_end_and_not_after():
    until = NOW + timedelta(seconds=30)
    assert lockout.is_locked(until, NOW)
    assert not lockout.is_locked(until, until)
    assert not lockout.is_locked(until, until + timedelta(seconds=1))
    assert not lockout.is_locked(None, NOW)


def test_a_password_of_eight_characters_is_enough():
    assert passwords.check_new_password("a" * passwords.MIN_LENGTH, "alice") is None


def test_a_short_password_is_weak():
    with pytest.raises(DomainError) as refused:
        passwords.check_new_password("a" * (passwords.MIN_LENGTH - 1), "alice")
    assert refused.value.code is ErrorCode.WEAK_PASSWORD
    assert refused.value.field == "password"


def test_a_password_over_the_limit_is_too_long():
    assert passwords.check_new_password("a" * passwords.MAX_LENGTH, "alice") is None
    with pytest.raises(DomainError) as refused:
        passwords.check_new_password("a" * (passwords.MAX_LENGTH + 1), "alice")
    assert refused.value.code is ErrorCode.TOO_LONG


def test_the_user_name_is_not_a_password_in_any_case():
    with pytest.raises(DomainError) as refused:
        passwords.check_new_password("Warehouse", "warehouse")
    assert refused.value.code is ErrorCode.WEAK_PASSWORD


def test_login_is_the_only_public_operation():
    public = {op for op in permissions.PERMISSIONS if permissions.is_public(op)}
    assert public == {"login"}


def test_anyone_may_run_a_public_operation_even_signed_out():
    assert permissions.may(None, "login")
    assert all(permissions.may(role, "login") for role in Role)


def test_signed_out_callers_may_run_nothing_else():
    for op in permissions.PERMISSIONS:
        if op != "login":
            assert not permissions.may(None, op), op


def test_an_operation_missing_from_the_table_is_refused_to_everyone():
    assert not permissions.is_public("dropDatabase")
    assert not permissions.may(None, "dropDatabase")
    assert not any(permissions.may(role, "dropDatabase") for role in Role)


def test_only_admins_correct_movements_and_manage_users():
    for op in ("correctMovement", "createUser", "updateUser", "createApiKey"):
        assert {role for role in Role if permissions.may(role, op)} == {Role.ADMIN}, op


def test_shipping_is_for_admin_warehouse_and_logistics():
    allowed = {role for role in Role if permissions.may(role, "shipStock")}
    assert allowed == {Role.ADMIN, Role.WAREHOUSE, Role.LOGISTICS}


def test_partners_see_stock_levels_but_not_movements():
    assert permissions.may(Role.PARTNER, "stockLevels")
    assert not permissions.may(Role.PARTNER, "stockMovements")
    assert not permissions.may(Role.PARTNER, "scan")


def test_staff_is_everyone_but_partners():
    assert EVERYONE - STAFF == {Role.PARTNER}

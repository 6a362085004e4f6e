"""Corrective actions (Art. 25.3): the state table, who may make each move, what a proposal
must say, and the equal periods the effect is measured over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.domain.auth.roles import Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.corrective_actions import (
    PROPOSERS,
    TABLE,
    CorrectiveMove,
    CorrectiveStatus,
    check_proposal,
    check_text,
    effect_periods,
    my_moves,
    next_status,
)

S, M = CorrectiveStatus, CorrectiveMove
TODAY = date(2026, 6, 1)


def test_the_state_table_is_exactly_this():
    assert {(at, move): to for (at, move), (to, _) in TABLE.items()} == {
        (S.PROPOSED, M.APPROVE): S.MANAGER_APPROVED,
        (S.PROPOSED, M.SEND_BACK): S.SENT_BACK,
        (S.MANAGER_APPROVED, M.APPROVE): S.DIRECTOR_APPROVED,
        (S.MANAGER_APPROVED, M.SEND_BACK): S.SENT_BACK,
        (S.SENT_BACK, M.RESUBMIT): S.PROPOSED,
        (S.DIRECTOR_APPROVED, M.MARK_IMPLEMENTED): S.IMPLEMENTED,
        (S.IMPLEMENTED, M.VERIFY): S.VERIFIED,
    }
    assert PROPOSERS == {Role.SUPERVISOR, Role.ADMIN}


# (status, move) -> the roles that may make it (ADMIN everywhere, as in the whole system)
WHO = {
    (S.PROPOSED, M.APPROVE): {Role.CS_MANAGER, Role.ADMIN},
    (S.PROPOSED, M.SEND_BACK): {Role.CS_MANAGER, Role.ADMIN},
    (S.MANAGER_APPROVED, M.APPROVE): {Role.CS_DIRECTOR, Role.ADMIN},
    (S.MANAGER_APPROVED, M.SEND_BACK): {Role.CS_DIRECTOR, Role.ADMIN},
    (S.SENT_BACK, M.RESUBMIT): {Role.SUPERVISOR, Role.ADMIN},
    (S.DIRECTOR_APPROVED, M.MARK_IMPLEMENTED): {Role.SUPERVISOR, Role.ADMIN},
    (S.IMPLEMENTED, M.VERIFY): {Role.SUPERVISOR, Role.ADMIN},
}


@pytest.mark.parametrize(("at", "move"), list(WHO))
@pytest.mark.parametrize("role", list(Role))
def test_each_move_is_for_its_roles_only(at, move, role):
    if role in WHO[(at, move)]:
        assert next_status(at, move, role, is_owner=False) is TABLE[(at, move)][0]
    else:
        with pytest.raises(DomainError) as refused:
            next_status(at, move, role, is_owner=False)
        assert refused.value.code is ErrorCode.NOT_ALLOWED


def test_the_owner_may_mark_implemented_whatever_the_role_and_nothing_else():
    assert next_status(S.DIRECTOR_APPROVED, M.MARK_IMPLEMENTED, Role.WAREHOUSE, True) is (
        S.IMPLEMENTED
    )
    for at, move in WHO:
        if move is not M.MARK_IMPLEMENTED:
            with pytest.raises(DomainError):
                next_status(at, move, Role.WAREHOUSE, is_owner=True)


@pytest.mark.parametrize("at", list(S))
@pytest.mark.parametrize("move", list(M))
def test_a_move_the_table_lacks_is_an_invalid_transition(at, move):
    if (at, move) in TABLE:
        return
    with pytest.raises(DomainError) as refused:
        next_status(at, move, Role.ADMIN, is_owner=True)
    assert refused.value.code is ErrorCode.INVALID_TRANSITION


def test_my_moves_are_the_callers_buttons():
    assert my_moves(S.PROPOSED, Role.CS_MANAGER, False) == [M.APPROVE, M.SEND_BACK]
    assert my_moves(S.PROPOSED, Role.CS_DIRECTOR, False) == []
    assert my_moves(S.MANAGER_APPROVED, Role.CS_DIRECTOR, False) == [M.APPROVE, M.SEND_BACK]
    assert my_moves(S.SENT_BACK, Role.SUPERVISOR, False) == [M.RESUBMIT]
    assert my_moves(S.DIRECTOR_APPROVED, Role.QC, True) == [M.MARK_IMPLEMENTED]
    assert my_moves(S.DIRECTOR_APPROVED, Role.QC, False) == []
    assert my_moves(S.VERIFIED, Role.ADMIN, True) == []


def _proposal(**given):
    fields = {
        "root_cause": "Seams tear",
        "action": "New supplier check",
        "due_date": TODAY,
        "today": TODAY,
        "reason_codes": ["QUALITY_DEFECT"],
        "skus": [],
        "ticket_numbers": [],
    }
    fields.update(given)
    return check_proposal(**fields)


def test_a_good_proposal_is_trimmed_and_deduplicated():
    found = _proposal(
        root_cause="  Seams tear ", skus=["SKU-1", "SKU-1"], ticket_numbers=["RT1", "RT1"]
    )
    assert found.root_cause == "Seams tear"
    assert found.skus == ("SKU-1",)
    assert found.ticket_numbers == ("RT1",)


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        ({"root_cause": " "}, "rootCause", ErrorCode.REQUIRED),
        ({"action": ""}, "action", ErrorCode.REQUIRED),
        ({"root_cause": "x" * 2001}, "rootCause", ErrorCode.TOO_LONG),
        ({"action": "x" * 2001}, "action", ErrorCode.TOO_LONG),
        ({"due_date": TODAY - timedelta(days=1)}, "dueDate", ErrorCode.INVALID),
        ({"reason_codes": [], "skus": []}, "reasonCodes", ErrorCode.REQUIRED),
        ({"reason_codes": ["bad code"]}, "reasonCodes.0", ErrorCode.INVALID),
        ({"reason_codes": [f"R{n}" for n in range(51)]}, "reasonCodes", ErrorCode.INVALID),
    ],
)
def test_a_bad_proposal_is_refused_by_field(given, field, code):
    with pytest.raises(DomainError) as refused:
        _proposal(**given)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_a_product_alone_is_enough_and_a_due_date_today_is_not_past():
    assert _proposal(reason_codes=[], skus=["SKU-1"], due_date=TODAY).skus == ("SKU-1",)


def test_a_send_back_reason_is_required():
    with pytest.raises(DomainError) as refused:
        check_text("  ", "reason", required=True)
    assert refused.value.code is ErrorCode.REQUIRED
    assert check_text("", "note", required=False) == ""


def test_the_effect_periods_are_equally_long_before_the_proposal_and_after_implementation():
    proposed = datetime(2026, 3, 1, tzinfo=UTC)
    implemented = datetime(2026, 4, 1, tzinfo=UTC)
    verified = datetime(2026, 4, 11, tzinfo=UTC)
    periods = effect_periods(proposed, implemented, verified)
    assert periods.before_from == datetime(2026, 2, 19, tzinfo=UTC)
    assert periods.before_to == proposed
    assert (periods.after_from, periods.after_to) == (implemented, verified)

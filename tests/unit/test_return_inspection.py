"""The inspection rules (Art. 11-13) and whose turn a ticket is, in plain Python."""

from __future__ import annotations

import pytest

from backend.domain.auth.roles import Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import inspection as rules
from backend.domain.returns.kinds import InspectionStage, ReturnKind, ReturnSource
from backend.domain.returns.kinds import TicketStatus as S
from backend.domain.returns.policies import Grade, Responsibility
from backend.domain.returns.queues import queue_roles, waiting_for
from backend.domain.returns.workflow import flow_for

TAGS = frozenset({"SEAM", "STAIN"})
ASKED = {1: frozenset({"PACKAGING"}), 2: frozenset({"PACKAGING"})}


def check(stage, results, received=None):
    return rules.check_results(
        stage, results, received or {1: 2}, known_tags=TAGS, checklist_codes=ASKED
    )


def unit(line=1, quantity=1, passed=True, grade=Grade.A, **extra):
    return rules.UnitResult(line_id=line, quantity=quantity, passed=passed, grade=grade, **extra)


def test_a_line_may_split_into_grades_but_every_unit_is_inspected_once():
    found = check(
        InspectionStage.QC,
        [unit(), unit(passed=False, grade=Grade.C, defect_tags=("SEAM",))],
    )
    assert rules.graded_units(found) == {(1, Grade.A): 1, (1, Grade.C): 1}
    with pytest.raises(DomainError) as short:
        check(InspectionStage.QC, [unit()])
    assert short.value.code is ErrorCode.INVALID_QUANTITY
    with pytest.raises(DomainError) as twice:
        check(InspectionStage.QC, [unit(quantity=2), unit()])
    assert twice.value.code is ErrorCode.INVALID_QUANTITY


def test_every_received_line_must_be_covered():
    with pytest.raises(DomainError) as missing:
        check(InspectionStage.INITIAL, [unit(quantity=2, grade=None)], received={1: 2, 2: 1})
    assert missing.value.code is ErrorCode.INVALID_QUANTITY


@pytest.mark.parametrize(
    ("result", "code", "field"),
    [
        (unit(line=9), ErrorCode.INVALID, "results.0.lineId"),
        (unit(quantity=0), ErrorCode.INVALID_QUANTITY, "results.0.quantity"),
        (
            unit(passed=False, grade=Grade.A, defect_tags=("SEAM",)),
            ErrorCode.INVALID,
            "results.0.grade",
        ),
        (unit(passed=False, grade=Grade.C), ErrorCode.REQUIRED, "results.0.defectTags"),
        (
            unit(passed=False, grade=Grade.C, defect_tags=("MOULD",)),
            ErrorCode.INVALID,
            "results.0.defectTags",
        ),
        (
            unit(checklist=(rules.ChecklistAnswer("SMELL", True),)),
            ErrorCode.INVALID,
            "results.0.checklist",
        ),
    ],
)
def test_bad_results_are_named(result, code, field):
    with pytest.raises(DomainError) as refused:
        check(InspectionStage.QC, [result], received={1: result.quantity or 1})
    assert (refused.value.code, refused.value.field) == (code, field)


def test_qc_grades_every_unit_and_the_first_inspection_grades_none():
    with pytest.raises(DomainError) as ungraded:
        check(InspectionStage.QC, [unit(quantity=2, grade=None)])
    assert ungraded.value.code is ErrorCode.REQUIRED
    assert check(InspectionStage.INITIAL, [unit(quantity=2, grade=None)])
    with pytest.raises(DomainError) as early:
        check(InspectionStage.INITIAL, [unit(quantity=2, grade=Grade.B)])
    assert (early.value.code, early.value.field) == (ErrorCode.INVALID, "results.0.grade")


def test_a_failed_unit_may_be_described_in_words_instead_of_a_tag():
    assert check(
        InspectionStage.QC,
        [unit(quantity=2, passed=False, grade=Grade.B, defect_text="Button loose")],
    )


def test_each_stage_has_its_inspectors():
    rules.check_inspector(InspectionStage.INITIAL, Role.WAREHOUSE)
    rules.check_inspector(InspectionStage.QC, Role.QC)
    for stage, role in ((InspectionStage.INITIAL, Role.QC), (InspectionStage.QC, Role.WAREHOUSE)):
        with pytest.raises(DomainError) as refused:
            rules.check_inspector(stage, role)
        assert refused.value.code is ErrorCode.NOT_ALLOWED


def test_customer_caused_damage_is_what_allows_a_rejection():
    assert rules.customer_caused([Responsibility.PRODUCT, Responsibility.CUSTOMER])
    assert not rules.customer_caused([Responsibility.COURIER, Responsibility.UNKNOWN])


def test_queues_hand_each_step_to_the_role_that_takes_it():
    customer = flow_for(ReturnSource.CUSTOMER_RETURN, ReturnKind.RETURN)
    assert queue_roles(customer, S.REQUESTED) == {Role.CUSTOMER_SERVICE}
    assert queue_roles(customer, S.UNPACKED) == {Role.WAREHOUSE}
    assert queue_roles(customer, S.INITIAL_INSPECTED) == {Role.QC}
    assert queue_roles(customer, S.REFUND_PENDING) == {Role.FINANCE}
    assert queue_roles(customer, S.CLOSED) == frozenset()
    refused = flow_for(ReturnSource.REFUSED, ReturnKind.RETURN)
    assert queue_roles(refused, S.QC_INSPECTED) == {Role.WAREHOUSE}  # put away, no CS decision
    remote = flow_for(ReturnSource.UNDELIVERABLE, ReturnKind.RETURN, remote=True)
    assert queue_roles(remote, S.PUT_AWAY) == {Role.FINANCE}  # the waybill swap


def test_every_open_state_of_every_flow_waits_for_someone():
    admin = waiting_for(Role.ADMIN)
    assert (flow_for(ReturnSource.EXCEPTION, ReturnKind.RETURN), S.EXCEPTION) in admin
    for _flow, status in admin:
        assert status not in (S.CLOSED, S.DECLINED, S.CANCELLED)
    every_step = {(flow, status) for flow, status in admin}
    by_roles = {pair for role in Role if role is not Role.ADMIN for pair in waiting_for(role)}
    assert every_step == by_roles
    assert waiting_for(Role.PARTNER) == []

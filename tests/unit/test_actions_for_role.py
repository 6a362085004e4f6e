"""The handheld's buttons: a ticket's allowed moves, kept only for the roles that may make them."""

from backend.domain.auth.roles import Role
from backend.domain.returns.actions_for_role import actions_for
from backend.domain.returns.kinds import Action, ReturnKind, ReturnSource, TicketStatus
from backend.domain.returns.workflow import allowed_moves, flow_for

RETURN = flow_for(ReturnSource.CUSTOMER_RETURN, ReturnKind.RETURN)


def moves(status: TicketStatus) -> list[Action]:
    return allowed_moves(RETURN, status)


def test_customer_service_approves_and_declines_but_the_warehouse_does_not() -> None:
    assert {Action.APPROVE, Action.DECLINE} <= set(
        actions_for(Role.CUSTOMER_SERVICE, moves(TicketStatus.REQUESTED))
    )
    assert not {Action.APPROVE, Action.DECLINE} & set(
        actions_for(Role.WAREHOUSE, moves(TicketStatus.REQUESTED))
    )


def test_each_inspection_stage_belongs_to_its_inspector() -> None:
    unpacked = moves(TicketStatus.UNPACKED)
    assert Action.INSPECT_INITIAL in actions_for(Role.WAREHOUSE, unpacked)
    assert Action.INSPECT_INITIAL not in actions_for(Role.QC, unpacked)
    initial_done = moves(TicketStatus.INITIAL_INSPECTED)
    assert Action.INSPECT_QC in actions_for(Role.QC, initial_done)
    assert Action.INSPECT_QC not in actions_for(Role.WAREHOUSE, initial_done)


def test_nobody_gets_the_automatic_follow_up_and_anonymous_gets_nothing() -> None:
    for status in RETURN.table:
        assert Action.START_FOLLOW_UP not in actions_for(Role.ADMIN, moves(status))
        assert actions_for(None, moves(status)) == []


def test_a_follow_up_ticket_offers_customer_service_the_call_first() -> None:
    follow_up = moves(TicketStatus.FOLLOW_UP)
    for role in (Role.CUSTOMER_SERVICE, Role.CS_MANAGER, Role.ADMIN):
        assert actions_for(role, follow_up, TicketStatus.FOLLOW_UP)[0] is Action.FOLLOW_UP_CALL
    for role in (Role.WAREHOUSE, Role.FINANCE, Role.SUPERVISOR, Role.CS_DIRECTOR):
        assert Action.FOLLOW_UP_CALL not in actions_for(role, follow_up, TicketStatus.FOLLOW_UP)


def test_the_call_is_offered_only_while_the_ticket_is_in_follow_up() -> None:
    for status in RETURN.table:
        if status is TicketStatus.FOLLOW_UP:
            continue
        steps = actions_for(Role.ADMIN, moves(status), status)
        assert Action.FOLLOW_UP_CALL not in steps, status
    assert Action.FOLLOW_UP_CALL not in actions_for(Role.ADMIN, [], TicketStatus.CLOSED)

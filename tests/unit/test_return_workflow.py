"""The return ticket state machines: each flow from its first state to closed, and the
moves every flow shares (hold, cancel before arrival, reopen)."""

from __future__ import annotations

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.kinds import Action as A
from backend.domain.returns.kinds import ReturnKind, ReturnSource
from backend.domain.returns.kinds import TicketStatus as S
from backend.domain.returns.workflow import ENDED, Flow, allowed_moves, flow_for, next_status

CUSTOMER_RETURN = flow_for(ReturnSource.CUSTOMER_RETURN, ReturnKind.RETURN)
EXCHANGE = flow_for(ReturnSource.CUSTOMER_RETURN, ReturnKind.EXCHANGE)
LOCAL = flow_for(ReturnSource.UNDELIVERABLE, ReturnKind.RETURN)
REMOTE = flow_for(ReturnSource.UNDELIVERABLE, ReturnKind.RETURN, remote=True)
REFUSED = flow_for(ReturnSource.REFUSED, ReturnKind.RETURN)
NO_APPLICATION = flow_for(ReturnSource.EXCEPTION, ReturnKind.RETURN)
ALL = [CUSTOMER_RETURN, EXCHANGE, LOCAL, REMOTE, REFUSED, NO_APPLICATION]


def walk(flow: Flow, *actions: A) -> list[S]:
    status, seen = flow.first_status, [flow.first_status]
    for action in actions:
        status = next_status(flow, status, action)
        seen.append(status)
    return seen


def test_a_customer_return_goes_from_application_to_refund_and_follow_up():
    assert walk(
        CUSTOMER_RETURN,
        A.APPROVE,
        A.RECEIVE,
        A.UNPACK,
        A.INSPECT_INITIAL,
        A.INSPECT_QC,
        A.ACCEPT,
        A.REFUND,
        A.START_FOLLOW_UP,
        A.CLOSE,
    ) == [
        S.REQUESTED,
        S.APPROVED,
        S.RECEIVED,
        S.UNPACKED,
        S.INITIAL_INSPECTED,
        S.QC_INSPECTED,
        S.REFUND_PENDING,
        S.REFUNDED,
        S.FOLLOW_UP,
        S.CLOSED,
    ]


def test_a_rejected_return_goes_back_to_the_customer_then_follow_up():
    path = walk(
        CUSTOMER_RETURN,
        A.APPROVE,
        A.RECEIVE,
        A.UNPACK,
        A.INSPECT_INITIAL,
        A.INSPECT_QC,
        A.REJECT,
        A.RETURN_TO_CUSTOMER,
        A.START_FOLLOW_UP,
        A.CLOSE,
    )
    assert path[-4:] == [S.REJECTED, S.RETURNED_TO_CUSTOMER, S.FOLLOW_UP, S.CLOSED]


def test_an_exchange_puts_the_original_away_and_never_refunds():
    path = walk(
        EXCHANGE,
        A.APPROVE,
        A.RECEIVE,
        A.UNPACK,
        A.INSPECT_INITIAL,
        A.INSPECT_QC,
        A.ACCEPT,
        A.START_FOLLOW_UP,
        A.CLOSE,
    )
    assert S.PUT_AWAY in path
    assert S.REFUND_PENDING not in path


def test_undeliverable_parcels_are_reshipped_local_and_remote():
    assert walk(LOCAL, A.RESHIP, A.CLOSE) == [S.RECEIVED, S.RESHIPPED, S.CLOSED]
    assert walk(REMOTE, A.RESHIP, A.RECEIVE, A.PUT_AWAY, A.SWAP_WAYBILL, A.CLOSE) == [
        S.REPORTED,
        S.RESHIPPED,
        S.RECEIVED,
        S.PUT_AWAY,
        S.WAYBILL_SWAPPED,
        S.CLOSED,
    ]


def test_a_refused_parcel_is_inspected_put_away_and_refunded():
    path = walk(REFUSED, A.UNPACK, A.INSPECT_INITIAL, A.INSPECT_QC, A.PUT_AWAY, A.REFUND, A.CLOSE)
    assert path[0] is S.RECEIVED
    assert path[-3:] == [S.REFUND_PENDING, S.REFUNDED, S.CLOSED]


def test_a_parcel_without_application_is_linked_or_sent_back():
    assert walk(NO_APPLICATION, A.LINK) == [S.EXCEPTION, S.CLOSED]
    assert walk(NO_APPLICATION, A.RETURN_TO_CUSTOMER, A.CLOSE)[-1] is S.CLOSED


def test_a_move_out_of_turn_names_the_state_and_the_allowed_moves():
    with pytest.raises(DomainError) as refused:
        next_status(CUSTOMER_RETURN, S.UNPACKED, A.INSPECT_QC)
    assert refused.value.code is ErrorCode.INVALID_TRANSITION
    assert "UNPACKED" in refused.value.message
    assert "INSPECT_INITIAL" in refused.value.message


def test_hold_and_resume_come_back_to_where_the_ticket_was():
    assert next_status(CUSTOMER_RETURN, S.UNPACKED, A.HOLD) is S.ON_HOLD
    assert allowed_moves(CUSTOMER_RETURN, S.ON_HOLD) == [A.RESUME]
    assert next_status(CUSTOMER_RETURN, S.ON_HOLD, A.RESUME, held_from=S.UNPACKED) is S.UNPACKED


@pytest.mark.parametrize("status", [S.REQUESTED, S.APPROVED])
def test_cancel_is_possible_before_the_goods_arrive(status):
    assert next_status(CUSTOMER_RETURN, status, A.CANCEL) is S.CANCELLED


@pytest.mark.parametrize("status", [S.RECEIVED, S.UNPACKED, S.QC_INSPECTED, S.REFUND_PENDING])
def test_cancel_is_refused_once_the_goods_are_here(status):
    with pytest.raises(DomainError):
        next_status(CUSTOMER_RETURN, status, A.CANCEL)


@pytest.mark.parametrize("ended", sorted(ENDED))
def test_a_manager_reopens_an_ended_ticket_to_where_it_was(ended):
    assert next_status(CUSTOMER_RETURN, ended, A.REOPEN, held_from=S.FOLLOW_UP) is S.FOLLOW_UP
    with pytest.raises(DomainError):
        next_status(CUSTOMER_RETURN, ended, A.REOPEN)  # without knowing where it was


def test_remote_and_exchange_exist_only_where_they_make_sense():
    with pytest.raises(DomainError):
        flow_for(ReturnSource.REFUSED, ReturnKind.RETURN, remote=True)
    with pytest.raises(DomainError):
        flow_for(ReturnSource.UNDELIVERABLE, ReturnKind.EXCHANGE)


@pytest.mark.parametrize("flow", ALL, ids=lambda f: f"{f.source}-{f.kind}-{f.remote}")
def test_every_state_of_a_flow_is_reachable_and_can_end(flow):
    reachable, todo = {flow.first_status}, [flow.first_status]
    while todo:
        for nxt in flow.table.get(todo.pop(), {}).values():
            if nxt not in reachable:
                reachable.add(nxt)
                todo.append(nxt)
    assert set(flow.table) <= reachable
    for status in reachable - ENDED:
        ends, frontier = set(), [status]
        while frontier:
            for nxt in flow.table.get(frontier.pop(), {}).values():
                if nxt not in ends:
                    ends.add(nxt)
                    frontier.append(nxt)
        assert ends & ENDED, f"{status} in {flow} cannot reach an end"

"""The follow-up call's rules (Art. 25.1) in domain/returns/follow_up.py."""

from __future__ import annotations

from typing import Any

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.follow_up import (
    FollowUpOutcome,
    NewProblem,
    attempt_number,
    judge_call,
)

NO, GONE, YES = FollowUpOutcome.NO_ANSWER, FollowUpOutcome.UNREACHABLE, FollowUpOutcome.REACHED


def call(**overrides: Any) -> Any:
    given: dict[str, Any] = {
        "earlier": [],
        "reached": True,
        "satisfaction": 4,
        "feedback": "",
        "new_problem": NewProblem.NONE,
    }
    return judge_call(**{**given, **overrides})


@pytest.mark.parametrize("satisfaction", [1, 2, 3, 4, 5])
def test_a_reached_call_takes_satisfaction_one_to_five_and_ends_the_follow_up(satisfaction):
    verdict = call(satisfaction=satisfaction, feedback="  happy  ")
    assert (verdict.outcome, verdict.satisfaction, verdict.feedback) == (
        YES,
        satisfaction,
        "happy",
    )
    assert verdict.closes


@pytest.mark.parametrize("satisfaction", [0, 6, -1, 10])
def test_satisfaction_outside_one_to_five_is_refused(satisfaction):
    with pytest.raises(DomainError) as refused:
        call(satisfaction=satisfaction)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "satisfaction")


def test_a_reached_call_needs_satisfaction():
    with pytest.raises(DomainError) as refused:
        call(satisfaction=None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.REQUIRED, "satisfaction")


def test_a_call_that_did_not_reach_the_customer_has_no_satisfaction_and_no_new_problem():
    with pytest.raises(DomainError) as refused:
        call(reached=False, satisfaction=3)
    assert refused.value.field == "satisfaction"
    for problem in (NewProblem.REOPEN, NewProblem.NEW_TICKET):
        with pytest.raises(DomainError) as refused:
            call(reached=False, satisfaction=None, new_problem=problem, feedback="x")
        assert refused.value.field == "newProblem"


def test_feedback_is_limited_and_required_with_a_new_problem():
    with pytest.raises(DomainError) as refused:
        call(feedback="x" * 2001)
    assert (refused.value.code, refused.value.field) == (ErrorCode.TOO_LONG, "feedback")
    assert call(feedback="x" * 2000).feedback == "x" * 2000
    with pytest.raises(DomainError) as refused:
        call(new_problem=NewProblem.REOPEN, feedback="  ")
    assert (refused.value.code, refused.value.field) == (ErrorCode.REQUIRED, "feedback")
    assert call(new_problem=NewProblem.NEW_TICKET, feedback="zip broke").closes


def test_the_third_failed_attempt_ends_the_follow_up_as_unreachable():
    first = call(reached=False, satisfaction=None)
    second = call(earlier=[NO], reached=False, satisfaction=None)
    third = call(earlier=[NO, NO], reached=False, satisfaction=None)
    assert [(v.attempt, v.outcome, v.closes) for v in (first, second, third)] == [
        (1, NO, False),
        (2, NO, False),
        (3, GONE, True),
    ]


def test_a_reached_call_after_failed_attempts_counts_its_attempt():
    verdict = call(earlier=[NO, NO], satisfaction=5)
    assert (verdict.attempt, verdict.outcome) == (3, YES)


@pytest.mark.parametrize(
    ("earlier", "expected"),
    [
        ([], 1),
        ([NO], 2),
        ([NO, NO], 3),
        ([NO, NO, GONE], 1),  # reopened by a manager: a new round
        ([YES], 1),  # reopened after a new problem
        ([YES, NO], 2),
        ([NO, YES, NO, NO], 3),
    ],
)
def test_attempts_are_counted_per_round(earlier, expected):
    assert attempt_number(earlier) == expected

"""The follow-up call (回访, Art. 25.1): what a call may record and how it ends the
follow-up.

- A reached call carries the customer's satisfaction, 1 to 5; a call that did not reach
  the customer carries none, and raises no new problem (nobody said anything). Feedback is
  at most 2,000 characters, and required with a new problem (it says what the problem is).
- Failed calls are counted per round of follow-up; the third failed attempt ends the round
  as UNREACHABLE. A reached call ends it as REACHED. Either way the ticket closes.
- A new problem raised on a reached call either reopens this ticket (the flow's CLOSE,
  then its REOPEN, which returns a closed ticket to FOLLOW_UP: the case stays in CS's queue
  and a later call closes it) or opens a new application linked to this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode

MAX_FAILED_ATTEMPTS = 3
SATISFACTION_RANGE = range(1, 6)


class FollowUpOutcome(StrEnum):
    REACHED = "REACHED"  # the customer answered: the follow-up is done
    NO_ANSWER = "NO_ANSWER"  # a failed attempt; CS calls again
    UNREACHABLE = "UNREACHABLE"  # the third failed attempt: the follow-up is done


class NewProblem(StrEnum):
    NONE = "NONE"
    REOPEN = "REOPEN"  # this ticket goes back to FOLLOW_UP
    NEW_TICKET = "NEW_TICKET"  # a new application, linked to this ticket


ENDS_ROUND = frozenset({FollowUpOutcome.REACHED, FollowUpOutcome.UNREACHABLE})


@dataclass(frozen=True, slots=True)
class CallVerdict:
    attempt: int  # this call's number in the current round, from 1
    outcome: FollowUpOutcome
    satisfaction: int | None
    feedback: str
    new_problem: NewProblem

    @property
    def closes(self) -> bool:
        """The ticket closes after this call (REOPEN opens it again right after)."""
        return self.outcome in ENDS_ROUND


def attempt_number(earlier: Sequence[FollowUpOutcome]) -> int:
    """The number of the next call: one more than the failed calls since the last call that
    ended a round (a reopened or manager-reopened ticket starts counting again)."""
    failed = 0
    for outcome in earlier:
        failed = 0 if outcome in ENDS_ROUND else failed + 1
    return failed + 1


def judge_call(
    *,
    earlier: Sequence[FollowUpOutcome],
    reached: bool,
    satisfaction: int | None,
    feedback: str,
    new_problem: NewProblem,
) -> CallVerdict:
    """Check one call against the rules and say how it ends; nothing is written on a no."""
    if reached:
        if satisfaction is None:
            raise DomainError(
                ErrorCode.REQUIRED,
                "A reached call records the customer's satisfaction, 1 to 5.",
                "satisfaction",
            )
        if satisfaction not in SATISFACTION_RANGE:
            raise DomainError(
                ErrorCode.INVALID, "Satisfaction is a whole number from 1 to 5.", "satisfaction"
            )
    else:
        if satisfaction is not None:
            raise DomainError(
                ErrorCode.INVALID,
                "A call that did not reach the customer records no satisfaction.",
                "satisfaction",
            )
        if new_problem is not NewProblem.NONE:
            raise DomainError(
                ErrorCode.INVALID,
                "Only a customer who was reached can raise a new problem.",
                "newProblem",
            )
    text = validation.text(
        feedback,
        "feedback",
        max_length=validation.LONG_TEXT,
        required=new_problem is not NewProblem.NONE,  # what the new problem is
    )
    attempt = attempt_number(earlier)
    if reached:
        outcome = FollowUpOutcome.REACHED
    elif attempt >= MAX_FAILED_ATTEMPTS:
        outcome = FollowUpOutcome.UNREACHABLE
    else:
        outcome = FollowUpOutcome.NO_ANSWER
    return CallVerdict(attempt, outcome, satisfaction, text, new_problem)

"""The unit of work's before-commit hooks (the reorder watch registers itself; the unit of
work does not know it) and a ticket's allowed actions (its state's steps, then its moves),
from which `myActions` is cut for the caller's role, on the ticket and in the queue alike."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from backend.domain.auth.roles import Role
from backend.domain.returns import workflow
from backend.domain.returns.actions_for_role import actions_for
from backend.domain.returns.kinds import Action, ReturnKind, ReturnSource, TicketStatus
from backend.pubsub.base import Message
from backend.pubsub.memory import MemoryPubSub
from backend.services import unit_of_work
from backend.services.replenishment import watch
from tests.api.returns_helpers import Desk
from tests.api.test_follow_up import in_follow_up

ROOT = Path(__file__).resolve().parent.parent
CS = Role.CUSTOMER_SERVICE


def _flows() -> list[workflow.Flow]:
    return [
        workflow.flow_for(ReturnSource.CUSTOMER_RETURN, ReturnKind.RETURN),
        workflow.flow_for(ReturnSource.CUSTOMER_RETURN, ReturnKind.EXCHANGE),
        workflow.flow_for(ReturnSource.UNDELIVERABLE, ReturnKind.RETURN),
        workflow.flow_for(ReturnSource.UNDELIVERABLE, ReturnKind.RETURN, remote=True),
        workflow.flow_for(ReturnSource.REFUSED, ReturnKind.RETURN),
        workflow.flow_for(ReturnSource.EXCEPTION, ReturnKind.RETURN),
    ]


# --- before-commit hooks ---------------------------------------------------------------


def test_the_unit_of_work_does_not_import_replenishment() -> None:
    source = (ROOT / "backend" / "services" / "unit_of_work.py").read_text()
    named = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            named.add(node.module)
        elif isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
    assert not {name for name in named if "replenishment" in name}


@pytest.mark.parametrize(
    "entry",
    [
        "backend.services.unit_of_work",
        "backend.services.stock.booking",
        "backend.services.returns.goods",
        "backend.services.demo_data",
        "backend.app",
        "backend.cli",
    ],
)
def test_the_reorder_watch_is_registered_whatever_is_imported_first(entry: str) -> None:
    code = (
        f"import {entry}\n"
        "from backend.services.unit_of_work import before_commit_hooks\n"
        "from backend.services.replenishment import watch\n"
        "assert before_commit_hooks() == (watch.before_commit,), before_commit_hooks()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_registering_a_hook_twice_runs_it_once() -> None:
    assert unit_of_work.before_commit_hooks().count(watch.before_commit) == 1
    unit_of_work.register_before_commit(watch.before_commit)
    assert unit_of_work.before_commit_hooks().count(watch.before_commit) == 1


async def test_a_hook_sees_the_events_and_its_own_leave_after_commit(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[tuple[str, Message], ...]] = []

    async def hook(events: Sequence[tuple[str, Message]]) -> list[tuple[str, Message]]:
        seen.append(tuple(events))
        return [("hooked", {"count": len(events)})]

    monkeypatch.setattr(unit_of_work, "_before_commit_hooks", [watch.before_commit, hook])
    pubsub = MemoryPubSub()
    published: list[tuple[str, Message]] = []

    async def publish(topic: str, message: Message) -> None:
        published.append((topic, message))

    monkeypatch.setattr(pubsub, "publish", publish)
    async with unit_of_work.UnitOfWork(pubsub) as uow:
        uow.emit("other", {"n": 1})
        assert published == []
    assert seen == [(("other", {"n": 1}),)]
    assert published == [("other", {"n": 1}), ("hooked", {"count": 1})]


async def test_a_failing_hook_rolls_back_and_publishes_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hook(events: Sequence[tuple[str, Message]]) -> list[tuple[str, Message]]:
        raise RuntimeError("no")

    monkeypatch.setattr(unit_of_work, "_before_commit_hooks", [hook])
    pubsub = MemoryPubSub()
    published: list[tuple[str, Message]] = []

    async def publish(topic: str, message: Message) -> None:
        published.append((topic, message))

    monkeypatch.setattr(pubsub, "publish", publish)
    with pytest.raises(RuntimeError):
        async with unit_of_work.UnitOfWork(pubsub) as uow:
            uow.emit("other", {"n": 1})
    assert published == []


# --- allowed actions and my actions ------------------------------------------------------


def test_the_call_is_an_allowed_action_of_follow_up_tickets_only() -> None:
    for flow in _flows():
        for status in TicketStatus:
            allowed = workflow.allowed_actions(flow, status)
            if status is TicketStatus.FOLLOW_UP:
                assert allowed[0] is Action.FOLLOW_UP_CALL
                assert allowed[1:] == workflow.allowed_moves(flow, status)
            else:
                assert allowed == workflow.allowed_moves(flow, status), (flow, status)


def test_my_actions_are_the_allowed_actions_my_role_may_take() -> None:
    for flow in _flows():
        for status in TicketStatus:
            allowed = workflow.allowed_actions(flow, status)
            moves = workflow.allowed_moves(flow, status)
            for role in [*Role, None]:
                mine = actions_for(role, allowed)
                assert set(mine) <= set(allowed)
                assert (
                    mine == actions_for(role, moves, status) == actions_for(role, allowed, status)
                )
                if Action.FOLLOW_UP_CALL in mine:
                    assert status is TicketStatus.FOLLOW_UP


def test_the_call_stays_out_of_the_moves_a_transition_checks() -> None:
    flow = workflow.flow_for(ReturnSource.CUSTOMER_RETURN, ReturnKind.RETURN)
    assert Action.FOLLOW_UP_CALL not in workflow.allowed_moves(flow, TicketStatus.FOLLOW_UP)
    with pytest.raises(Exception, match="not allowed"):
        workflow.next_status(flow, TicketStatus.FOLLOW_UP, Action.FOLLOW_UP_CALL)


TICKET = "query($n: String) { returnTicket(number: $n) { allowedActions myActions } }"
QUEUE = "{ myQueue(first: 100) { tickets { number allowedActions myActions } } }"


async def test_a_follow_up_ticket_offers_the_call_in_its_allowed_and_my_actions(
    gql, actors, catalogue
) -> None:
    desk = Desk(gql, actors, catalogue)
    number = await in_follow_up(desk, "SO-RF1")
    for role in (CS, Role.CS_MANAGER, Role.ADMIN, Role.WAREHOUSE, Role.FINANCE):
        body = await gql(TICKET, {"n": number}, actors[role])
        assert "errors" not in body, body
        ticket = body["data"]["returnTicket"]
        assert ticket["allowedActions"][0] == "FOLLOW_UP_CALL"
        assert set(ticket["myActions"]) <= set(ticket["allowedActions"])
        if role in (CS, Role.CS_MANAGER, Role.ADMIN):
            assert ticket["myActions"][0] == "FOLLOW_UP_CALL", role
        else:
            assert "FOLLOW_UP_CALL" not in ticket["myActions"], role

    ticket = (await gql(TICKET, {"n": number}, actors[CS]))["data"]["returnTicket"]
    queue = (await gql(QUEUE, None, actors[CS]))["data"]["myQueue"]["tickets"]
    [queued] = [t for t in queue if t["number"] == number]
    assert queued["allowedActions"] == ticket["allowedActions"]
    assert queued["myActions"] == ticket["myActions"]

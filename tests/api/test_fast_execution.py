"""The executor's fast path for plain fields answers exactly as graphql-core would."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from backend.api.execution import FastExecutionContext


@strawberry.enum
class Colour(Enum):
    RED = "RED"


@strawberry.type
class Inner:
    code: str


@strawberry.type
class Row:
    count: int
    colour: Colour
    inner: Inner
    maybe: Inner | None


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row | None]:
        good = Row(count=1, colour=Colour.RED, inner=Inner(code="A"), maybe=None)
        broken = Row(count="many", colour=Colour.RED, inner=None, maybe=None)  # type: ignore[arg-type]
        return [good, broken]


def _run(schema: strawberry.Schema) -> Any:
    return schema.execute_sync("{ rows { count colour inner { code } maybe { code } } }")


def test_fast_and_normal_execution_give_the_same_data_and_errors():
    fast = _run(strawberry.Schema(Query, execution_context_class=FastExecutionContext))
    normal = _run(strawberry.Schema(Query))
    assert fast.data == normal.data
    assert fast.data == {
        "rows": [{"count": 1, "colour": "RED", "inner": {"code": "A"}, "maybe": None}, None]
    }
    assert sorted(e.message for e in fast.errors) == sorted(e.message for e in normal.errors)
    assert {tuple(e.path) for e in fast.errors} == {tuple(e.path) for e in normal.errors}

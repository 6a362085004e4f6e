"""Cursor connections: `edges { cursor node }`, `nodes`, `pageInfo`; page size capped."""

from __future__ import annotations

import base64
from typing import Any, Generic, TypeVar

import strawberry

from backend.api.errors import bad_input
from backend.persistence.queries.pages import Page

T = TypeVar("T")
DEFAULT_PAGE = 50
MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "id" and value.isdigit():
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_input("The `after` cursor is not one this API gave out.")


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise bad_input(f"`first` must be between 1 and {MAX_PAGE}.")
    return size


def connection(page: Page[Any], nodes: list[T]) -> Connection[T]:
    """A connection over a page's rows, given the nodes built from them in the same order."""
    edges = [
        Edge(cursor=encode_cursor(row.pk), node=node)
        for row, node in zip(page.rows, nodes, strict=True)
    ]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
        ),
    )

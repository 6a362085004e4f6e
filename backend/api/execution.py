"""A fast path in graphql-core's executor for fields that are plain attributes.

For every field graphql-core builds a resolve-info object, calls the resolver and then
dispatches on the field's type. Most fields of a list page are plain attributes (sku,
onHand, a hydrated product) whose Strawberry resolver ignores the info and only reads
the attribute; building the info and the general dispatch were most of a page of 100
stock levels in the bench profile. Here such a field, when its value is present and not
awaitable, is completed directly: a scalar or enum is serialised, an object of a concrete
type has its selections executed. Anything else (resolvers, arguments, lists, abstract
types, nulls, serialisation problems) takes the normal path, which also reports errors.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, Undefined, get_nullable_type, is_leaf_type
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: Any,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any = None,
    ) -> Any:
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        if (
            field_def is not None
            and not field_def.args
            and getattr(field_def.resolve, "_is_default", False)
        ):
            value = field_def.resolve(source, None)  # type: ignore[misc]
            if value is not None and not self.is_awaitable(value):
                kind = get_nullable_type(field_def.type)
                if is_leaf_type(kind):
                    try:
                        serialized = kind.serialize(value)
                    except Exception:  # noqa: BLE001 - the normal path reports it
                        serialized = None
                    if serialized is not None and serialized is not Undefined:
                        return serialized
                elif isinstance(kind, GraphQLObjectType) and kind.is_type_of is None:
                    return self.collect_and_execute_subfields(
                        kind, field_details_list, path, value, position_context
                    )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

"""The one schema: roots composed from each domain, plus the protective extensions."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from backend.api.analytics.queries import AnalyticsQuery
from backend.api.auth.resolvers import AuthMutation, AuthQuery
from backend.api.catalogue.queries import CatalogueQuery
from backend.api.corrective_actions.mutations import CorrectiveActionMutation
from backend.api.corrective_actions.queries import CorrectiveActionQuery
from backend.api.errors import should_mask
from backend.api.execution import FastExecutionContext
from backend.api.guard import guard
from backend.api.inventory.mutations import InventoryMutation
from backend.api.inventory.queries import InventoryQuery
from backend.api.naming import RememberingNameConverter
from backend.api.orders.mutations import OrderMutation
from backend.api.orders.queries import OrderQuery
from backend.api.replenishment.mutations import ReplenishmentMutation
from backend.api.replenishment.queries import ReplenishmentQuery
from backend.api.replenishment.subscriptions import ReplenishmentSubscription
from backend.api.returns.lists import ListsMutation, ListsQuery
from backend.api.returns.mutations import ReturnsMutation
from backend.api.returns.queries import ReturnsQuery, ReturnsSubscription
from backend.api.stock.mutations import StockMutation
from backend.api.stock.queries import StockQuery
from backend.api.stock.subscriptions import StockSubscription
from backend.api.ticket_exports.mutations import TicketExportMutation
from backend.api.ticket_exports.queries import TicketExportQuery

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2_000


@strawberry.type
class Query(
    AuthQuery,
    CatalogueQuery,
    StockQuery,
    OrderQuery,
    ListsQuery,
    ReturnsQuery,
    AnalyticsQuery,
    CorrectiveActionQuery,
    InventoryQuery,
    ReplenishmentQuery,
    TicketExportQuery,
):
    pass


@strawberry.type
class Mutation(
    AuthMutation,
    StockMutation,
    OrderMutation,
    ListsMutation,
    ReturnsMutation,
    CorrectiveActionMutation,
    InventoryMutation,
    ReplenishmentMutation,
    TicketExportMutation,
):
    pass


@strawberry.type
class Subscription(StockSubscription, ReturnsSubscription, ReplenishmentSubscription):
    pass


# Built once at import: limiters used as per-request factories would defeat the
# validation cache (Strawberry issue #4635, STACK-NOTES).
_LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]
_NO_INTROSPECTION = [NoSchemaIntrospectionCustomRule]


def _extensions(development: bool) -> list[type[SchemaExtension]]:
    rules = _LIMIT_RULES if development else [*_LIMIT_RULES, *_NO_INTROSPECTION]
    return [guard(max_tokens=MAX_TOKENS, rules=rules, mask_errors=not development)]


class Schema(strawberry.Schema):
    """Logs only unexpected errors: a refused sign-in or permission is not an incident."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [e for e in errors if should_mask(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(*, development: bool) -> strawberry.Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=_extensions(development),
        execution_context_class=FastExecutionContext,
        config=StrawberryConfig(
            disable_field_suggestions=not development,
            name_converter=RememberingNameConverter(),
        ),
    )


def sdl() -> str:
    """The schema as committed in schema.graphql."""
    return build_schema(development=True).as_str() + "\n"

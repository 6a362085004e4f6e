"""One schema extension for everything request-wide: cached parsing with a token limit,
cached validation with our limits (depth, aliases, and no introspection in production),
and in production the masking of unexpected errors (their text could leak internals).

It does the work of Strawberry's MaxTokensLimiter, ParserCache, AddValidationRules,
ValidationCache and MaskErrors in one: every extension costs hook calls on every request,
and together they were a sixth of a mutation's GraphQL time in the bench profile.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from backend.api.errors import should_mask

MASKED_MESSAGE = "Unexpected error."
CACHE_SIZE = 1000


@lru_cache(maxsize=CACHE_SIZE)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


@lru_cache(maxsize=CACHE_SIZE)
def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    return validate_document(schema, document, rules)


def masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        message=MASKED_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
    )


class ApiGuard(SchemaExtension):
    max_tokens = 2_000
    rules: tuple[type[ASTValidationRule], ...] = ()
    mask_errors = True

    def on_operation(self) -> Iterator[None]:
        # Parse and validate here, in the one hook, rather than in on_parse / on_validate:
        # Strawberry wraps every implemented hook anew on each request. Strawberry then
        # skips its own parsing and validation, which it does only when these are unset.
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        if context.query is not None and context.graphql_document is None:
            try:
                context.graphql_document = _parse(context.query, self.max_tokens)
            except GraphQLError:
                pass  # Strawberry parses again and reports the syntax error as usual
        if context.graphql_document is not None:
            rules = (*context.validation_rules, *self.rules)
            context.pre_execution_errors = _validate(
                context.schema._schema, context.graphql_document, rules
            )
        yield
        if not self.mask_errors:
            return
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [masked(e) if should_mask(e) else e for e in errors]


def guard(
    *, max_tokens: int, rules: Sequence[type[ASTValidationRule]], mask_errors: bool
) -> type[ApiGuard]:
    attributes = {"max_tokens": max_tokens, "rules": tuple(rules), "mask_errors": mask_errors}
    return type("ConfiguredApiGuard", (ApiGuard,), attributes)

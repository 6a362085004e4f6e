"""Plain-Python business rules: no GraphQL, ORM or web framework imports (a test enforces it)."""

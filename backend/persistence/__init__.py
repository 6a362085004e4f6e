"""Tortoise models, migrations and queries: the only code that knows tables."""

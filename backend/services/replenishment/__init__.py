"""Reasonable stock levels: reorder policies, low stock and its alerts, ABC classification.

Importing this package registers the reorder watch as a before-commit hook of every unit of
work (`backend.services` imports it, so it is registered wherever a use case can run)."""

from backend.services.replenishment import watch
from backend.services.unit_of_work import register_before_commit

register_before_commit(watch.before_commit)

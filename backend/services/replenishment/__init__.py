"""Reasonable stock levels: reorder policies, low stock and its alerts, ABC classification."""

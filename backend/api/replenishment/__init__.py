"""Reasonable stock levels in the API: reorder policies, low stock and its alert, ABC runs."""

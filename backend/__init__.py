"""Warehouse stock ledger and returns desk."""

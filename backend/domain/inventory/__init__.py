"""Inventory planning (table 11-1 and "keep stock at reasonable levels"): custody fees,
just-in-time supply, reorder levels and ABC classification. Plain Python, no ORM."""

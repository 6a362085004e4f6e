"""Inventory modes (table 11-1) in the API: custody-fee statements, just-in-time supply
(suppliers' availability, purchase requests), stock value by warehouse kind."""

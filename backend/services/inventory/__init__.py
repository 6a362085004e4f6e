"""Inventory modes (table 11-1): consignment custody fees, just-in-time supply (suppliers'
availability, purchase requests) and stock value by warehouse kind."""

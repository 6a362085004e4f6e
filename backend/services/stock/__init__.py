"""Stock ledger use cases."""

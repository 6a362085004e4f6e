"""Orders and their shipments: what can be returned against."""

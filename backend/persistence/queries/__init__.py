"""Read-side queries for the API: pages, filters and batch loads (one statement each)."""

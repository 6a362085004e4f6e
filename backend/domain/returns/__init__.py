"""Returns, exchanges, undeliverable and refused parcels (the seed's Art. 3-26)."""

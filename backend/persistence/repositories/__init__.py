"""Writes and the lookups that go with them, one module per aggregate."""

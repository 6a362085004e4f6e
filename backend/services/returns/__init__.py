"""Use cases of the returns desk, one transaction each (see casefile for the shared steps)."""

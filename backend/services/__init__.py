"""Application services: one use case each, one transaction, events published after commit."""

# Registers the reorder watch as a before-commit hook of every unit of work: imported here,
# it is in place wherever a use case runs (server, CLI, demo data, tests, scripts).
from backend.services import replenishment as replenishment

"""Application services: one use case each, one transaction, events published after commit."""

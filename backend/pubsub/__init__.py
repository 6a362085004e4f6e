"""Publish/subscribe behind one small interface; events leave only after commit."""

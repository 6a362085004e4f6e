"""The two forms of bearer credential, told apart by their text alone: a partner API key
starts with API_KEY_PREFIX (then its public prefix and the secret); anything else is a
session token. Both are stored only as their SHA-256."""

from __future__ import annotations

import secrets

API_KEY_PREFIX = "wk_"


def is_api_key(bearer: str) -> bool:
    return bearer.startswith(API_KEY_PREFIX)


def new_api_key() -> tuple[str, str]:
    """(the key's public prefix, the whole secret that carries it)."""
    prefix = secrets.token_hex(4)
    return prefix, f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def new_session_token() -> str:
    """A random session token, never in the form of an API key (one draw in about 262,000
    would be, and that session could not sign a single request in)."""
    while is_api_key(token := secrets.token_urlsafe(32)):
        pass
    return token

"""Password rules (OWASP ASVS: length over composition)."""

from __future__ import annotations

from backend.domain.errors import DomainError, ErrorCode

MIN_LENGTH = 8
MAX_LENGTH = 128


def check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(
            ErrorCode.WEAK_PASSWORD,
            f"A password needs at least {MIN_LENGTH} characters.",
            "password",
        )
    if len(password) > MAX_LENGTH:
        raise DomainError(
            ErrorCode.TOO_LONG, f"A password has at most {MAX_LENGTH} characters.", "password"
        )
    if password.lower() == username.lower():
        raise DomainError(
            ErrorCode.WEAK_PASSWORD, "The password may not equal the user name.", "password"
        )

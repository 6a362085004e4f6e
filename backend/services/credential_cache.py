"""Recently verified bearer credentials, so most requests need no sign-in query.

An entry lives at most TTL; a revocation (sign-out, deactivation, password change or
reset, API key revoked) forgets the user's entries in this process at once and tells the
other processes on the `sessions` topic. TTL bounds the window should such a message be
lost (pub/sub is at most once) or should someone change the database by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from backend.domain.auth.roles import Principal
from backend.pubsub.base import PubSub

log = logging.getLogger(__name__)

TOPIC = "sessions"
TTL_SECONDS = 30.0
LIMIT = 10_000


class CredentialCache:
    def __init__(self, ttl: float = TTL_SECONDS, limit: int = LIMIT) -> None:
        self._ttl = ttl
        self._limit = limit
        self._entries: dict[str, tuple[Principal, float]] = {}

    def get(self, digest: str) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        principal, stored = entry
        if time.monotonic() - stored > self._ttl:
            self._entries.pop(digest, None)
            return None
        return principal

    def put(self, digest: str, principal: Principal) -> None:
        if len(self._entries) >= self._limit:
            self._entries.clear()  # rare; the next requests simply query again
        self._entries[digest] = (principal, time.monotonic())

    def forget_user(self, user_id: int) -> None:
        for digest in [d for d, (p, _) in self._entries.items() if p.user_id == user_id]:
            self._entries.pop(digest, None)

    def clear(self) -> None:
        self._entries.clear()

    async def follow(self, pubsub: PubSub) -> None:
        """Forget what other processes revoke; runs for the server's lifetime."""
        while True:
            try:
                async with pubsub.subscribe(TOPIC) as messages:
                    async for message in messages:
                        self.forget_user(int(message["userId"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a lagged or broken subscription: start over
                log.warning("credential cache lost its revocation feed; clearing it")
                self.clear()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.sleep(1)


credentials = CredentialCache()


async def revoked(pubsub: PubSub, user_id: int) -> None:
    """Call after a revocation commits: this process forgets now, the others when told."""
    credentials.forget_user(user_id)
    await pubsub.publish(TOPIC, {"userId": user_id})

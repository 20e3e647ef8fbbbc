"""Password hashing, random tokens and signatures. Tokens are stored only as SHA-256 digests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 10


class WeakPassword(ValueError):
    """The password is too short or otherwise unusable."""


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise WeakPassword("password must not start or end with spaces")


class Passwords:
    """argon2id hashing with the given cost; verification reads the cost from each hash,
    so changing the cost later keeps old hashes valid."""

    def __init__(self, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # Verified against when the username is unknown, so both paths cost the same time.
        self._dummy = self._hasher.hash("not-a-real-password-" + secrets.token_hex(8))

    async def hash(self, password: str) -> str:
        # argon2 is deliberately slow: keep it off the event loop.
        return await asyncio.to_thread(self._hasher.hash, password)

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def verify(self, stored: str | None, password: str) -> bool:
        return await asyncio.to_thread(self._verify, stored, password)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def sign(secret: str, body: bytes) -> str:
    """Value of the X-Clinic-Signature header: `sha256=<hex HMAC of the raw body>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

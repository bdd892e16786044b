"""The shape of a secret, and the only things done with one: make it, split it, hash it, compare hashes."""

import hashlib
import hmac
import re
import secrets

PREFIX = "rfk_"
_KEY_ID_BYTES = 6  # 12 hex characters: a lookup handle, not a secret
_SECRET_BYTES = 32  # 256 bits of randomness
# rfk_ + 12 hex + _ + 43 url-safe base64 characters (32 bytes, unpadded).
_SHAPE = re.compile(r"rfk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}")


def new_secret() -> tuple[str, str]:
    """A fresh (key_id, secret)."""
    key_id = secrets.token_hex(_KEY_ID_BYTES)
    return key_id, f"{PREFIX}{key_id}_{secrets.token_urlsafe(_SECRET_BYTES)}"


def key_id_of(secret: str) -> str | None:
    """The key id a well-formed secret names, or None for anything else."""
    match = _SHAPE.fullmatch(secret)
    return match.group(1) if match else None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(secret: str, stored_sha256: str) -> bool:
    # Constant time, so response timing says nothing about how much of a guessed secret was right.
    return hmac.compare_digest(digest(secret), stored_sha256)

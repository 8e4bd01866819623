"""Protected storage of citizen IDs: Fernet encryption at rest, an HMAC digest for
uniqueness and exact lookup, and the last four characters for search."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    return _fernet_for(settings.FIELD_ENCRYPTION_KEY)


@functools.lru_cache(maxsize=4)
def _fernet_for(secret: str) -> Fernet:
    key = hashlib.sha256(("citizen-id:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _fernet().decrypt(token.encode()).decode()


def digest(value: str) -> str:
    key = ("citizen-id-digest:" + settings.FIELD_ENCRYPTION_KEY).encode()
    return hmac.new(key, value.upper().encode(), hashlib.sha256).hexdigest()

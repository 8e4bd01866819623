"""Protected storage of citizen IDs: Fernet encryption at rest, an HMAC digest for
uniqueness and exact lookup, and the last four characters for search."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings

from cadre_supervision.fernet import fernet


def _fernet() -> Fernet:
    return fernet("citizen-id")


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _fernet().decrypt(token.encode()).decode()


def digest(value: str) -> str:
    key = ("citizen-id-digest:" + settings.FIELD_ENCRYPTION_KEY).encode()
    return hmac.new(key, value.upper().encode(), hashlib.sha256).hexdigest()

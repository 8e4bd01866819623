"""Fernet keys derived from FIELD_ENCRYPTION_KEY, one per purpose (citizen IDs at rest, stored
export files): a key never serves two purposes, and rotating the setting rotates them all."""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings


@functools.lru_cache(maxsize=8)
def _fernet_for(purpose: str, secret: str) -> Fernet:
    key = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def fernet(purpose: str) -> Fernet:
    """The Fernet of `purpose` ("citizen-id", "export-file") under the current key setting."""
    return _fernet_for(purpose, settings.FIELD_ENCRYPTION_KEY)

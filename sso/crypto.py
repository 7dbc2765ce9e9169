"""Secrets the product must send on (an identity provider's client secret) are stored
encrypted with a key derived from SECRET_KEY (and SECRET_KEY_FALLBACKS, so rotating the
key keeps them readable). A copy of the database alone does not reveal them."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(f"clb-sso-secret:{key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return _keys().encrypt(value.encode()).decode() if value else ""


def decrypt(value: str) -> str:
    """The plain secret, or "" when it cannot be read (e.g. SECRET_KEY changed without a
    fallback): the owner enters it again."""
    if not value:
        return ""
    try:
        return _keys().decrypt(value.encode()).decode()
    except InvalidToken:
        return ""

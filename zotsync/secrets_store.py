"""The API key: ZOTERO_API_KEY first, else the system keyring. Never printed, logged or stored elsewhere.

``scrub`` is the one function every text from a server (or about a request) passes through
before it reaches an exception message, a log line or a report: it blanks the keys this process
knows (``register_secret``) and anything shaped like a credential in a header or a query.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import quote

from zotsync.errors import ConfigError

SERVICE = "zotsync"
ENV = "ZOTERO_API_KEY"


MIN_SECRET = 6  # shorter "keys" (test placeholders) would blank ordinary words
REDACTED = "***"
_SECRETS: set[str] = set()
_CREDENTIALS = re.compile(
    r"(?i)(\b(?:authorization\s*[:=]\s*bearer|bearer|zotero-api-key\s*[:=]|api[_-]?key\s*[:=])\s*[\"']?)"
    r"[A-Za-z0-9._~+/-]+"
    r"|([?&;](?:key|api_key)=)[^&\s\"'<>]+")


def register_secret(secret: str) -> None:
    """Remember a secret (the API key in use) so that ``scrub`` blanks it wherever it appears."""
    secret = secret.strip()
    if len(secret) >= MIN_SECRET:
        _SECRETS.update({secret, quote(secret, safe="")})


def scrub(text: str) -> str:
    """``text`` without any known secret or credential-shaped value."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _CREDENTIALS.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, text)


def _account(api_url: str) -> str:
    return f"api-key@{api_url.rstrip('/')}"


def env_api_key() -> str:
    """The key from ZOTERO_API_KEY ("" when unset): the only read of that variable."""
    return os.environ.get(ENV, "").strip()


def get_api_key(api_url: str) -> str:
    key = env_api_key()
    if key:
        register_secret(key)
        return key
    keyring, errors = _keyring()
    try:
        stored = keyring.get_password(SERVICE, _account(api_url))
    except (errors.KeyringError, RuntimeError) as exc:
        raise ConfigError(
            f"no API key: {ENV} is not set and the system keyring cannot be read ({type(exc).__name__}). "
            f"Under cron, set {ENV} in the job's environment (or unlock the keyring), "
            "or run 'zotsync login' in a desktop session") from None
    if not stored:
        raise ConfigError(f"no API key: set {ENV} or run 'zotsync login' (create a key at "
                          "https://www.zotero.org/settings/keys)")
    register_secret(stored)
    return str(stored)


def store_api_key(api_url: str, key: str) -> None:
    register_secret(key)
    keyring, errors = _keyring()
    try:
        keyring.set_password(SERVICE, _account(api_url), key)
    except (errors.KeyringError, RuntimeError) as exc:
        raise ConfigError(f"cannot store the key in the system keyring ({type(exc).__name__}); "
                          f"set {ENV} instead") from None


def delete_api_key(api_url: str) -> bool:
    keyring, errors = _keyring()
    try:
        keyring.delete_password(SERVICE, _account(api_url))
        return True
    except errors.PasswordDeleteError:
        return False
    except (errors.KeyringError, RuntimeError) as exc:
        raise ConfigError(f"cannot reach the system keyring ({type(exc).__name__})") from None


def _keyring() -> tuple[Any, Any]:
    """The keyring, imported only by the commands that use it (it costs start-up time, and logs import this module)."""
    import keyring
    import keyring.errors

    return keyring, keyring.errors

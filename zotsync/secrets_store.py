"""The API key: ZOTERO_API_KEY first, else the system keyring. Never printed, logged or stored elsewhere."""

from __future__ import annotations

import os

import keyring
from keyring.errors import KeyringError

from zotsync.errors import ConfigError

SERVICE = "zotsync"
ENV = "ZOTERO_API_KEY"


def _account(api_url: str) -> str:
    return f"api-key@{api_url.rstrip('/')}"


def env_api_key() -> str:
    """The key from ZOTERO_API_KEY ("" when unset): the only read of that variable."""
    return os.environ.get(ENV, "").strip()


def get_api_key(api_url: str) -> str:
    key = env_api_key()
    if key:
        return key
    try:
        stored = keyring.get_password(SERVICE, _account(api_url))
    except (KeyringError, RuntimeError) as exc:
        raise ConfigError(
            f"no API key: {ENV} is not set and the system keyring cannot be read ({type(exc).__name__}). "
            f"Under cron, set {ENV} in the job's environment (or unlock the keyring), "
            "or run 'zotsync login' in a desktop session") from None
    if not stored:
        raise ConfigError(f"no API key: set {ENV} or run 'zotsync login' (create a key at "
                          "https://www.zotero.org/settings/keys)")
    return stored


def store_api_key(api_url: str, key: str) -> None:
    try:
        keyring.set_password(SERVICE, _account(api_url), key)
    except (KeyringError, RuntimeError) as exc:
        raise ConfigError(f"cannot store the key in the system keyring ({type(exc).__name__}); "
                          f"set {ENV} instead") from None


def delete_api_key(api_url: str) -> bool:
    try:
        keyring.delete_password(SERVICE, _account(api_url))
        return True
    except keyring.errors.PasswordDeleteError:
        return False
    except (KeyringError, RuntimeError) as exc:
        raise ConfigError(f"cannot reach the system keyring ({type(exc).__name__})") from None

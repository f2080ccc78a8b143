"""Zotero object keys: random ones, and ones derived from (library, seed) so that a work keeps its key."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
KEY_LENGTH = 8


def new_key() -> str:
    """A random client-made Zotero object key."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def key_deriver(library_uri: str) -> Callable[[str], str]:
    """Keys derived from (library, source identity): the same work always gets the same key.

    A lost state database then still knows which keys zotsync would use, so an item the
    user deleted (listed by /deleted) is not created again, and two machines syncing the
    same sources into one library cannot create the same work twice.
    """

    def derive(seed: str) -> str:
        number = int.from_bytes(hashlib.sha256(f"{library_uri}|{seed}".encode()).digest()[:8], "big")
        chars = []
        for _ in range(KEY_LENGTH):
            number, digit = divmod(number, len(KEY_ALPHABET))
            chars.append(KEY_ALPHABET[digit])
        return "".join(chars)

    return derive

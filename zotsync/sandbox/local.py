"""``--library sandbox``: the sandbox started in-process, its data kept under the state dir."""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from zotsync.errors import StateError
from zotsync.sandbox.app import Account
from zotsync.sandbox.server import SandboxServer

SANDBOX_USER_ID = 1


def sandbox_key(data_dir: Path) -> str:
    """The local sandbox's own API key, made once and kept (mode 0600) beside its data."""
    path = data_dir / "api-key"
    if path.exists():
        return path.read_text("utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(12)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def start_local(state_dir: Path) -> tuple[SandboxServer, str]:
    data_dir = state_dir / "sandbox"
    try:
        key = sandbox_key(data_dir)
        server = SandboxServer(Account(SANDBOX_USER_ID, key), data_dir=data_dir)
    except (OSError, sqlite3.Error) as exc:
        raise StateError(f"cannot keep the sandbox library under {data_dir}: {exc}") from None
    server.start()
    return server, key

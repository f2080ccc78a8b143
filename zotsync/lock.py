"""One run at a time per library: a second run exits with code 5 at once."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from zotsync.errors import LockHeld, StateError


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = FileLock(str(path), timeout=0)

    def __enter__(self) -> RunLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise LockHeld(f"another zotsync run holds the lock {self.path}") from None
        except OSError as exc:
            raise StateError(f"cannot create the lock file {self.path}: {exc.strerror or exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

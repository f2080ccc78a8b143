"""A rotated log file under the state dir, for runs nobody watches.

The file (and each rotated copy) is readable by its owner only (0600, like the state), and every
line passes through ``secrets_store.scrub`` first: a key echoed by a server never lands in it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from zotsync.secrets_store import scrub

LOGGER = logging.getLogger("zotsync")
LOGGER.addHandler(logging.NullHandler())  # no log file (yet): stay silent rather than echo to stderr
FILE_MODE = 0o600


class ScrubSecrets(logging.Filter):
    """Formats each record's message once and blanks any secret in it (and in its traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def setup(state_dir: Path) -> None:
    from zotsync.logfile import PrivateRotatingFileHandler  # logging.handlers: only for commands that log

    if any(isinstance(h, PrivateRotatingFileHandler) for h in LOGGER.handlers):
        return
    path = state_dir / "zotsync.log"
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        handler = PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        for old in [path, *(path.with_name(f"{path.name}.{n}") for n in range(1, 4))]:
            if old.exists():
                old.chmod(FILE_MODE)  # logs written by earlier versions, created world-readable
    except OSError:
        return  # a read-only state dir is reported by the state database itself
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.addFilter(ScrubSecrets())
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)

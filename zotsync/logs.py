"""A rotated log file under the state dir, for runs nobody watches."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER = logging.getLogger("zotsync")
LOGGER.addHandler(logging.NullHandler())  # no log file (yet): stay silent rather than echo to stderr


def setup(state_dir: Path) -> None:
    if any(isinstance(h, RotatingFileHandler) for h in LOGGER.handlers):
        return
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(state_dir / "zotsync.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return  # a read-only state dir is reported by the state database itself
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)

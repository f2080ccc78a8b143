"""The log file's handler: rotated, and created readable by its owner only."""

from __future__ import annotations

import os
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from typing import cast

from zotsync.logs import FILE_MODE


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files are created with mode 0600 (like the state)."""

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        return cast(TextIOWrapper, open(fd, self.mode, encoding=self.encoding, errors=self.errors))

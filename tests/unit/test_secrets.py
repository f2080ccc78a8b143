"""The API key never reaches a message, a log line or the log's neighbours: one scrub, a private log file."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from zotsync import logs
from zotsync.secrets_store import register_secret, scrub

KEY = "P9xVb2kQ7mZr4Tn8Ls1Wd6Hc"


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state"
    for handler in [h for h in logs.LOGGER.handlers if isinstance(h, RotatingFileHandler)]:
        logs.LOGGER.removeHandler(handler)
        handler.close()


def test_scrub_blanks_a_registered_key_and_credential_shapes():
    register_secret(KEY)
    assert scrub(f"echo {KEY} and {KEY[:4]}") == f"echo *** and {KEY[:4]}"
    assert scrub("Authorization: Bearer abcdef123456") == "Authorization: Bearer ***"
    assert scrub("GET /items?key=other999key&limit=5") == "GET /items?key=***&limit=5"
    assert scrub("Zotero-API-Key: zzz111yyy222") == "Zotero-API-Key: ***"
    assert scrub('{"key": "ABCDEFGH", "version": 3}') == '{"key": "ABCDEFGH", "version": 3}'  # item keys stay


def test_a_short_placeholder_key_does_not_blank_ordinary_words():
    register_secret("x")
    assert scrub("the next run") == "the next run"


def test_the_log_file_is_private_and_scrubbed(log_dir):
    register_secret(KEY)
    logs.setup(log_dir)
    logs.LOGGER.error("server said: %s", f"bad key {KEY}")
    try:
        raise ValueError(f"boom {KEY}")
    except ValueError:
        logs.LOGGER.exception("failed")
    for handler in logs.LOGGER.handlers:
        handler.flush()
    log = log_dir / "zotsync.log"
    text = log.read_text()
    assert "server said: bad key ***" in text and "ValueError: boom ***" in text and KEY not in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_an_old_world_readable_log_and_rotated_copies_become_private(log_dir):
    log_dir.mkdir(parents=True)
    (log_dir / "zotsync.log").write_text("old\n")
    (log_dir / "zotsync.log").chmod(0o644)
    logs.setup(log_dir)
    handler = next(h for h in logs.LOGGER.handlers if isinstance(h, RotatingFileHandler))
    assert stat.S_IMODE((log_dir / "zotsync.log").stat().st_mode) == 0o600
    handler.doRollover()
    logs.LOGGER.log(logging.INFO, "after rollover")
    for path in (log_dir / "zotsync.log", log_dir / "zotsync.log.1"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

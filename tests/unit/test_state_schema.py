"""The state database's schema version: checked at open, migrated forward, refused when newer or damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from zotsync import state as state_module
from zotsync.errors import StateError
from zotsync.model import Status
from zotsync.state import SCHEMA_VERSION, State

DAMAGED = "is damaged: move it away and rerun; nothing in Zotero is lost"


def test_a_new_database_records_the_current_schema_version(tmp_path: Path) -> None:
    state = State(tmp_path / "s.sqlite")
    assert state.get_meta("schema_version") == str(SCHEMA_VERSION)
    state.close()


def test_a_database_from_a_newer_zotsync_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    state = State(path)
    state.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    state.commit()
    state.close()
    with pytest.raises(StateError) as caught:
        State(path)
    assert f"state DB {path} {DAMAGED}" in str(caught.value)


@pytest.mark.parametrize("content", [b"this is not a database at all, just text" * 20, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_file_that_is_not_a_state_database_is_refused_with_what_to_do(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(content)
    with pytest.raises(StateError) as caught:
        State(path)
    assert f"state DB {path} {DAMAGED}" in str(caught.value)


def test_an_older_database_is_migrated_and_keeps_its_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.sqlite"
    state = State(path)
    state.set_managed("AAAA2222", Status.SYNCED, 3, {"title": "Kept"})
    state.commit()
    state.close()
    monkeypatch.setattr(state_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(state_module, "MIGRATIONS", {SCHEMA_VERSION + 1: "ALTER TABLE managed ADD COLUMN note TEXT;"})
    state = State(path)
    assert state.get_meta("schema_version") == str(SCHEMA_VERSION + 1)
    assert state.managed()["AAAA2222"].pristine == {"title": "Kept"}
    columns = [row[1] for row in sqlite3.connect(str(path)).execute("PRAGMA table_info(managed)")]
    assert "note" in columns
    state.close()


def test_state_can_live_in_memory() -> None:
    state = State(Path(":memory:"))
    state.library_version = 7
    assert state.library_version == 7
    state.close()

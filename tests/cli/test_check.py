"""``zotsync check`` through the CLI against the sandbox: a summary and an exit code, and ``--rebuild``
making a lost or damaged state again from the library's marker lines, without a write."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, USER_ID, library_items
from tests.helpers import user_deletes, user_edits

EXAMPLES = ROOT / "examples"


def check(cli, *args: str):
    return cli.run("check", "--library", f"user:{USER_ID}", *args)


def state_file(cli) -> Path:
    (path,) = cli.state_dir.glob("*.sqlite")
    return path


def test_check_agrees_after_a_sync_and_names_what_is_missing(cli, sandbox):
    assert cli.sync(EXAMPLES)[0].returncode == 0
    proc = check(cli)
    assert proc.returncode == 0, proc.stderr
    assert "the state agrees with the library" in proc.stdout and "0 missing" in proc.stdout
    key = library_items(sandbox)[0]["key"]
    user_edits(sandbox.url, key, title="My own title")
    lib = sandbox.store.library("user", USER_ID)
    lib.drop("item", key)  # gone without a trace in /deleted: what a restored library looks like
    proc = check(cli)
    assert proc.returncode == 1
    assert "1 missing" in proc.stdout and f"not in the library and not listed as deleted: {key}" in proc.stderr


def test_check_rebuild_after_a_lost_state_then_sync_writes_nothing(cli, sandbox):
    cli.sync(EXAMPLES)
    total = len(library_items(sandbox))
    key = library_items(sandbox)[0]["key"]
    user_edits(sandbox.url, key, title="My own title")
    state_file(cli).unlink()
    proc = check(cli, "--rebuild")
    assert proc.returncode == 0, proc.stderr
    assert f"state rebuilt from the library: {total} marker line(s) linked" in proc.stdout
    version = sandbox.store.library("user", USER_ID).version
    proc, report = cli.sync(EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    assert (report["created"], report["updated"], report["conflicts"]) == (0, 0, 0)
    assert sandbox.store.library("user", USER_ID).version == version
    assert next(i for i in library_items(sandbox) if i["key"] == key)["title"] == "My own title"
    assert check(cli).returncode == 0


def test_check_rebuild_replaces_a_damaged_state_and_keeps_deletions(cli, sandbox):
    cli.sync(EXAMPLES)
    gone = library_items(sandbox)[0]["key"]
    user_deletes(sandbox.url, gone)
    state_file(cli).write_bytes(b"this is not a database" * 100)
    proc, _ = cli.sync(EXAMPLES)
    assert proc.returncode != 0 and "is damaged" in proc.stderr
    proc = check(cli, "--rebuild")
    assert proc.returncode == 0, proc.stderr
    assert "damaged state was moved to" in proc.stderr and list(cli.state_dir.glob("*.damaged"))
    proc, report = cli.sync(EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    assert (report["created"], report["updated"]) == (0, 0)  # the item the user deleted is not made again
    assert gone not in {i["key"] for i in library_items(sandbox)}

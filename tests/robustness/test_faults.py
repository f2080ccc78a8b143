"""The fault matrix: whatever the server, the network or the disk does, the next normal run ends with
exactly the expected items (no duplicate, no lost update, no lost user edit) and DESIGN's exit codes."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from filelock import FileLock

from tests.conftest import ROOT, USER_ID, library_items
from tests.helpers import api, get_item, user_edits
from zotsync.documents import parse_paths
from zotsync.sandbox.server import Fault
from zotsync.works import group

EXAMPLES = ROOT / "examples"


def expected_titles(*paths: Path) -> Counter[str]:
    works = group(parse_paths([str(p) for p in paths]).parsed)
    return Counter(w.item.get("title", "") for w in works)


def library_titles(sandbox) -> Counter[str]:
    return Counter(i.get("title", "") for i in library_items(sandbox))


def assert_converges(cli, sandbox, *paths: Path) -> None:
    """A normal run afterwards finishes the job: exactly the expected items, then nothing to do."""
    proc, report = cli.sync(*paths)
    assert proc.returncode == 0, proc.stderr
    assert library_titles(sandbox) == expected_titles(*paths)
    proc, report = cli.sync(*paths)
    assert (report["created"], report["updated"]) == (0, 0)


def many_documents(tmp_path: Path, n: int = 120) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    entries = [f"@article{{key{i},\n  author = {{Author{i}, Ann and Other, Bob}},\n  title = {{Generated study number {i} "
               f"of the fault matrix}},\n  journal = {{Journal of Tests}},\n  year = {{{1990 + i % 30}}},\n  volume = {{{i}}}\n}}\n"
               for i in range(n)]
    (folder / "many.bib").write_text("\n".join(entries))
    return folder


@pytest.mark.parametrize("fault", [
    Fault(status=429, retry_after="1", method="POST", path=r"/items$"),
    Fault(status=429, method="POST", path=r"/items$"),
    Fault(status=503, retry_after="2", method="GET", path=r"/items$"),
    Fault(status=409, method="POST", path=r"/items$", times=2),
    Fault(status=500, method="POST", path=r"/items$"),
    Fault(mode="backoff", backoff="2", method="GET", path=r"/items$"),
    Fault(mode="drop_after_commit", method="POST", path=r"/items$"),
], ids=["429-retry-after", "429-no-header", "503-retry-after", "409-locked", "500", "backoff-on-success",
        "dropped-after-commit"])
def test_transient_faults_are_retried_within_the_run(cli, sandbox, fault):
    sandbox.faults.add(fault)
    proc, report = cli.sync(EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    assert library_titles(sandbox) == expected_titles(EXAMPLES)
    if fault.mode != "backoff":
        assert report["requests"] > 2  # the failed attempt was sent again
    assert_converges(cli, sandbox, EXAMPLES)


def test_read_timeout_after_the_write_committed(cli, sandbox):
    sandbox.faults.add(Fault(mode="delay", delay=3.0, method="POST", path=r"/items$"))
    proc = cli.run("sync", str(EXAMPLES), "--library", f"user:{USER_ID}")
    assert proc.returncode == 0, proc.stderr
    assert library_titles(sandbox) == expected_titles(EXAMPLES)
    assert_converges(cli, sandbox, EXAMPLES)


def test_server_unavailable_past_the_retry_budget_exits_4_and_the_next_run_finishes(cli, sandbox):
    sandbox.faults.add(Fault(status=503, retry_after="1", method="POST", path=r"/items$", times=50))
    proc, _ = cli.sync(EXAMPLES)
    assert proc.returncode == 4 and "unavailable" in proc.stderr
    sandbox.faults.set([])
    assert_converges(cli, sandbox, EXAMPLES)


def test_key_revoked_mid_run_exits_3_and_nothing_is_duplicated(cli, sandbox, tmp_path):
    docs = many_documents(tmp_path)
    first_batch_then_revoke = [Fault(mode="none", method="POST", path=r"/items$", times=1),
                               Fault(status=403, method="POST", path=r"/items$", times=10)]
    sandbox.faults.set(first_batch_then_revoke)
    proc, _ = cli.sync(docs)
    assert proc.returncode == 3, proc.stderr
    assert 0 < len(library_items(sandbox)) < 120
    sandbox.faults.set([])
    assert_converges(cli, sandbox, docs)


def test_process_killed_between_two_batches(cli, sandbox, tmp_path):
    docs = many_documents(tmp_path)
    sandbox.faults.set([Fault(mode="none", method="POST", path=r"/items$", times=1),
                        Fault(mode="delay", delay=30.0, method="POST", path=r"/items$", times=1)])
    proc = subprocess.Popen([sys.executable, "-m", "zotsync", "sync", str(docs), "--library", f"user:{USER_ID}"],
                            env={**cli.env, "ZOTSYNC_TIMEOUT": "60"}, cwd=cli.workdir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(library_items(sandbox)) < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the second batch is now in flight, held by the server
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(library_items(sandbox)) == 50
    assert_converges(cli, sandbox, docs)  # the delayed batch lands later or is resent: never twice


def test_item_edited_by_the_user_during_the_run(cli, sandbox, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    bib = docs / "library.bib"
    bib.write_text((EXAMPLES / "library.bib").read_text())
    cli.sync(docs)
    key = next(i["key"] for i in library_items(sandbox) if i["title"] == "Literate Programming")
    bib.write_text(bib.read_text().replace("volume = {27}", "volume = {28}"))
    sandbox.faults.fired.clear()
    sandbox.faults.add(Fault(mode="delay", delay=1.0, method="POST", path=r"/items$"))

    def edit_while_the_write_is_held() -> None:
        assert sandbox.faults.fired.wait(60)
        user_edits(sandbox.url, key, title="Literate programming (my title)")

    editor = threading.Thread(target=edit_while_the_write_is_held)
    editor.start()
    proc, report = cli.sync(docs)
    editor.join()
    assert proc.returncode == 0, proc.stderr
    data = get_item(sandbox.url, key)["data"]
    assert (data["title"], data["volume"]) == ("Literate programming (my title)", "28")
    assert report["updated"] == 1 and report["requests"] == 4, report  # 304 probe, POST (412), refetch, POST


def test_two_runs_at_once_the_second_exits_5(cli, sandbox):
    lock_path = cli.state_dir / f"{sandbox.url.split('://')[1].split('/')[0]}-user-{USER_ID}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path)):
        started = time.monotonic()
        proc, _ = cli.sync(EXAMPLES)
        assert proc.returncode == 5 and "lock" in proc.stderr
        assert time.monotonic() - started < 30
    assert library_items(sandbox) == []
    assert_converges(cli, sandbox, EXAMPLES)


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def test_state_disk_full_exits_2_and_the_next_run_finishes(cli, sandbox):
    proc = subprocess.run([sys.executable, "-m", "zotsync", "sync", str(EXAMPLES), "--library", f"user:{USER_ID}"],
                          env=cli.env, cwd=cli.workdir, capture_output=True, text=True, preexec_fn=_limit_file_size,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "state" in proc.stderr and "Traceback" not in proc.stderr
    assert max(library_titles(sandbox).values(), default=0) <= 1
    assert_converges(cli, sandbox, EXAMPLES)


def _read_only_command(state: Path, argv: list[str]) -> list[str] | None:
    """Run ``argv`` with ``state`` mounted read-only (a private mount namespace), or None if impossible."""
    if os.geteuid() != 0:
        os.chmod(state, 0o555)
        return argv
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind / /mnt 2>/dev/null; true"], capture_output=True)
    if probe.returncode != 0:
        return None
    quoted = " ".join(f"'{a}'" for a in argv)
    return ["unshare", "-m", "sh", "-c",
            f"mount --bind '{state}' '{state}' && mount -o remount,ro,bind '{state}' && exec {quoted}"]


def test_state_dir_read_only_exits_2_and_the_next_run_finishes(cli, sandbox):
    cli.state_dir.mkdir(parents=True)
    command = _read_only_command(cli.state_dir, [sys.executable, "-m", "zotsync", "sync", str(EXAMPLES),
                                                 "--library", f"user:{USER_ID}"])
    if command is None:
        pytest.skip("cannot make a read-only mount here")
    proc = subprocess.run(command, env=cli.env, cwd=cli.workdir, capture_output=True, text=True, timeout=120)
    os.chmod(cli.state_dir, 0o755)
    assert proc.returncode == 2, proc.stderr
    assert str(cli.state_dir) in proc.stderr and "Traceback" not in proc.stderr
    assert library_items(sandbox) == []
    assert_converges(cli, sandbox, EXAMPLES)


@pytest.mark.parametrize("length, refused", [(500_000, False), (500_001, True)])
def test_the_sandbox_refuses_a_child_note_over_the_api_limit_per_object(sandbox, length, refused):
    parent = {"key": "PARENT22", "version": 0, "itemType": "book", "title": "Long note"}
    note = {"key": "CHILD222", "version": 0, "itemType": "note", "parentItem": "PARENT22",
            "note": "<p>" + "x" * (length - 7) + "</p>"}
    status, body = api(sandbox.url, "POST", "/items", [parent, note])
    assert status == 200 and "0" in body["successful"]
    if refused:
        assert body["failed"]["1"]["code"] == 413 and "too long" in body["failed"]["1"]["message"]
        assert "1" not in body["successful"]
    else:
        assert "1" in body["successful"] and not body["failed"]

"""A Hypothesis state machine over the whole engine: source edits, user edits, deletions, lost
responses, outages and a lost state database, in any order. Invariants: no work is ever duplicated,
a user's edit is never reverted, a deleted item is never recreated, and a sync with nothing new
writes nothing. It runs over the in-memory library (fast) and over the sandbox through the web
client (marked slow)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tests.conftest import API_KEY, USER_ID
from tests.helpers import api
from zotsync.engine import Source, sync
from zotsync.errors import ServiceUnavailable
from zotsync.library.base import Library
from zotsync.library.client import LibrarySpec, ZoteroClient
from zotsync.library.memory import MemoryLibrary
from zotsync.library.transport import RetryPolicy
from zotsync.sandbox.app import Account
from zotsync.sandbox.server import Fault, SandboxServer
from zotsync.state import State

N = 6
SPEC = LibrarySpec("user", USER_ID)


def entry(i: int, volume: int) -> str:
    return (f"@article{{work{i},\n  author = {{Writer{i}, Wanda}},\n  title = {{Machine work number {i} on sync}},\n"
            f"  journal = {{Journal of State}},\n  year = {{2001}},\n  volume = {{{volume}}}\n}}\n")


class SyncMachine(RuleBasedStateMachine):
    """The rules and invariants; subclasses give the library and act the user's and the network's part."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp())
        self.volumes = dict.fromkeys(range(N), 1)
        self.user_titles: dict[int, str] = {}
        self.deleted: set[int] = set()
        self.synced_once = False
        self.write_docs()

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- the library's side ----------------------------------------------------
    def items(self) -> list[dict]:
        raise NotImplementedError

    def library(self) -> tuple[Library, Callable[[], None]]:
        raise NotImplementedError

    def edit(self, item: dict, changes: dict) -> None:
        raise NotImplementedError

    def delete(self, item: dict) -> None:
        raise NotImplementedError

    def lose_next_response(self) -> None:
        raise NotImplementedError

    def go_down(self) -> None:
        raise NotImplementedError

    def clear_faults(self) -> None:
        raise NotImplementedError

    # ---- helpers -----------------------------------------------------------
    def write_docs(self) -> None:
        (self.dir / "docs").mkdir(exist_ok=True)
        (self.dir / "docs" / "works.bib").write_text("\n".join(entry(i, v) for i, v in self.volumes.items()))

    def item_of(self, i: int) -> dict | None:
        return next((it for it in self.items() if it.get("citationKey") == f"work{i}"), None)

    def run_sync(self) -> dict[str, int]:
        library, close = self.library()
        before = library.requests  # the in-memory library lives on between runs
        state = State(self.dir / "state.sqlite")
        try:
            result = sync([Source([str(self.dir / "docs")])], library, state, SPEC.uri)
        finally:
            state.close()
            close()
        tally: dict[str, int] = {"requests": result.requests - before}
        for outcome in result.applied.outcomes if result.applied else []:
            tally[outcome.action] = tally.get(outcome.action, 0) + 1
        return tally

    # ---- rules -------------------------------------------------------------
    @rule()
    def sync_now(self) -> None:
        try:
            self.run_sync()
        except ServiceUnavailable:
            return
        self.synced_once = True
        for i, title in self.user_titles.items():
            if i not in self.deleted:
                assert (self.item_of(i) or {}).get("title") == title, "a user's edit was reverted"

    @rule(i=st.integers(0, N - 1))
    def source_changes(self, i: int) -> None:
        self.volumes[i] += 1
        self.write_docs()

    @precondition(lambda self: self.synced_once)
    @rule(i=st.integers(0, N - 1))
    def user_edits_title(self, i: int) -> None:
        item = self.item_of(i)
        if item is None:
            return
        title = f"My own title for work {i} v{item['version']}"
        self.edit(item, {"title": title})
        self.user_titles[i] = title

    @precondition(lambda self: self.synced_once)
    @rule(i=st.integers(0, N - 1))
    def user_deletes(self, i: int) -> None:
        item = self.item_of(i)
        if item is None:
            return
        self.delete(item)
        self.deleted.add(i)

    @rule()
    def next_response_is_lost(self) -> None:
        self.lose_next_response()

    @rule()
    def server_goes_down_for_a_while(self) -> None:
        self.go_down()

    @rule()
    def state_is_lost(self) -> None:
        (self.dir / "state.sqlite").unlink(missing_ok=True)

    # ---- invariants ----------------------------------------------------------
    @invariant()
    def never_a_duplicate(self) -> None:
        keys = [it.get("citationKey") for it in self.items()]
        assert len(keys) == len(set(keys)), keys

    @invariant()
    def deleted_items_stay_deleted(self) -> None:
        for i in self.deleted:
            assert self.item_of(i) is None, f"work{i} was recreated"

    @precondition(lambda self: self.synced_once)
    @rule()
    def quiet_rerun_writes_nothing(self) -> None:
        self.clear_faults()
        try:
            self.run_sync()
        except ServiceUnavailable:
            raise AssertionError("no fault is pending, yet the server seemed down") from None
        tally = self.run_sync()
        assert tally.get("created", 0) == tally.get("updated", 0) == 0, tally
        assert tally["requests"] <= 3, tally
        alive = {i for i in range(N)} - self.deleted
        assert {int(it["citationKey"][4:]) for it in self.items()} == alive


class MemorySyncMachine(SyncMachine):
    """Over the in-memory library: the same write rules, no HTTP."""

    def __init__(self) -> None:
        super().__init__()
        self.memory = MemoryLibrary("user", USER_ID)

    def items(self) -> list[dict]:
        return [dict(o.data, key=o.key, version=o.version) for o in self.memory.lib.items.values()
                if not o.data.get("deleted")]

    def library(self) -> tuple[Library, Callable[[], None]]:
        return self.memory, lambda: None

    def edit(self, item: dict, changes: dict) -> None:
        self.memory.user_edit(item["key"], changes)

    def delete(self, item: dict) -> None:
        self.memory.user_delete(item["key"])

    def lose_next_response(self) -> None:
        self.memory.fail_next("lost")

    def go_down(self) -> None:
        self.memory.fail_next("outage")

    def clear_faults(self) -> None:
        self.memory.faults.clear()


class SandboxSyncMachine(SyncMachine):
    """Over the sandbox, through the web client and its retry layer, with real lost answers and 503s."""

    def __init__(self) -> None:
        super().__init__()
        self.server = SandboxServer(Account(USER_ID, API_KEY), data_dir=self.dir / "sb", rate_limit=False)
        self.server.start()

    def teardown(self) -> None:
        self.server.stop()
        super().teardown()

    def items(self) -> list[dict]:
        lib = self.server.store.library("user", USER_ID)
        return [dict(o.data, key=o.key, version=o.version) for o in lib.items.values() if not o.data.get("deleted")]

    def library(self) -> tuple[Library, Callable[[], None]]:
        client = ZoteroClient(SPEC, API_KEY, self.server.url, RetryPolicy(max_wait=0.01, attempts=3, sleep=lambda s: None),
                              timeout=5)
        return client, client.close

    def edit(self, item: dict, changes: dict) -> None:
        status, _ = api(self.server.url, "PATCH", f"/items/{item['key']}", changes,
                        {"If-Unmodified-Since-Version": str(item["version"])})
        assert status == 204

    def delete(self, item: dict) -> None:
        status, _ = api(self.server.url, "DELETE", f"/items/{item['key']}",
                        headers={"If-Unmodified-Since-Version": str(item["version"])})
        assert status == 204

    def lose_next_response(self) -> None:
        self.server.faults.add(Fault(mode="drop_after_commit", method="POST", path=r"/items$"))

    def go_down(self) -> None:
        self.server.faults.add(Fault(status=503, method="*", path=r"/items$", times=4))

    def clear_faults(self) -> None:
        self.server.faults.set([])


MemorySyncMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
SandboxSyncMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
TestSyncMachineInMemory = MemorySyncMachine.TestCase
TestSyncMachine = pytest.mark.slow(SandboxSyncMachine.TestCase)

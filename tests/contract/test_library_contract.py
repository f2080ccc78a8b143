"""One contract for every Library: the in-memory double, the web client against the sandbox, and
the web client replaying cassettes in cassettes/contract_*.yaml (recorded against a fresh sandbox:
ZOTSYNC_RECORD=sandbox pytest tests/contract; secret headers filtered as in test_client_cassettes).

Each test states a rule of the Zotero Web API that apply relies on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import API_KEY, USER_ID
from tests.contract.test_client_cassettes import REPLAY_KEY, recorder
from zotsync.library.base import BATCH, Library
from zotsync.library.client import LibrarySpec, ZoteroClient
from zotsync.library.memory import MemoryLibrary
from zotsync.library.transport import RetryPolicy
from zotsync.sandbox.app import Account
from zotsync.sandbox.server import SandboxServer

MODE = os.environ.get("ZOTSYNC_RECORD", "")
K = ["CNTR2222", "CNTR3333", "CNTR4444", "CNTR5555", "CNTR6666", "CNTR7777"]


def book(key: str, title: str, version: int = 0, **fields: Any) -> dict[str, Any]:
    return {"key": key, "version": version, "itemType": "book", "title": title, "tags": [], **fields}


class LibraryContract:
    """Subclasses provide a fresh, empty ``library`` fixture."""

    def test_a_fresh_library_is_empty(self, library: Library) -> None:
        assert library.all_items() == []
        assert library.deleted_since(0) == []

    def test_creates_land_with_new_versions_and_are_read_back(self, library: Library) -> None:
        result = library.write([book(K[0], "First"), book(K[1], "Second")])
        assert sorted(result.successful) == [0, 1] and not result.failed and not result.unchanged
        assert result.library_version == max(o["version"] for o in result.successful.values())
        assert result.successful[0]["data"]["title"] == "First"
        assert {o["key"] for o in library.items_by_key([K[0], K[1], K[2]])} == {K[0], K[1]}
        assert {o["key"] for o in library.all_items()} == {K[0], K[1]}
        assert library.last_version == result.library_version

    def test_version_zero_creates_only(self, library: Library) -> None:
        library.write([book(K[0], "Once")])
        again = library.write([book(K[0], "Once more")])
        assert not again.successful and again.failed[0]["code"] == 412
        assert "expected 0" in again.failed[0]["message"]  # apply reads this as "an earlier attempt landed"

    def test_changed_versions_since_and_nothing_changed(self, library: Library) -> None:
        created = library.write([book(K[0], "Versioned")]).successful[0]
        version = library.last_version
        assert version is not None
        assert library.changed_versions(version) is None
        assert library.changed_versions(version - 1) == {K[0]: created["version"]}

    def test_update_with_the_current_version_lands_and_a_stale_one_is_a_per_object_412(self, library: Library) -> None:
        created = library.write([book(K[0], "Stale")]).successful[0]
        updated = library.write([{"key": K[0], "version": created["version"], "publisher": "First"}])
        assert updated.successful[0]["data"]["publisher"] == "First"
        assert updated.successful[0]["version"] > created["version"]
        stale = library.write([{"key": K[0], "version": created["version"], "publisher": "Second"},
                               book(K[1], "Beside it")])
        assert stale.failed[0]["code"] == 412 and 1 in stale.successful  # one refusal does not stop the batch

    def test_same_data_again_is_unchanged(self, library: Library) -> None:
        created = library.write([book(K[0], "Same")]).successful[0]
        again = library.write([{"key": K[0], "version": created["version"], "title": "Same"}])
        assert again.unchanged == {0: K[0]} and not again.successful

    def test_a_version_for_a_missing_key_is_404(self, library: Library) -> None:
        result = library.write([book(K[2], "Not there", version=7)])
        assert result.failed[0]["code"] == 404

    def test_a_key_based_write_without_a_version_is_428(self, library: Library) -> None:
        library.write([book(K[0], "Versionless")])
        result = library.write([{"key": K[0], "publisher": "No version"}])
        assert result.failed[0]["code"] == 428

    def test_invalid_data_and_missing_parents_fail_per_object(self, library: Library) -> None:
        result = library.write([book(K[0], "Bad", noSuchField="x"),
                                {"key": K[1], "version": 0, "itemType": "note", "note": "<p>x</p>", "parentItem": K[5]},
                                book(K[2], "Good")])
        assert result.failed[0]["code"] == 400 and result.failed[1]["code"] == 409 and 2 in result.successful

    def test_more_than_fifty_objects_are_refused_before_sending(self, library: Library) -> None:
        before = library.requests
        with pytest.raises(ValueError):
            library.write([book(f"CN{i:02d}AAAA".replace("0", "2").replace("1", "3"), "x") for i in range(BATCH + 1)])
        assert library.requests == before

    def test_collections_are_created_and_listed(self, library: Library) -> None:
        made = library.create_collection(K[3], "Contract shelf")
        assert made["key"] == K[3]
        assert [(c["key"], c["data"]["name"]) for c in library.collections()] == [(K[3], "Contract shelf")]
        filed = library.write([book(K[0], "Filed", collections=[K[3]])])
        assert filed.successful[0]["data"]["collections"] == [K[3]]


class TestMemoryLibrary(LibraryContract):
    @pytest.fixture
    def library(self) -> MemoryLibrary:
        return MemoryLibrary("user", USER_ID)

    def test_deleted_items_are_listed_since_their_deletion(self, library: MemoryLibrary) -> None:
        library.write([book(K[0], "Gone soon")])
        before = library.lib.version
        library.user_delete(K[0])
        assert library.deleted_since(before) == [K[0]] and library.deleted_since(library.lib.version) == []
        assert library.items_by_key([K[0]]) == []

    def test_a_write_on_a_stale_library_version_is_refused_whole(self, library: MemoryLibrary) -> None:
        library.write([book(K[0], "One")])
        with pytest.raises(Exception, match="library changed"):
            library.write([book(K[1], "Two")], since=0)
        assert [o["key"] for o in library.all_items()] == [K[0]]


class TestSandboxThroughTheWebClient(LibraryContract):
    @pytest.fixture
    def library(self, sandbox: SandboxServer) -> Iterator[ZoteroClient]:
        client = ZoteroClient(LibrarySpec("user", USER_ID), API_KEY, sandbox.url, RetryPolicy(max_wait=0.01, attempts=2))
        yield client
        client.close()


class TestCassettesThroughTheWebClient(LibraryContract):
    @pytest.fixture
    def library(self, request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[ZoteroClient]:
        server = SandboxServer(Account(78, REPLAY_KEY), data_dir=tmp_path / "sb", rate_limit=False) if MODE else None
        url = server.start() if server else "http://127.0.0.1:9"
        client = ZoteroClient(LibrarySpec("user", 78), REPLAY_KEY, url, RetryPolicy(max_wait=0.01, attempts=2))
        with recorder().use_cassette(f"contract_{request.node.name}.yaml"):
            yield client
        client.close()
        if server:
            server.stop()

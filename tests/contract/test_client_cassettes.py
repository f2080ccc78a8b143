"""The client layer on pyzotero, replayed from vcrpy cassettes in cassettes/.

Replay is the default (no network, no server). To re-record against a fresh
in-process sandbox: ZOTSYNC_RECORD=sandbox pytest tests/test_client_cassettes.py
To record against the real API (a test library you can write to):
ZOTSYNC_RECORD=real ZOTERO_API_KEY=... ZOTSYNC_TEST_LIBRARY=user:123456 pytest tests/test_client_cassettes.py
Authorization and key headers are filtered out of every cassette.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr

from tests.conftest import ROOT
from zotsync.library.client import LibrarySpec, ZoteroClient
from zotsync.library.transport import RetryPolicy
from zotsync.sandbox.app import Account
from zotsync.sandbox.server import SandboxServer

CASSETTES = ROOT / "cassettes"
MODE = os.environ.get("ZOTSYNC_RECORD", "")
SECRET_HEADERS = [("authorization", "REDACTED"), ("zotero-api-key", "REDACTED")]
REPLAY_KEY = "replaykey0cassette"
ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
KEYS = [f"CAS2{ALPHABET[n // 33 % 33]}{ALPHABET[n % 33]}Q2" for n in range(130)]


def recorder() -> vcr.VCR:
    return vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="all" if MODE else "none",
                   match_on=["method", "path", "query", "body"], filter_headers=SECRET_HEADERS,
                   filter_query_parameters=["key"], decode_compressed_response=True)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[ZoteroClient]:
    if MODE == "real":
        spec = LibrarySpec.parse(os.environ["ZOTSYNC_TEST_LIBRARY"])
        zc = ZoteroClient(spec, os.environ["ZOTERO_API_KEY"], policy=RetryPolicy(max_wait=15))
        yield zc
        zc.close()
        return
    server = SandboxServer(Account(77, REPLAY_KEY), data_dir=tmp_path / "sb", rate_limit=False) if MODE else None
    url = server.start() if server else "http://127.0.0.1:9"
    zc = ZoteroClient(LibrarySpec("user", 77), REPLAY_KEY, url, RetryPolicy(max_wait=0.01, attempts=2))
    yield zc
    zc.close()
    if server:
        server.stop()


def book(key: str, title: str) -> dict:
    return {"key": key, "version": 0, "itemType": "book", "title": title, "tags": [{"tag": "cassette"}]}


def test_creates_with_version_zero_and_a_repeat_reports_each_object(client):
    with recorder().use_cassette("client_create_and_repeat.yaml"):
        batch = [book(k, f"Cassette book {i}") for i, k in enumerate(KEYS[:3])]
        first = client.write_items(batch)
        assert sorted(first.successful) == [0, 1, 2] and not first.failed
        assert first.library_version == max(o["version"] for o in first.successful.values())
        again = client.write_items(batch)
        assert not again.successful and sorted(again.failed) == [0, 1, 2]
        assert all(f["code"] == 412 and "expected 0" in f["message"] for f in again.failed.values())


def test_versions_since_and_the_304_probe(client):
    with recorder().use_cassette("client_versions_304.yaml"):
        client.write_items([book(KEYS[10], "Versioned")])
        version = client.last_version
        assert client.changed_versions(version) is None  # nothing changed since: an empty answer, one request
        changed = client.changed_versions(version - 1)
        assert changed == {KEYS[10]: version}


def test_items_by_key_in_batches_of_50_and_the_whole_library_in_pages(client):
    with recorder().use_cassette("client_batches_and_pages.yaml"):
        keys = KEYS[20:80]
        for start in range(0, len(keys), 50):
            client.write_items([book(k, f"Paged {k}") for k in keys[start:start + 50]])
        before = client.requests
        fetched = client.items_by_key(keys)
        assert {o["key"] for o in fetched} == set(keys) and client.requests - before == 2
        before = client.requests
        everything = client.all_items()
        assert {o["key"] for o in everything} >= set(keys) and client.requests - before == 1


def test_stale_update_is_a_per_object_412(client):
    with recorder().use_cassette("client_stale_update.yaml"):
        created = client.write_items([book(KEYS[100], "Stale")]).successful[0]
        client.write_items([{"key": KEYS[100], "version": created["version"], "publisher": "First"}])
        stale = client.write_items([{"key": KEYS[100], "version": created["version"], "publisher": "Second"}])
        assert stale.failed[0]["code"] == 412


def test_cassettes_hold_no_secrets():
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text()
        assert REPLAY_KEY not in text and "Bearer" not in text, path

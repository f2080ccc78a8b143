"""The sandbox's kept indexes (sorted orders, child and collection counts) against what a client sees.

Listings are served from orders sorted once per library revision and counts kept as objects
change; these tests change a small library in every way a client can (create, update, trash,
restore, re-parent, delete, collection membership and deletion, reopening the store) and check
each listing and count against what the data says it must be.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zotsync.sandbox.app import Account, SandboxApp
from zotsync.sandbox.http import Request
from zotsync.sandbox.store import Store

USER, KEY = 77, "scaletestkey1234"
TITLES = ["Zeta functions revisited", "alpha decay in heavy nuclei", "Markov chains", "beta blockers and risk",
          "Graph minors", "delta methods", "Epsilon nets", "gamma rays from pulsars"]


class Client:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.app = SandboxApp(store, Account(USER, KEY), "http://sandbox.test", rate_limit=False)

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any, dict[str, str]]:
        raw = json.dumps(body).encode() if body is not None else b""
        names = {"Zotero-API-Key": KEY, "Content-Type": "application/json",
                 **{k.replace("_", "-"): v for k, v in headers.items()}}
        response = self.app(Request.build(method, f"/users/{USER}{path}", names, raw))
        text = response.body.decode()
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return response.status, json.loads(text) if is_json and text else text, response.headers

    def get(self, path: str) -> Any:
        status, body, _ = self.call("GET", path)
        assert status == 200, body
        return body

    def create(self, objects: list[dict[str, Any]], kind: str = "items") -> list[str]:
        status, body, _ = self.call("POST", f"/{kind}", [{"version": 0, **o} if "key" in o else o for o in objects])
        assert status == 200 and not body["failed"], body
        return [body["success"][str(i)] for i in range(len(objects))]

    def patch(self, key: str, **fields: Any) -> None:
        version = self.get(f"/items/{key}")["version"]
        status, body, _ = self.call("PATCH", f"/items/{key}", fields, If_Unmodified_Since_Version=str(version))
        assert status == 204, body

    def delete(self, key: str, kind: str = "items") -> None:
        version = self.get(f"/{kind}/{key}")["version"]
        status, body, _ = self.call("DELETE", f"/{kind}/{key}", If_Unmodified_Since_Version=str(version))
        assert status == 204, body

    def titles(self, path: str) -> list[str]:
        return [o["data"].get("title", o["data"].get("note", "")) for o in self.get(path)]

    def paged_keys(self, path: str, limit: int) -> list[str]:
        keys: list[str] = []
        sep = "&" if "?" in path else "?"
        while True:
            page = self.get(f"{path}{sep}limit={limit}&start={len(keys)}")
            keys += [o["key"] for o in page]
            if len(page) < limit:
                return keys


@pytest.fixture
def client() -> Client:
    return Client(Store())


def book(title: str, **more: Any) -> dict[str, Any]:
    author = {"creatorType": "author", "firstName": "Ann", "lastName": title.split()[0]}
    return {"itemType": "book", "title": title, "creators": [author], **more}


def note(parent: str, text: str = "") -> dict[str, Any]:
    return {"itemType": "note", "parentItem": parent, "note": text}


def by_title(titles: list[str]) -> list[str]:
    return sorted(titles, key=str.lower)


def test_title_order_follows_every_kind_of_change(client):
    keys = client.create([book(t) for t in TITLES])
    assert client.titles("/items?sort=title") == by_title(TITLES)
    assert client.titles("/items?sort=title&direction=desc") == by_title(TITLES)[::-1]
    client.patch(keys[0], title="Aardvark census")  # was last, now first
    expected = by_title(["Aardvark census", *TITLES[1:]])
    assert client.titles("/items?sort=title") == expected
    client.create([book("Kappa statistics")])
    expected = by_title([*expected, "Kappa statistics"])
    assert client.titles("/items?sort=title") == expected
    client.delete(keys[2])  # Markov chains
    expected.remove("Markov chains")
    assert client.titles("/items?sort=title") == expected
    client.patch(keys[4], deleted=1)  # Graph minors to the trash
    assert client.titles("/items?sort=title") == [t for t in expected if t != "Graph minors"]
    assert client.titles("/items?sort=title&includeTrashed=1") == expected
    assert client.titles("/items/trash") == ["Graph minors"]
    client.patch(keys[4], deleted=0)
    assert client.titles("/items?sort=title") == expected
    assert client.titles("/items/trash") == []


def test_default_order_is_newest_change_first_and_moves_with_each_write(client):
    keys = client.create([book(t) for t in TITLES[:4]])
    assert [o["key"] for o in client.get("/items")] == keys[::-1]
    client.patch(keys[0], publisher="Updated Press")
    assert [o["key"] for o in client.get("/items")][0] == keys[0]


def test_pages_cover_the_library_once_in_the_single_page_order(client):
    client.create([book(f"{t} {i}") for i, t in enumerate(TITLES * 4)])
    whole = [o["key"] for o in client.get("/items?sort=title&limit=100")]
    assert len(whole) == len(set(whole)) == 32
    assert client.paged_keys("/items?sort=title", 5) == whole
    status, body, headers = client.call("GET", "/items?sort=title&limit=5&start=10")
    assert headers["Total-Results"] == "32" and 'rel="next"' in headers["Link"]


def test_a_write_between_two_pages_is_seen_by_the_next_page(client):
    keys = client.create([book(f"Item title {i:02d}") for i in range(10)])
    first = [o["key"] for o in client.get("/items?sort=title&limit=5")]
    client.patch(keys[0], title="Item title 99")
    rest = [o["key"] for o in client.get("/items?sort=title&limit=5&start=5")]
    assert first == keys[:5] and rest == [*keys[6:], keys[0]]


def test_since_and_item_key_listings_after_updates(client):
    keys = client.create([book(t) for t in TITLES])
    version = client.get(f"/items/{keys[-1]}")["version"]
    client.patch(keys[1], publisher="Somewhere")
    client.patch(keys[5], publisher="Elsewhere")
    changed = client.get(f"/items?since={version}&format=versions")
    assert set(changed) == {keys[1], keys[5]}
    picked = client.get(f"/items?itemKey={keys[3]},{keys[0]},{keys[6]}&sort=title")
    assert [o["data"]["title"] for o in picked] == by_title([TITLES[3], TITLES[0], TITLES[6]])


def num_children(client: Client, key: str) -> int:
    return int(client.get(f"/items/{key}")["meta"]["numChildren"])


def test_child_counts_follow_creates_moves_and_deletes(client):
    first, second = client.create([book("Parent one"), book("Parent two")])
    notes = client.create([note(first), note(first), note(second)])
    assert (num_children(client, first), num_children(client, second)) == (2, 1)
    listed = {o["key"]: o["meta"]["numChildren"] for o in client.get("/items/top")}
    assert listed == {first: 2, second: 1}
    client.patch(notes[0], parentItem=second)  # a note moves to the other parent
    assert (num_children(client, first), num_children(client, second)) == (1, 2)
    assert sorted(o["key"] for o in client.get(f"/items/{second}/children")) == sorted([notes[0], notes[2]])
    client.delete(notes[2])
    assert num_children(client, second) == 1
    assert [o["key"] for o in client.get(f"/items/{second}/children")] == [notes[0]]


def test_deleting_a_parent_deletes_its_children_and_their_counts(client):
    parent, other = client.create([book("Parent"), book("Other")])
    kids = client.create([note(parent), note(parent), note(other)])
    client.delete(parent)
    for kid in kids[:2]:
        status, _, _ = client.call("GET", f"/items/{kid}")
        assert status == 404
    assert sorted(client.get("/deleted?since=0")["items"]) == sorted([parent, *kids[:2]])
    assert num_children(client, other) == 1
    assert [o["key"] for o in client.get("/items")] == [kids[2], other]


def test_a_multi_delete_of_a_parent_and_its_child_together(client):
    parent = client.create([book("Parent")])[0]
    kid = client.create([note(parent)])[0]
    status, body, _ = client.call("DELETE", f"/items?itemKey={parent},{kid}")
    assert status == 204, body
    assert client.get("/items") == []


def test_collection_counts_and_listings_follow_membership(client):
    coll, sub = client.create([{"name": "Reading"}], "collections")[0], None
    sub = client.create([{"name": "Later", "parentCollection": coll}], "collections")[0]
    a, b, c = client.create([book("Alpha", collections=[coll]), book("Beta", collections=[coll]), book("Gamma")])
    kid = client.create([note(a)])[0]
    meta = client.get(f"/collections/{coll}")["meta"]
    assert (meta["numItems"], meta["numCollections"]) == (2, 1)
    assert sorted(o["key"] for o in client.get(f"/collections/{coll}/items")) == sorted([a, b, kid])
    assert sorted(o["key"] for o in client.get(f"/collections/{coll}/items/top")) == sorted([a, b])
    client.patch(b, collections=[])
    client.patch(c, collections=[coll, sub])
    assert client.get(f"/collections/{coll}")["meta"]["numItems"] == 2
    assert client.get(f"/collections/{sub}")["meta"]["numItems"] == 1
    assert sorted(o["key"] for o in client.get(f"/collections/{coll}/items/top")) == sorted([a, c])
    assert [o["key"] for o in client.get(f"/collections/{coll}/collections")] == [sub]


def test_deleting_a_collection_takes_it_off_its_items(client):
    coll = client.create([{"name": "Doomed"}], "collections")[0]
    keep = client.create([{"name": "Kept"}], "collections")[0]
    a = client.create([book("Alpha", collections=[coll, keep])])[0]
    version = client.get(f"/items/{a}")["version"]
    client.delete(coll, "collections")
    item = client.get(f"/items/{a}")
    assert item["data"]["collections"] == [keep] and item["version"] == version
    assert client.get(f"/collections/{keep}")["meta"]["numItems"] == 1
    assert [o["key"] for o in client.get(f"/collections/{keep}/items")] == [a]


def test_counts_and_orders_survive_reopening_the_store(tmp_path: Path):
    client = Client(Store(tmp_path / "sandbox.sqlite"))
    parent, other = client.create([book("Zed"), book("Abe")])
    client.create([note(parent), note(parent)])
    client.store.close()
    reopened = Client(Store(tmp_path / "sandbox.sqlite"))
    assert num_children(reopened, parent) == 2
    assert reopened.titles("/items/top?sort=title") == ["Abe", "Zed"]
    reopened.create([note(other)])
    assert num_children(reopened, other) == 1
    reopened.store.close()


def test_an_unchanged_write_leaves_listings_and_counts_as_they_were(client):
    keys = client.create([book(t) for t in TITLES[:3]])
    client.create([note(keys[0])])
    before = client.get("/items?sort=title")
    version = client.get(f"/items/{keys[0]}")["version"]
    status, body, _ = client.call("POST", "/items", [{"key": keys[0], "version": version, "title": TITLES[0]}])
    assert status == 200 and body["unchanged"] == {"0": keys[0]}
    assert client.get("/items?sort=title") == before


def expected_order(items: list[dict[str, Any]], field: str, descending: bool) -> list[str]:
    def key(o: dict[str, Any]) -> tuple[Any, ...]:
        return (str(o["data"].get(field, "")).lower(), o["version"], o["key"])

    return [o["key"] for o in sorted(items, key=key, reverse=descending)]


def test_random_changes_keep_every_order_and_count_right(client):
    """Orders already sorted and counts already kept, then 120 random writes: each listing as if sorted afresh."""
    import random

    rng = random.Random(14)
    parents = client.create([book(f"{rng.choice(TITLES)} {i}") for i in range(12)])
    notes: list[str] = []
    for path in ("/items?sort=title", "/items?sort=dateModified", "/items?sort=date&direction=desc", *SCOPES,
                 "/items?since=0&format=versions"):
        client.get(path)  # the orders now exist and must be kept from here on
    for step in range(120):
        roll = rng.random()
        if roll < 0.25:
            parents += client.create([book(f"{rng.choice(TITLES)} {step}", date=str(rng.randint(1990, 2020)))])
        elif roll < 0.45 and parents:
            notes += client.create([note(rng.choice(parents), f"<p>note {step}</p>")])
        elif roll < 0.65 and parents:
            client.patch(rng.choice(parents), title=f"{rng.choice(TITLES)} renamed {step}")
        elif roll < 0.75 and notes:
            client.patch(rng.choice(notes), parentItem=rng.choice(parents))
        elif roll < 0.85 and parents:
            client.patch(rng.choice(parents), deleted=rng.choice([0, 1]))
        elif len(parents) > 3:
            gone = parents.pop(rng.randrange(len(parents)))
            client.delete(gone)
            everything = {o["key"] for o in client.get("/items?includeTrashed=1&limit=100")}
            notes = [k for k in notes if k in everything]
    items = client.get("/items?includeTrashed=1&limit=100")
    assert len(items) == len(parents) + len(notes) < 100
    for field, descending in (("title", False), ("title", True), ("dateModified", True), ("date", True)):
        direction = "desc" if descending else "asc"
        listed = [o["key"] for o in client.get(f"/items?includeTrashed=1&limit=100&sort={field}&direction={direction}")]
        assert listed == expected_order(items, field, descending), field
    visible = [o for o in items if not o["data"].get("deleted")]
    assert [o["key"] for o in client.get("/items?limit=100&sort=title")] == expected_order(visible, "title", False)
    for parent in parents:
        expected = sum(1 for o in items if o["data"].get("parentItem") == parent)
        assert num_children(client, parent) == expected
    for path, belongs in SCOPES.items():
        assert [o["key"] for o in client.get(f"{path}&limit=100")] == \
            expected_order([o for o in items if belongs(o["data"])], "title", False), path
    for version in sorted({o["version"] for o in items})[::7]:  # few changed since (sorted alone) and many
        changed = [o for o in items if o["version"] > version and not o["data"].get("deleted")]
        assert [o["key"] for o in client.get(f"/items?since={version}&limit=100")] == \
            expected_order(changed, "dateModified", True)
        assert client.get(f"/items?since={version}&format=versions") == {o["key"]: o["version"] for o in changed}


# Whole-library listings the library keeps an order for, and which items each holds.
SCOPES = {
    "/items/top?sort=title": lambda d: not d.get("parentItem") and not d.get("deleted"),
    "/items/top?sort=title&includeTrashed=1": lambda d: not d.get("parentItem"),
    "/items/trash?sort=title": lambda d: bool(d.get("deleted")),
    "/items?sort=title&includeTrashed=0": lambda d: not d.get("deleted"),
}


def test_a_since_listing_of_a_few_changes_keeps_the_scope_and_the_order(client):
    keys = client.create([book(f"{TITLES[i % len(TITLES)]} {i}") for i in range(40)])
    client.get("/items?since=0&format=versions")  # the order by version now exists and must be kept
    version = client.get(f"/items/{keys[-1]}")["version"]
    client.patch(keys[3], title="Renamed")
    client.patch(keys[7], deleted=1)
    client.create([book("Omega point")])
    client.create([note(keys[9], "<p>a note</p>")])
    newest = [o["key"] for o in client.get(f"/items?since={version}&sort=title&includeTrashed=1")]
    assert len(newest) == 4 and keys[7] in newest
    assert [o["data"].get("title") for o in client.get(f"/items/top?since={version}&sort=title")] == \
        ["Omega point", "Renamed"]  # not the trashed item, not the note
    assert [o["key"] for o in client.get(f"/items/trash?since={version}")] == [keys[7]]
    assert set(client.get(f"/items?since={version}&format=versions")) == set(newest) - {keys[7]}

"""Plan: three-way decisions, as pure functions over sources, pristine copies and the library."""

from __future__ import annotations

import itertools

from zotsync.match import LibraryIndex, assign_keys
from zotsync.model import Parsed
from zotsync.plan import Snapshot
from zotsync.plan import plan as plan_matched
from zotsync.state import Managed
from zotsync.works import Work, group

URI = "http://zotero.org/users/1"


def work(source: str = "src:1", **fields) -> Work:
    item = {"itemType": "journalArticle", "title": "A study of things", "date": "2020",
            "creators": [{"creatorType": "author", "firstName": "A", "lastName": "Author"}], "tags": [], **fields}
    return Work([source], item, ["doc"])


def plan(works, snap, new_key):
    """Match, then plan: the entries of the plan."""
    return plan_matched(assign_keys(works, snap, LibraryIndex.from_mirror(snap.mirror), new_key), snap, new_key).entries


def keys():
    counter = itertools.count()
    return lambda seed: f"NEWKEY{next(counter):02d}"[:8]


def managed_snapshot(pristine: dict, current: dict) -> Snapshot:
    return Snapshot({"src:1": "AAAA2222"}, {"AAAA2222": Managed("AAAA2222", "synced", 5, pristine)},
                    {"AAAA2222": {"version": 5, "data": current}}, URI)


def test_new_work_is_created_with_a_marker():
    (entry,) = plan([work()], Snapshot({}, {}, {}, URI), keys())
    assert entry.action == "create" and entry.payload["version"] == 0
    assert "zotsync: src:1" in entry.desired["extra"]


def test_no_source_change_means_no_write_even_if_the_user_edited():
    w = work(volume="3")
    pristine = dict(w.item, extra="zotsync: src:1")
    current = dict(pristine, volume="33", title="My better title")
    (entry,) = plan([w], managed_snapshot(pristine, current), keys())
    assert entry.action == "unchanged" and entry.conflicts == []


def test_source_change_updates_only_that_field():
    pristine = dict(work(volume="3").item, extra="zotsync: src:1")
    (entry,) = plan([work(volume="4")], managed_snapshot(pristine, dict(pristine)), keys())
    assert entry.action == "update" and entry.changes == {"volume": "4"} and entry.version == 5


def test_both_changed_the_same_field_keeps_the_users_value():
    pristine = dict(work(volume="3").item, extra="zotsync: src:1")
    current = dict(pristine, volume="33")
    (entry,) = plan([work(volume="4", pages="1-2")], managed_snapshot(pristine, current), keys())
    assert entry.conflicts == ["volume"] and entry.changes == {"pages": "1-2"}


def test_user_tags_stay_and_source_tags_are_added():
    pristine = dict(work(tags=[{"tag": "a"}]).item, extra="zotsync: src:1")
    current = dict(pristine, tags=[{"tag": "a"}, {"tag": "mine"}])
    (entry,) = plan([work(tags=[{"tag": "a"}, {"tag": "b"}])], managed_snapshot(pristine, current), keys())
    assert entry.changes == {"tags": [{"tag": "a"}, {"tag": "mine"}, {"tag": "b"}]}


def test_item_not_created_by_zotsync_is_only_filled_where_empty():
    current = {"itemType": "journalArticle", "title": "A Study of Things", "date": "2020", "volume": "",
               "DOI": "10.1000/x", "creators": [{"creatorType": "author", "firstName": "A.", "lastName": "Author"}]}
    snap = Snapshot({}, {}, {"USER2222": {"version": 9, "data": current}}, URI)
    (entry,) = plan([work(DOI="10.1000/X", volume="7", title="A study of things (source spelling)")], snap, keys())
    assert entry.key == "USER2222" and entry.how == "match"
    assert entry.changes == {"volume": "7"}


def test_same_title_and_year_by_different_authors_stay_apart():
    current = {"itemType": "journalArticle", "title": "A study of things", "date": "2020",
               "creators": [{"creatorType": "author", "firstName": "Z", "lastName": "Other"}]}
    snap = Snapshot({}, {}, {"USER2222": {"version": 9, "data": current}}, URI)
    (entry,) = plan([work()], snap, keys())
    assert entry.action == "create"


def test_deleted_item_stays_deleted_and_merged_item_is_followed():
    pristine = dict(work().item, extra="zotsync: src:1")
    snap = Snapshot({"src:1": "AAAA2222"}, {"AAAA2222": Managed("AAAA2222", "synced", 5, pristine)}, {}, URI)
    (entry,) = plan([work()], snap, keys())
    assert entry.action == "skip_deleted"
    survivor = {"itemType": "journalArticle", "title": "Merged", "relations": {"dc:replaces": f"{URI}/items/AAAA2222"}}
    snap.mirror["SURV2222"] = {"version": 7, "data": survivor}
    (entry,) = plan([work()], snap, keys())
    assert entry.key == "SURV2222" and entry.how == "merged"


def test_references_are_related_to_their_paper_both_ways():
    paper = Parsed("s2:p", {"itemType": "journalArticle", "title": "The paper", "creators": [], "tags": []}, "doc")
    ref = Parsed("s2:p#ref:1", {"itemType": "book", "title": "A cited book", "creators": [], "tags": []}, "doc",
                 cited_by="s2:p")
    entries = plan(group([paper, ref]), Snapshot({}, {}, {}, URI), keys())
    p, r = entries
    assert p.desired["relations"]["dc:relation"] == [f"{URI}/items/{r.key}"]
    assert r.desired["relations"]["dc:relation"] == [f"{URI}/items/{p.key}"]


def test_same_work_from_two_sources_becomes_one_richer_item():
    a = Parsed("vufind:1", {"itemType": "journalArticle", "title": "Coproduction of healthcare service",
                            "date": "2016", "DOI": "10.1000/x", "tags": [],
                            "creators": [{"creatorType": "author", "firstName": "M", "lastName": "Batalden"}]}, "a")
    b = Parsed("s2:2", {"itemType": "journalArticle", "title": "Coproduction of healthcare service",
                        "abstractNote": "Efforts...", "creators": [], "tags": []}, "b")
    (merged,) = group([a, b])
    assert merged.sources == ["vufind:1", "s2:2"]
    assert merged.item["DOI"] == "10.1000/x" and merged.item["abstractNote"] == "Efforts..."


def test_numbered_titles_in_a_series_stay_apart():
    from zotsync.match import same_work

    one = {"title": "Benchmark study 1 of things", "date": "1981", "creators": [{"lastName": "Surname1"}]}
    other = {"title": "Benchmark study 121 of things", "date": "1981", "creators": [{"lastName": "Surname121"}]}
    assert not same_work(one, other)
    assert same_work(one, dict(one, title="Benchmark Study 1 of Things."))
    assert same_work({**one, "creators": [{"lastName": "De Luca"}]}, {**one, "creators": [{"lastName": "Luca"}]})


def test_a_value_the_source_stops_giving_is_not_cleared():
    pristine = dict(work(abstractNote="An abstract").item, extra="zotsync: src:1")
    (entry,) = plan([work()], managed_snapshot(pristine, dict(pristine)), keys())
    assert entry.action == "unchanged"


def test_keys_derive_from_library_and_source():
    from zotsync.engine import key_deriver

    derive = key_deriver(URI)
    key = derive("bibtex:library.bib#knuth1984")
    assert key == derive("bibtex:library.bib#knuth1984") and len(key) == 8
    assert key != key_deriver("http://zotero.org/groups/5")("bibtex:library.bib#knuth1984")
    assert set(key) <= set("23456789ABCDEFGHIJKLMNPQRSTUVWXYZ")
    (entry,) = plan([work()], Snapshot({}, {}, {}, URI, deleted={derive("src:1")}), derive)
    assert entry.action == "skip_deleted"


def test_source_changes_the_item_type():
    pristine = dict(work(publicationTitle="Annals", pages="1-9").item, extra="zotsync: src:1")
    current = dict(pristine, callNumber="QA76 mine")
    chapter = work(pages="1-9")
    chapter.item.update(itemType="bookSection", bookTitle="Annals")
    (entry,) = plan([chapter], managed_snapshot(pristine, current), keys())
    assert entry.changes["itemType"] == "bookSection" and entry.changes["bookTitle"] == "Annals"
    assert entry.changes["publicationTitle"] == ""  # a bookSection has no publicationTitle
    assert "callNumber" not in entry.changes  # the user's call number stays


def test_user_changed_the_type_then_the_source_changes_a_field_the_new_type_lacks():
    pristine = dict(work(issue="2", volume="3").item, extra="zotsync: src:1")
    current = dict(pristine, itemType="book")
    current.pop("issue")
    (entry,) = plan([work(issue="5", volume="4")], managed_snapshot(pristine, current), keys())
    assert entry.changes == {"volume": "4"}  # no 'issue' sent to a book: the API would refuse it

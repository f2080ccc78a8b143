"""Records known by their place keep their identity when they move, and a corrected one stays itself."""

from __future__ import annotations

from zotsync.model import Managed, Snapshot, Status, Work
from zotsync.positions import follow_moves, is_positional
from zotsync.sources.common import work_key


def item(title: str, year: str = "2019", author: str = "Bianchi") -> dict:
    return {"itemType": "book", "title": title, "date": year, "creators": [{"creatorType": "author", "lastName": author}]}


def work(source: str, it: dict) -> Work:
    return Work([source], it, [source])


def snap(pushed: dict[str, dict]) -> Snapshot:
    keys = {source: f"KEY{n:05d}" for n, source in enumerate(pushed)}
    managed = {keys[s]: Managed(keys[s], Status.SYNCED, 1, it) for s, it in pushed.items()}
    return Snapshot(keys, managed, {}, "https://api.zotero.org/users/1")


def sources(works: list[Work]) -> list[str]:
    return [w.sources[0] for w in works]


A, B, X = item("Storia della lingua italiana"), item("Grammatica storica"), item("Un libro nuovo", "2021")


def test_places_are_recognised():
    assert is_positional("ris:e.ris@3") and is_positional("csl:a/b.json@12+0123abcd")
    assert not is_positional("ris:e.ris#3") and not is_positional("bibtex:refs.bib#key")


def test_a_record_at_its_place_with_the_same_content_keeps_it():
    assert sources(follow_moves([work("ris:e.ris@1", A), work("ris:e.ris@2", B)],
                                snap({"ris:e.ris@1": A, "ris:e.ris@2": B}))) == ["ris:e.ris@1", "ris:e.ris@2"]


def test_a_corrected_record_at_its_place_is_the_same_record():
    corrected = item("Storia della lingua italiana", "2020")
    assert sources(follow_moves([work("ris:e.ris@1", corrected)], snap({"ris:e.ris@1": A}))) == ["ris:e.ris@1"]


def test_a_record_inserted_above_moves_nobody_into_another_items_identity():
    moved = follow_moves([work("ris:e.ris@1", X), work("ris:e.ris@2", A), work("ris:e.ris@3", B)],
                         snap({"ris:e.ris@1": A, "ris:e.ris@2": B}))
    first, second, third = sources(moved)
    assert (second, third) == ("ris:e.ris@1", "ris:e.ris@2")  # A and B keep theirs
    assert first not in {"ris:e.ris@1", "ris:e.ris@2"} and first.startswith("ris:e.ris@1+")  # X is new


def test_a_record_removed_above_shifts_nothing():
    assert sources(follow_moves([work("ris:e.ris@1", B)], snap({"ris:e.ris@1": A, "ris:e.ris@2": B}))) == ["ris:e.ris@2"]


def test_the_identity_an_earlier_version_gave_is_taken_over():
    legacy = f"ris:e.ris#{work_key(A)}"
    assert sources(follow_moves([work("ris:e.ris@1", A)], snap({legacy: A}))) == [legacy]


def test_other_sources_are_left_alone():
    assert sources(follow_moves([work("doi:10.1/x", A)], snap({"ris:e.ris@1": A}))) == ["doi:10.1/x"]

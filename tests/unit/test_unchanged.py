"""Unchanged documents cost nothing (issue 11): the ledger of digests, per document and per BibTeX entry."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zotsync.engine import Source, sync
from zotsync.library.base import WriteResult
from zotsync.library.client import LibrarySpec
from zotsync.library.memory import MemoryLibrary
from zotsync.model import Result, RunResult
from zotsync.sources import registry
from zotsync.state import State
from zotsync.unchanged import LARGE, Ledger

SPEC = LibrarySpec("user", 77)


def entry(i: int, title: str = "", journal: str = "jn") -> str:
    return (f"@article{{key{i},\n  title = {{{title or f'A study of case {i} in the field'}}},\n"
            f"  author = {{Rossi, Mario and Bianchi, Carla}},\n  journal = {journal},\n  year = {{2001}}\n}}\n\n")


def bib(n: int, macro: str = "Journal of Studies", edits: dict[int, str] | None = None) -> str:
    edits = edits or {}
    return f"@string{{jn = {{{macro}}}}}\n\n" + "".join(entry(i, edits.get(i, "")) for i in range(n))


def ris(title: str) -> str:
    return f"TY  - BOOK\nAU  - Verdi, Anna\nTI  - {title}\nPY  - 2019\nER  - \n"


class Counted:
    """How many times each parser was handed a document, and how many records it gave back."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, list[str]] = {}
        self.records: dict[str, int] = {}
        for name in ("bibtex", "ris"):
            parser = registry()[name]
            monkeypatch.setattr(parser, "parse", self.wrap(name, parser.parse))

    def wrap(self, name: str, parse: Any) -> Any:
        def counted(text: str, doc: Any) -> Any:
            found = parse(text, doc)
            self.calls.setdefault(name, []).append(Path(doc.origin).name)
            self.records[name] = self.records.get(name, 0) + len(found)
            return found
        return counted

    def reset(self) -> None:
        self.calls, self.records = {}, {}

    def documents(self) -> list[str]:
        return sorted(d for docs in self.calls.values() for d in docs)


class Refusing(MemoryLibrary):
    """A library that refuses (400) items with a given title, as the server does with invalid data."""

    def __init__(self) -> None:
        super().__init__("user", 77)
        self.refuse: set[str] = set()

    def write(self, batch: list[dict[str, Any]], since: int | None = None) -> WriteResult:
        keep = [i for i, obj in enumerate(batch) if obj.get("title") not in self.refuse]
        result = super().write([batch[i] for i in keep], since)
        out = WriteResult(library_version=result.library_version)
        out.successful = {keep[i]: obj for i, obj in result.successful.items()}
        out.unchanged = {keep[i]: key for i, key in result.unchanged.items()}
        out.failed = {keep[i]: err for i, err in result.failed.items()}
        out.failed.update({i: {"code": 400, "message": "refused"} for i in range(len(batch)) if i not in keep})
        return out


@pytest.fixture
def parsers(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted(monkeypatch)


@pytest.fixture
def library() -> Refusing:
    return Refusing()


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    state = State(tmp_path / "state.sqlite")
    yield state
    state.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "refs.bib").write_text(bib(3))
    (folder / "one.ris").write_text(ris("Storia della lingua italiana"))
    return folder


def run(state: State, library: MemoryLibrary, *paths: Path, tags: tuple[str, ...] = (), **kw: Any) -> RunResult:
    return sync([Source([str(p) for p in paths], tags=list(tags))], library, state, SPEC.uri, **kw)


def tally(result: RunResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for outcome in result.applied.outcomes if result.applied else []:
        out[str(outcome.action)] = out.get(str(outcome.action), 0) + 1
    return out


def titles(library: MemoryLibrary) -> list[str]:
    return sorted(o.data.get("title", "") for o in library.lib.items.values())


def test_an_unchanged_document_is_not_handed_to_a_parser(state, library, docs, parsers):
    first = run(state, library, docs)
    assert tally(first) == {"created": 4} and parsers.documents() == ["one.ris", "refs.bib"]
    parsers.reset()
    again = run(state, library, docs)
    assert parsers.calls == {} and again.plan.entries == []
    assert again.parsed.unchanged == 4 and again.parsed.files == 2  # still counted, as unchanged items
    assert library.requests - first.requests <= 1  # one question to the library: did it change?


def test_a_changed_document_is_read_again_and_only_it(state, library, docs, parsers):
    run(state, library, docs)
    parsers.reset()
    (docs / "one.ris").write_text(ris("Storia della lingua italiana, seconda edizione"))
    result = run(state, library, docs)
    assert parsers.documents() == ["one.ris"]
    assert tally(result) == {"updated": 1} and result.parsed.unchanged == 3
    assert "Storia della lingua italiana, seconda edizione" in titles(library)


def test_a_change_of_the_source_config_reads_the_document_again(state, library, docs, parsers):
    run(state, library, docs)
    parsers.reset()
    result = run(state, library, docs, tags=("thesis",))
    assert parsers.documents() == ["one.ris", "refs.bib"]
    assert tally(result) == {"updated": 4}
    assert all({"tag": "thesis"} in o.data["tags"] for o in library.lib.items.values())


def test_a_changed_reading_option_reads_the_document_again(state, library, tmp_path, parsers):
    (tmp_path / "refs.bib").write_text(bib(2, edits={0: "A Study of Case Zero in the Field"}))
    run(state, library, tmp_path)
    parsers.reset()
    cased = [Source([str(tmp_path)], sentence_case=True)]
    result = sync(cased, library, state, SPEC.uri)
    assert parsers.documents() == ["refs.bib"]  # same bytes, another reading: parsed again
    assert tally(result) == {"updated": 1, "unchanged": 1} and "A study of case zero in the field" in titles(library)
    parsers.reset()
    sync(cased, library, state, SPEC.uri)
    assert parsers.calls == {}  # and passed over again once read that way


def test_the_document_of_a_failed_work_is_read_again_next_run(state, library, docs, parsers):
    library.refuse = {"A study of case 1 in the field"}
    first = run(state, library, docs)
    assert tally(first) == {"created": 3, "failed": 1}
    library.refuse = set()
    parsers.reset()
    second = run(state, library, docs)
    assert parsers.documents() == ["refs.bib"] and tally(second) == {"created": 1, "unchanged": 2}
    parsers.reset()
    run(state, library, docs)
    assert parsers.calls == {}


def test_a_crash_between_apply_and_record_leaves_the_documents_to_read_again(state, library, docs, parsers,
                                                                                monkeypatch):
    def crash(self: Ledger, outcomes: list[Any]) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Ledger, "record", crash)
        with pytest.raises(KeyboardInterrupt):
            run(state, library, docs)
    assert len(library.lib.items) == 4  # applied
    parsers.reset()
    result = run(state, library, docs)
    assert parsers.documents() == ["one.ris", "refs.bib"] and tally(result) == {"unchanged": 4}


def test_a_dry_run_records_nothing(state, library, docs, parsers):
    run(state, library, docs, dry_run=True)
    assert state.ledger() == {}
    parsers.reset()
    run(state, library, docs)
    assert parsers.documents() == ["one.ris", "refs.bib"] and len(state.ledger()) == 2


def test_a_document_that_is_no_record_is_reported_every_run(state, library, docs):
    notes = docs / "notes.md"
    notes.write_text("# Reading list\n\nSome thoughts on the papers above.\n")
    first = run(state, library, docs, notes)
    again = run(state, library, docs, notes)
    assert [Path(e.origin).name for e in first.parsed.errors] == ["notes.md"]
    assert [(Path(e.origin).name, str(e)) for e in again.parsed.errors] == [(Path(e.origin).name, str(e))
                                                                             for e in first.parsed.errors]
    assert sorted(Path(d).name for d in state.ledger()) == ["one.ris", "refs.bib"]


def test_full_reads_every_document(state, library, docs, parsers):
    run(state, library, docs)
    parsers.reset()
    result = run(state, library, docs, full=True)
    assert parsers.documents() == ["one.ris", "refs.bib"] and tally(result) == {"unchanged": 4}


def test_a_quiet_rerun_writes_only_the_date_of_the_run(tmp_path, library, docs, monkeypatch):
    path = tmp_path / "state.sqlite"
    state = State(path)
    run(state, library, docs)
    before = set(sqlite3.connect(path).iterdump())
    monkeypatch.setattr("zotsync.engine.now", lambda: "2099-01-01T00:00:00Z")
    run(state, library, docs)
    state.close()
    changed = set(sqlite3.connect(path).iterdump()) ^ before
    assert changed and all("'last_sync'" in line for line in changed)


def test_a_removed_document_is_forgotten_and_its_items_stay(state, library, docs):
    run(state, library, docs)
    (docs / "one.ris").unlink()
    run(state, library, docs)
    assert [Path(d).name for d in state.ledger()] == ["refs.bib"]
    assert "Storia della lingua italiana" in titles(library)


def test_an_item_deleted_in_zotero_reads_its_document_again_and_is_left_deleted(state, library, docs, parsers):
    run(state, library, docs)
    key = next(o.key for o in library.lib.items.values() if o.data["title"] == "Storia della lingua italiana")
    library.user_delete(key)
    parsers.reset()
    result = run(state, library, docs)
    assert parsers.documents() == ["one.ris"] and tally(result) == {"skipped": 1}
    assert "Storia della lingua italiana" not in titles(library)


def test_a_document_grouped_with_a_changed_one_is_read_with_it(state, library, tmp_path, parsers):
    folder = tmp_path / "grouped"
    folder.mkdir()
    same = "TY  - JOUR\nAU  - Verdi, Anna\nTI  - Glaciers of the Alps\nPY  - 2019\nDO  - 10.1234/alps\n{more}ER  - \n"
    (folder / "a.ris").write_text(same.format(more="PB  - Alpine Press\n"))
    (folder / "b.ris").write_text(same.format(more=""))
    run(state, library, folder)
    (item,) = library.lib.items.values()
    assert item.data["publisher"] == "Alpine Press"
    parsers.reset()
    (folder / "b.ris").write_text(same.format(more="VL  - 12\n"))
    run(state, library, folder)
    assert sorted(set(parsers.documents())) == ["a.ris", "b.ris"]  # a.ris is unchanged, but its record is the same work
    (item,) = library.lib.items.values()
    assert (item.data["publisher"], item.data["volume"]) == ("Alpine Press", "12")


# ---------------------------------------------------------------- large BibTeX files, entry by entry


N = LARGE + 50


def test_one_changed_entry_of_a_large_file_is_the_only_one_parsed(state, library, tmp_path, parsers):
    path = tmp_path / "big.bib"
    path.write_text(bib(N))
    assert tally(run(state, library, path)) == {"created": N}
    parsers.reset()
    path.write_text(bib(N, edits={120: "A revised study of case 120"}))
    result = run(state, library, path)
    assert parsers.records == {"bibtex": 1} and tally(result) == {"updated": 1}
    assert result.parsed.unchanged == N - 1
    assert "A revised study of case 120" in titles(library) and len(library.lib.items) == N
    origin = next(o for w in [e.work for e in result.plan.entries] for o in w.origins)
    assert origin == f"{path}:{bib(N).count(chr(10), 0, bib(N).index('@article{key120,')) + 1}"  # its own line
    parsers.reset()
    assert run(state, library, path).plan.entries == [] and parsers.calls == {}


def test_a_changed_macro_reads_the_whole_large_file(state, library, tmp_path, parsers):
    path = tmp_path / "big.bib"
    path.write_text(bib(N))
    run(state, library, path)
    parsers.reset()
    path.write_text(bib(N, macro="Journal of Further Studies"))
    result = run(state, library, path)
    assert parsers.records == {"bibtex": N} and tally(result) == {"updated": N}
    assert {o.data["publicationTitle"] for o in library.lib.items.values()} == {"Journal of Further Studies"}


def test_an_entry_added_and_one_removed_in_a_large_file(state, library, tmp_path, parsers):
    path = tmp_path / "big.bib"
    path.write_text(bib(N))
    run(state, library, path)
    parsers.reset()
    text = bib(N).replace(entry(7), "") + entry(N)
    path.write_text(text)
    result = run(state, library, path)
    assert parsers.records == {"bibtex": 1} and tally(result) == {"created": 1}
    assert len(library.lib.items) == N + 1  # nothing is deleted
    parts = state.ledger()[str(path)]
    assert "=key7" not in parts and f"=key{N}" in parts


def test_a_failed_entry_of_a_large_file_is_parsed_again_alone(state, library, tmp_path, parsers):
    path = tmp_path / "big.bib"
    path.write_text(bib(N))
    library.refuse = {"A study of case 3 in the field"}
    assert tally(run(state, library, path)).get(str(Result.FAILED)) == 1
    library.refuse = set()
    parsers.reset()
    result = run(state, library, path)
    assert parsers.records == {"bibtex": 1} and tally(result) == {"created": 1}
    parsers.reset()
    run(state, library, path)
    assert parsers.calls == {}


def test_a_changed_crossref_parent_reads_the_whole_large_file(state, library, tmp_path, parsers):
    parent = "@proceedings{procs,\n  title = {Proceedings of the Alpine Workshop},\n  year = {2001}\n}\n\n"
    child = "@inproceedings{talk,\n  title = {Glaciers in retreat},\n  author = {Verdi, Anna},\n  crossref = {procs}\n}\n\n"
    path = tmp_path / "big.bib"
    path.write_text(bib(N) + child + parent)
    run(state, library, path)
    parsers.reset()
    path.write_text(bib(N) + child + parent.replace("Alpine Workshop", "Alpine Glaciology Workshop"))
    run(state, library, path)
    assert parsers.records == {"bibtex": N + 2}
    talk = next(o.data for o in library.lib.items.values() if o.data["title"] == "Glaciers in retreat")
    assert talk["proceedingsTitle"] == "Proceedings of the Alpine Glaciology Workshop"

"""End to end through the CLI, against the sandbox over loopback: what a user of the sync would check."""

from __future__ import annotations

import shutil
from collections import Counter

from tests.conftest import FIXTURES, ROOT, SEEDS, USER_ID, library_items, needs_shared
from tests.helpers import get_item, user_creates, user_deletes, user_edits

EXAMPLES = ROOT / "examples"


def titles(sandbox) -> Counter[str]:
    return Counter(i.get("title", "") for i in library_items(sandbox))


def by_title(sandbox, title: str) -> dict:
    return next(i for i in library_items(sandbox) if i.get("title") == title)


@needs_shared(SEEDS)
def test_first_sync_of_the_seeds_creates_one_item_per_work_and_relates_references(cli, sandbox):
    proc, report = cli.sync(SEEDS)
    assert proc.returncode == 0, proc.stderr
    items = library_items(sandbox)
    assert report["created"] == len(items) == 64  # 2 IRIS + 1 shared paper (VuFind + S2) + 61 references
    paper = by_title(sandbox, "Coproduction of healthcare service")
    assert paper["DOI"] == "10.1136/bmjqs-2015-004315" and paper["PMID"] == "26376674"
    assert paper["abstractNote"].startswith("Efforts to ensure effective participation")
    refs = paper["relations"]["dc:relation"]
    assert len(refs) == 61
    one_ref = refs[0].rsplit("/", 1)[1]
    back = get_item(sandbox.url, one_ref)["data"]["relations"]["dc:relation"]
    assert back == f"http://zotero.org/users/{USER_ID}/items/{paper['key']}"
    chapter = by_title(sandbox, "Co-production in healthcare: moving patient engagement towards a managerial approach")
    assert chapter["itemType"] == "bookSection" and chapter["bookTitle"].startswith("Co-production in the public sector")
    assert [c["lastName"] for c in chapter["creators"] if c["creatorType"] == "editor"] == ["Fugini", "Bracci", "Sicilia"]
    assert max(titles(sandbox).values()) <= 2  # two different "Genuine Works of Hippocrates" stay apart


@needs_shared(SEEDS)
def test_second_sync_of_the_seeds_writes_nothing(cli, sandbox):
    cli.sync(SEEDS)
    version = sandbox.store.library("user", USER_ID).version
    proc, report = cli.sync(SEEDS)
    assert proc.returncode == 0
    assert (report["created"], report["updated"], report["failed"]) == (0, 0, 0)
    assert report["requests"] <= 2
    assert sandbox.store.library("user", USER_ID).version == version


def test_examples_sync_then_nothing_to_do(cli, sandbox):
    proc, first = cli.sync(EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    assert first["created"] == len(library_items(sandbox)) > 10
    proc, second = cli.sync(EXAMPLES)
    assert "Everything up-to-date" in proc.stdout
    assert (second["created"], second["updated"], second["requests"]) == (0, 0, 1)


def test_changed_source_updates_exactly_that_field(cli, sandbox, tmp_path):
    doc = tmp_path / "docs" / "article.txt"
    doc.parent.mkdir()
    shutil.copy(FIXTURES / "iris/unito_article_en.txt", doc)
    cli.sync(doc.parent)
    item = by_title(sandbox, "Social capital and the diffusion of telemedicine in rural areas")
    doc.write_text(doc.read_text().replace("pp. 145-158", "pp. 145-159"))
    proc, report = cli.sync(doc.parent)
    assert proc.returncode == 0, proc.stderr
    assert report["updated"] == 1 and report["items"][0]["fields"] == ["pages"]
    after = get_item(sandbox.url, item["key"])["data"]
    assert after["pages"] == "145-159"
    assert {k: v for k, v in after.items() if k not in {"pages", "version", "dateModified"}} == \
        {k: v for k, v in get_item(sandbox.url, item["key"])["data"].items() if k not in {"pages", "version", "dateModified"}}


def test_user_edit_then_source_change_is_a_conflict_and_keeps_the_user_value(cli, sandbox, tmp_path):
    doc = tmp_path / "docs" / "article.txt"
    doc.parent.mkdir()
    shutil.copy(FIXTURES / "iris/unito_article_en.txt", doc)
    cli.sync(doc.parent)
    key = by_title(sandbox, "Social capital and the diffusion of telemedicine in rural areas")["key"]
    user_edits(sandbox.url, key, pages="145–158 (corrected)", volume="35")
    doc.write_text(doc.read_text().replace("pp. 145-158", "pp. 145-160").replace("telemedicine; social capital",
                                                                                   "telemedicine; trust"))
    proc, report = cli.sync(doc.parent)
    assert proc.returncode == 0
    assert report["conflicts"] == 1 and report["items"][0]["conflicts"] == ["pages"]
    assert "conflict" in proc.stderr and "pages" in proc.stderr
    data = get_item(sandbox.url, key)["data"]
    assert data["pages"] == "145–158 (corrected)"
    assert "trust" in {t["tag"] for t in data["tags"]}  # the source's other change still lands
    proc, report = cli.sync(doc.parent)
    assert report["conflicts"] == 0 and report["updated"] == 0  # said once, not every night


def test_items_already_in_the_library_under_other_keys_are_not_duplicated(cli, sandbox):
    user_creates(sandbox.url, [
        {"itemType": "journalArticle", "title": "Literate programming", "DOI": "10.1093/COMJNL/27.2.97",
         "creators": [{"creatorType": "author", "firstName": "D.", "lastName": "Knuth"}], "tags": [{"tag": "mine"}]},
        {"itemType": "book", "title": "The LaTeX companion", "date": "1993",
         "creators": [{"creatorType": "author", "firstName": "M.", "lastName": "Goossens"}]},
    ])
    before = len(library_items(sandbox))
    proc, report = cli.sync(EXAMPLES / "library.bib")
    assert proc.returncode == 0, proc.stderr
    assert report["created"] == 1 and len(library_items(sandbox)) == before + 1
    knuth = by_title(sandbox, "Literate programming")
    assert knuth["title"] == "Literate programming"  # the user's own title is not overwritten
    assert knuth["volume"] == "27"  # empty fields are filled
    assert {"mine", "programming"} <= {t["tag"] for t in knuth["tags"]}


def test_item_deleted_in_zotero_is_not_recreated(cli, sandbox):
    cli.sync(EXAMPLES / "library.bib")
    key = by_title(sandbox, "The LaTeX Companion")["key"]
    user_deletes(sandbox.url, key)
    proc, report = cli.sync(EXAMPLES / "library.bib")
    assert report["created"] == 0 and report["skipped"] == 1
    assert "The LaTeX Companion" not in titles(sandbox)


def test_item_trashed_in_zotero_stays_in_the_trash(cli, sandbox):
    cli.sync(EXAMPLES / "library.bib")
    key = by_title(sandbox, "The LaTeX Companion")["key"]
    user_edits(sandbox.url, key, deleted=1)
    proc, report = cli.sync(EXAMPLES / "library.bib")
    assert report["created"] == 0 and report["skipped"] == 1
    assert get_item(sandbox.url, key)["data"].get("deleted") == 1


def test_lost_state_then_rerun_creates_nothing(cli, sandbox):
    cli.sync(EXAMPLES)
    count = len(library_items(sandbox))
    shutil.rmtree(cli.state_dir)
    proc, report = cli.sync(EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    assert report["created"] == 0 and len(library_items(sandbox)) == count


def test_response_lost_after_commit_then_retry_creates_nothing_twice(cli, sandbox):
    from zotsync.sandbox.server import Fault

    sandbox.faults.add(Fault(mode="drop_after_commit", method="POST", path=r"/items$"))
    proc, report = cli.sync(EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    counts = titles(sandbox)
    assert max(counts.values()) == 1 and report["created"] == sum(counts.values())
    proc, report = cli.sync(EXAMPLES)
    assert report["created"] == 0 and max(titles(sandbox).values()) == 1


def test_merged_item_is_followed_to_the_survivor(cli, sandbox):
    cli.sync(EXAMPLES / "library.bib")
    old = by_title(sandbox, "The LaTeX Companion")
    body = user_creates(sandbox.url, [{"itemType": "book", "title": "The LaTeX Companion (merged)",
                                       "relations": {"dc:replaces": f"http://zotero.org/users/{USER_ID}/items/{old['key']}"}}])
    user_deletes(sandbox.url, old["key"])
    survivor = body["successful"]["0"]["key"]
    proc, report = cli.sync(EXAMPLES / "library.bib")
    assert report["created"] == 0
    row = next(i for i in report["items"] if i["key"] == survivor)
    assert "merged" in row.get("note", "")
    assert get_item(sandbox.url, survivor)["data"]["publisher"] == "Addison-Wesley"


def test_collection_is_created_and_items_filed(cli, sandbox):
    proc, report = cli.sync(EXAMPLES / "library.bib", extra=("--collection", "Thesis reading"))
    assert proc.returncode == 0, proc.stderr
    lib = sandbox.store.library("user", USER_ID)
    (coll,) = [c for c in lib.collections.values() if c.data["name"] == "Thesis reading"]
    assert all(coll.key in i["collections"] for i in library_items(sandbox))
    cli.sync(EXAMPLES / "library.bib", extra=("--collection", "Thesis reading"))
    assert len(lib.collections) == 1


def test_dry_run_prints_the_plan_and_writes_nothing(cli, sandbox):
    proc = cli.run("sync", str(EXAMPLES / "library.bib"), "--library", f"user:{USER_ID}", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "create" in proc.stdout and "The LaTeX Companion" in proc.stdout
    assert library_items(sandbox) == []


def test_quiet_run_prints_nothing_when_all_is_well(cli, sandbox):
    cli.sync(EXAMPLES)
    proc = cli.run("sync", str(EXAMPLES), "--library", f"user:{USER_ID}", "--quiet")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_bad_document_among_good_ones_is_named_and_the_rest_synced(cli, sandbox, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EXAMPLES / "library.bib", docs)
    shutil.copy(FIXTURES / "bad/image.png", docs)  # not a bibliographic document: passed over, not an error
    shutil.copy(FIXTURES / "bad/broken.json", docs)
    proc, report = cli.sync(docs)
    assert proc.returncode == 1
    assert "broken.json:1: invalid JSON" in proc.stderr and "image.png" not in proc.stderr
    assert report["created"] == 3 and [e["source"][-11:] for e in report["parse_errors"]] == ["broken.json"]


def test_bibtex_note_becomes_a_child_note_created_once(cli, sandbox, tmp_path):
    bib = tmp_path / "noted.bib"
    bib.write_text("@book{noted, title = {A book with a note}, author = {Doe, Jane}, year = 2001,\n"
                   "  note = {Read chapter 3 first & compare with the 2nd edition.}}\n")
    proc, report = cli.sync(bib)
    assert proc.returncode == 0, proc.stderr
    lib = sandbox.store.library("user", USER_ID)
    (parent,) = library_items(sandbox)
    notes = [o for o in lib.items.values() if o.data.get("parentItem") == parent["key"]]
    assert [n.data["note"] for n in notes] == ["<p>Read chapter 3 first &amp; compare with the 2nd edition.</p>"]
    proc, report = cli.sync(bib)
    assert report["requests"] == 1 and len(lib.items) == 2


def test_broken_bibtex_entry_is_reported_even_under_quiet_and_the_rest_synced(cli, sandbox):
    proc = cli.run("sync", str(ROOT / "tests/fixtures/bibtex/mixed.bib"), "--library", f"user:{USER_ID}", "--quiet")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "mixed.bib:25: entry 'broken1999' could not be parsed" in proc.stderr
    assert len(library_items(sandbox)) == 4


def test_group_library(tmp_path):
    from tests.conftest import API_KEY, Cli
    from zotsync.sandbox.app import Account
    from zotsync.sandbox.server import SandboxServer

    server = SandboxServer(Account(USER_ID, API_KEY, groups=(777,)), data_dir=tmp_path / "g", rate_limit=False)
    server.start()
    try:
        cli = Cli(server, tmp_path / "state", tmp_path)
        proc = cli.run("sync", str(EXAMPLES / "library.bib"), "--library", "group:777")
        assert proc.returncode == 0, proc.stderr
        group = server.store.library("group", 777)
        assert len(group.items) == 3 and not server.store.library("user", USER_ID).items
        unknown = cli.run("sync", str(EXAMPLES / "library.bib"), "--library", "group:778")
        assert unknown.returncode == 2 and "Group 778 not found" in unknown.stderr
    finally:
        server.stop()


def test_item_deleted_in_zotero_is_not_recreated_even_after_the_state_is_lost(cli, sandbox):
    cli.sync(EXAMPLES / "library.bib")
    user_deletes(sandbox.url, by_title(sandbox, "The LaTeX Companion")["key"])
    shutil.rmtree(cli.state_dir)
    proc, report = cli.sync(EXAMPLES / "library.bib")
    assert proc.returncode == 0, proc.stderr
    assert report["created"] == 0 and report["skipped"] == 1
    assert "The LaTeX Companion" not in titles(sandbox)


def test_source_changing_the_item_type_is_accepted_by_the_api(cli, sandbox, tmp_path):
    bib = tmp_path / "typed.bib"
    bib.write_text("@article{typed, title = {Shifting types}, author = {Doe, Jane}, journal = {Annals of Types},"
                   " number = {4}, year = 2010}\n")
    cli.sync(bib)
    key = by_title(sandbox, "Shifting types")["key"]
    user_edits(sandbox.url, key, callNumber="QA76 mine")
    bib.write_text(bib.read_text().replace("@article", "@incollection").replace("journal", "booktitle"))
    proc, report = cli.sync(bib)
    assert proc.returncode == 0, proc.stderr
    data = get_item(sandbox.url, key)["data"]
    assert (data["itemType"], data["bookTitle"], data["callNumber"]) == ("bookSection", "Annals of Types", "QA76 mine")

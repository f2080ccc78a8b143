"""`zotsync sync` of live sources, end to end over loopback: a DOI, an OAI-PMH set, a Semantic Scholar paper."""

from __future__ import annotations

from tests.conftest import FIXTURES, USER_ID, library_items
from tests.live_server import Answer, LiveServer
from zotsync.fetch.semanticscholar import PAPER_FIELDS

LIVE = FIXTURES / "live"
DOI = "10.1126/science.169.3946.635"


def live_env(live: LiveServer) -> dict[str, str]:
    return {"ZOTSYNC_DOI_RESOLVER": live.url, "ZOTSYNC_S2_API": f"{live.url}/graph/v1"}


def test_a_doi_is_synced_once_and_a_rerun_fetches_and_writes_nothing(cli, sandbox, live):
    live.add(f"/{DOI}", Answer((LIVE / "csl_doi.json").read_bytes(), headers={"ETag": '"v1"'}))
    cli.env.update(live_env(live))
    proc, report = cli.sync(DOI)
    assert proc.returncode == 0, proc.stderr
    assert report["created"] == 1
    (item,) = library_items(sandbox)
    assert (item["title"], item["DOI"], item["publicationTitle"]) == ("The Structure of Ordinary Water", DOI, "Science")
    proc, report = cli.sync(DOI)
    assert proc.returncode == 0, proc.stderr
    assert (report["created"], report["updated"], report["requests"]) == (0, 0, 1)
    assert live.bodies_sent == 1  # the second run revalidated the cached answer: 304, nothing downloaded


def test_a_doi_that_does_not_exist_is_one_error_line_and_exit_1(cli, sandbox, live):
    live.add(f"/{DOI}", Answer((LIVE / "csl_doi.json").read_bytes()))
    cli.env.update(live_env(live))
    proc, report = cli.sync(DOI, "10.1126/foo")
    assert proc.returncode == 1, proc.stderr
    assert "10.1126/foo: HTTP 404" in proc.stderr and "Traceback" not in proc.stderr
    assert report["created"] == 1


def test_offline_uses_the_cache_only(cli, sandbox, live):
    live.add(f"/{DOI}", Answer((LIVE / "csl_doi.json").read_bytes(), headers={"ETag": '"v1"'}))
    cli.env.update(live_env(live))
    cli.sync(DOI)
    served = live.served[f"/{DOI}"]
    proc, report = cli.sync(DOI, extra=("--offline",))
    assert proc.returncode == 0, proc.stderr
    assert live.served[f"/{DOI}"] == served and report["unchanged"] == 1


OAI_CONFIG = """library = "user:{user}"
[[sources]]
oai = {{ endpoint = "{url}/oai/request", set = "col_123456789_1" }}
collection = "Repository"
"""


def oai_server(live: LiveServer) -> None:
    live.add("/oai/request?verb=ListRecords&metadataPrefix=oai_dc&set=col_123456789_1", Answer((LIVE / "oai_list_1.xml").read_bytes()))
    live.add("/oai/request?verb=ListRecords&resumptionToken=page2token", Answer((LIVE / "oai_list_2.xml").read_bytes()))
    live.add("/oai/request?verb=ListRecords&metadataPrefix=oai_dc&set=col_123456789_1&from=2024-03-09",
             Answer((LIVE / "oai_norecords.xml").read_bytes()))


def test_an_oai_set_is_harvested_then_only_what_changed_is_asked_for(cli, sandbox, live, tmp_path):
    oai_server(live)
    config = tmp_path / "c.toml"
    config.write_text(OAI_CONFIG.format(user=USER_ID, url=live.url))
    proc, report = cli.sync(extra=("--config", str(config)))
    assert proc.returncode == 0, proc.stderr
    titles = sorted(i["title"] for i in library_items(sandbox))
    assert titles == ["Glacier retreat in the Alps", "Soil carbon under grazing", "Urban heat islands in Milan"]
    assert {i["url"] for i in library_items(sandbox)} >= {"http://hdl.handle.net/123456789/11"}
    proc, report = cli.sync(extra=("--config", str(config)))  # asks from the last harvest's date: nothing new
    assert proc.returncode == 0, proc.stderr
    assert (report["created"], report["updated"]) == (0, 0)
    assert live.served["/oai/request"] == 3  # two pages, then one incremental request


def test_an_interrupted_harvest_is_done_again_without_duplicates(cli, sandbox, live, tmp_path):
    oai_server(live)
    live.add("/oai/request?verb=ListRecords&resumptionToken=page2token", Answer(b"down", 503))
    config = tmp_path / "c.toml"
    config.write_text(OAI_CONFIG.format(user=USER_ID, url=live.url))
    proc, report = cli.sync(extra=("--config", str(config)))
    assert proc.returncode == 1 and "harvest cut short after 1 pages" in proc.stderr
    assert report["created"] == 2  # the first page's records are synced already
    oai_server(live)  # the repository is back
    proc, report = cli.sync(extra=("--config", str(config)))
    assert proc.returncode == 0, proc.stderr
    titles = sorted(i["title"] for i in library_items(sandbox))
    assert titles == ["Glacier retreat in the Alps", "Soil carbon under grazing", "Urban heat islands in Milan"]
    assert (report["created"], report["unchanged"]) == (1, 2)


PAPER = "2d5673caa9e6af3a7b82a43f19ee920992db07ad"
S2_FIELDS = PAPER_FIELDS


def test_a_paper_with_its_references_lands_related_and_a_rerun_writes_nothing(cli, sandbox, live):
    live.add(f"/graph/v1/paper/{PAPER}?fields={S2_FIELDS}", Answer((LIVE / "s2_paper.json").read_bytes()))
    refs = f"/graph/v1/paper/{PAPER}/references?fields={S2_FIELDS}&limit=1000"
    live.add(f"{refs}&offset=0", Answer((LIVE / "s2_refs_0.json").read_bytes()))
    live.add(f"{refs}&offset=2", Answer((LIVE / "s2_refs_2.json").read_bytes()))
    cli.env.update(live_env(live))
    page = f"https://www.semanticscholar.org/paper/Computing-Machinery-and-Intelligence-Turing/{PAPER}"
    proc, report = cli.sync(page)
    assert proc.returncode == 0, proc.stderr
    items = {i["title"]: i for i in library_items(sandbox)}
    paper = items["Computing Machinery and Intelligence"]
    assert len(items) == 4 and paper["DOI"] == "10.1093/MIND/LIX.236.433"
    related = paper.get("relations", {}).get("dc:relation", [])
    assert len(related if isinstance(related, list) else [related]) == 3
    proc, report = cli.sync(page)
    assert proc.returncode == 0, proc.stderr
    assert (report["created"], report["updated"]) == (0, 0)

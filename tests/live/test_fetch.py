"""Live sources over loopback: DOI, Semantic Scholar with paged references, OAI-PMH harvests, caching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SHARED, needs_shared
from tests.live_server import Answer, LiveServer
from zotsync.fetch.http import Fetcher, NotCached, Pace
from zotsync.fetch.oai import harvest
from zotsync.fetch.run import Services, fetch_all
from zotsync.fetch.semanticscholar import PAPER_FIELDS
from zotsync.fetch.targets import DoiTarget, OaiTarget, RecordTarget, S2Target, VufindTarget, s2_target, target_of
from zotsync.library.transport import RetryPolicy
from zotsync.sources import parse_text
from zotsync.sources.base import Document

LIVE = FIXTURES / "live"
PAPER = "2d5673caa9e6af3a7b82a43f19ee920992db07ad"
S2_FIELDS = PAPER_FIELDS


class Log(dict[str, str]):
    def last_harvest(self, key: str) -> str | None:
        return self.get(key)



def fetcher(tmp_path: Path, offline: bool = False) -> Fetcher:
    return Fetcher(tmp_path / "cache", RetryPolicy(attempts=3, max_wait=0.01, initial=0.01), offline=offline,
                   pace=Pace(sleep=lambda s: None))


def body(name: str) -> bytes:
    return (LIVE / name).read_bytes()


@pytest.mark.parametrize(("text", "target"), [
    ("10.1126/science.169.3946.635", DoiTarget("10.1126/science.169.3946.635")),
    ("doi:10.1000/xyz123", DoiTarget("10.1000/xyz123")),
    ("https://doi.org/10.1126/science.169.3946.635", DoiTarget("10.1126/science.169.3946.635")),
    (f"https://www.semanticscholar.org/paper/Computing-Machinery-and-Intelligence-Turing/{PAPER}", S2Target(PAPER)),
    ("https://air.unimi.it/handle/2434/421906", RecordTarget("https://air.unimi.it/handle/2434/421906", "2434/421906")),
    ("https://katalog.example.de/vufind/Record/0-1234567", VufindTarget("https://katalog.example.de/vufind", "0-1234567")),
    ("papers/refs.bib", None),
    ("https://example.org/some/page", None),
])
def test_what_an_argument_names(text, target):
    assert target_of(text) == target


def test_s2_ids_are_checked():
    assert s2_target("CorpusId:14636783").paper == "CorpusId:14636783"
    with pytest.raises(ValueError, match="not a Semantic Scholar paper id"):
        s2_target("turing 1950")


def test_a_doi_becomes_its_csl_record_identified_by_the_doi(live, tmp_path):
    live.add("/10.1126/science.169.3946.635", Answer(body("csl_doi.json"), headers={"ETag": '"v1"'}))
    result = fetch_all([DoiTarget("10.1126/science.169.3946.635")], fetcher(tmp_path), Log(), Services(doi=live.url))
    assert not result.errors
    (doc,) = result.documents
    (parsed,) = parse_text(doc.text, Document(doc.origin, doc.scope), doc.kind)
    assert parsed.source == "doi:10.1126/science.169.3946.635"
    assert parsed.item["title"] == "The Structure of Ordinary Water"
    assert parsed.item["creators"] == [{"creatorType": "author", "firstName": "Henry S.", "lastName": "Frank"}]


def test_an_unchanged_answer_is_not_downloaded_again(live, tmp_path):
    live.add("/10.1126/science.169.3946.635", Answer(body("csl_doi.json"), headers={"ETag": '"v1"'}))
    for _ in range(3):
        fetch_all([DoiTarget("10.1126/science.169.3946.635")], fetcher(tmp_path), Log(), Services(doi=live.url))
    assert live.served["/10.1126/science.169.3946.635"] == 3  # asked each time, revalidated by its ETag
    assert live.bodies_sent == 1  # but downloaded once


def test_offline_serves_the_cache_and_names_what_it_lacks(live, tmp_path):
    live.add("/10.1126/science.169.3946.635", Answer(body("csl_doi.json"), headers={"ETag": '"v1"'}))
    services = Services(doi=live.url)
    fetch_all([DoiTarget("10.1126/science.169.3946.635")], fetcher(tmp_path), Log(), services)
    result = fetch_all([DoiTarget("10.1126/science.169.3946.635"), DoiTarget("10.9999/missing")],
                       fetcher(tmp_path, offline=True), Log(), services)
    assert len(result.documents) == 1 and live.served["/10.1126/science.169.3946.635"] == 1
    (error,) = result.errors
    assert isinstance(error, NotCached) and "10.9999/missing" in str(error)


def test_a_doi_that_does_not_exist_is_one_error_and_the_rest_goes_on(live, tmp_path):
    live.add("/10.1126/science.169.3946.635", Answer(body("csl_doi.json")))
    result = fetch_all([DoiTarget("10.1126/foo"), DoiTarget("10.1126/science.169.3946.635")], fetcher(tmp_path),
                       Log(), Services(doi=live.url))
    assert len(result.documents) == 1
    (error,) = result.errors
    assert "10.1126/foo" in str(error) and "HTTP 404" in str(error)


def test_a_paper_comes_with_all_its_references_across_pages(live, tmp_path):
    live.add(f"/graph/v1/paper/{PAPER}?fields={S2_FIELDS}", Answer(body("s2_paper.json")))
    refs = f"/graph/v1/paper/{PAPER}/references?fields={S2_FIELDS}&limit=1000"
    live.add(f"{refs}&offset=0", Answer(body("s2_refs_0.json")))
    live.add(f"{refs}&offset=2", Answer(b"busy", 429, {"Retry-After": "0"}), Answer(body("s2_refs_2.json")))
    result = fetch_all([S2Target(PAPER)], fetcher(tmp_path), Log(), Services(semanticscholar=f"{live.url}/graph/v1"))
    assert not result.errors
    (doc,) = result.documents
    paper = json.loads(doc.text)
    assert paper["title"] == "Computing Machinery and Intelligence"
    assert [r["title"] for r in paper["references"]] == [
        "Calculating Instruments and Machines",
        "On Computable Numbers, with an Application to the Entscheidungsproblem",
        "The Mathematical Analysis of Logic"]  # the null entry is skipped; the 429 was waited out


def oai_routes(live: LiveServer) -> str:
    endpoint = f"{live.url}/oai/request"
    live.add("/oai/request?verb=ListRecords&metadataPrefix=oai_dc&set=col_123456789_1", Answer(body("oai_list_1.xml")))
    live.add("/oai/request?verb=ListRecords&resumptionToken=page2token", Answer(body("oai_list_2.xml")))
    live.add("/oai/request?verb=ListRecords&metadataPrefix=oai_dc&set=col_123456789_1&from=2024-03-09",
             Answer(body("oai_norecords.xml")))
    return endpoint


def test_a_harvest_follows_its_token_to_the_end_and_gives_the_servers_date(live, tmp_path):
    target = OaiTarget(oai_routes(live), set="col_123456789_1")
    pages, stamp = harvest(target, fetcher(tmp_path), Log())
    assert len(pages) == 2 and all(p.kind == "oai" for p in pages)
    assert "Soil carbon under grazing" in pages[0].text and "Urban heat islands in Milan" in pages[1].text
    assert stamp == "2024-03-10T12:00:00Z"


def test_the_next_harvest_asks_from_the_last_one_minus_a_day_and_nothing_new_is_an_answer(live, tmp_path):
    target = OaiTarget(oai_routes(live), set="col_123456789_1")
    log = Log({target.harvest_key: "2024-03-10T12:00:00Z"})
    assert harvest(target, fetcher(tmp_path), log) == ([], "2024-03-11T12:00:00Z")


def test_a_harvest_cut_short_gives_no_stamp(live, tmp_path):
    endpoint = oai_routes(live)
    live.add("/oai/request?verb=ListRecords&resumptionToken=page2token", Answer(body("oai_badtoken.xml")))
    target = OaiTarget(endpoint, set="col_123456789_1")
    result = fetch_all([target], fetcher(tmp_path), Log())
    assert "badResumptionToken" in str(result.errors[0])
    assert result.harvests == {}  # the next run harvests the whole set again


def test_a_repository_page_becomes_a_get_record_by_its_handle(live, tmp_path):
    live.add("/oai/request?verb=Identify", Answer(body("oai_identify.xml")))
    live.add("/oai/request?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:repo.example.org:123456789/12",
             Answer(body("oai_getrecord.xml")))
    target = target_of(f"{live.url}/handle/123456789/12")
    assert isinstance(target, RecordTarget)
    result = fetch_all([target], fetcher(tmp_path), Log())
    assert not result.errors
    (doc,) = result.documents
    assert "Glacier retreat in the Alps" in doc.text and doc.kind == "oai"


def test_a_server_that_stays_unavailable_is_named(live, tmp_path):
    live.add("/10.1/x", Answer(b"down", 503))
    result = fetch_all([DoiTarget("10.1/x")], fetcher(tmp_path), Log(), Services(doi=live.url))
    (error,) = result.errors
    assert "10.1/x" in str(error) and "retry budget" in str(error)


# ---- replayed from what the real services answered (../shared/http), when it is there ----

HTTP = SHARED / "http"


@needs_shared(HTTP / "oai" / "oaipmh-scythe__list_records.yaml")
def test_a_real_harvest_across_resumption_tokens(live, tmp_path):
    live.load_cassette(HTTP / "oai" / "oaipmh-scythe__list_records.yaml")
    pages, stamp = harvest(OaiTarget(f"{live.url}/oai2d"), fetcher(tmp_path), Log())
    assert len(pages) >= 2 and all("<record" in p.text for p in pages)
    assert stamp  # reached the end


@needs_shared(HTTP / "oai" / "oaipmh-scythe__list_records.yaml")
def test_a_real_no_records_match_is_an_empty_complete_harvest(live, tmp_path):
    live.load_cassette(HTTP / "oai" / "oaipmh-scythe__list_records.yaml")
    pages, stamp = harvest(OaiTarget(f"{live.url}/oai2d", since="2030-01-01"), fetcher(tmp_path), Log())
    assert pages == [] and stamp


@needs_shared(HTTP / "s2" / "semanticscholar__test_get_paper_references.yaml")
def test_real_reference_pages_are_followed_by_next(live, tmp_path):
    live.load_cassette(HTTP / "s2" / "semanticscholar__test_get_paper_references.yaml", frozenset({"fields", "limit"}))
    live.add("/graph/v1/paper/10.2139/ssrn.2250500", Answer(json.dumps({"paperId": "x" * 40, "title": "T"}).encode()))
    result = fetch_all([S2Target("10.2139/ssrn.2250500")], fetcher(tmp_path), Log(),
                       Services(semanticscholar=f"{live.url}/graph/v1"))
    assert not result.errors
    references = json.loads(result.documents[0].text)["references"]
    assert len(references) > 50 and live.served["/graph/v1/paper/10.2139/ssrn.2250500/references"] == 2


@needs_shared(HTTP / "doi" / "habanero__test_content_negotiation_raises_an_http_error_with_bad_requests.yaml")
def test_a_real_doi_404_is_named(live, tmp_path):
    live.load_cassette(HTTP / "doi" / "habanero__test_content_negotiation_raises_an_http_error_with_bad_requests.yaml")
    result = fetch_all([DoiTarget("10.1126/foo")], fetcher(tmp_path), Log(), Services(doi=live.url))
    (error,) = result.errors
    assert "10.1126/foo" in str(error) and "404" in str(error)


def test_a_vufind_record_page_becomes_its_api_record(live, tmp_path):
    live.add("/vufind/api/v1/record?id=rec-100", Answer(body("vufind_record.json")))
    target = target_of(f"{live.url}/vufind/Record/rec-100")
    result = fetch_all([target], fetcher(tmp_path), Log())
    assert not result.errors
    (doc,) = result.documents
    (parsed,) = parse_text(doc.text, Document(doc.origin, doc.scope), doc.kind)
    assert parsed.source == "vufind:rec-100" and parsed.item["title"].startswith("Storia di Genova")


def test_a_vufind_without_the_api_falls_back_to_the_record_page(live, tmp_path):
    page = (b'<html><body><span class="Z3988" title="ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook'
            b'&amp;rft.btitle=Storia+di+Genova&amp;rft.au=Rossi%2C+Mario&amp;rft.date=2010"></span></body></html>')
    live.add("/vufind/Record/rec-100", Answer(page))
    result = fetch_all([target_of(f"{live.url}/vufind/Record/rec-100")], fetcher(tmp_path), Log())
    assert not result.errors
    assert result.documents[0].kind == "html" and "Z3988" in result.documents[0].text

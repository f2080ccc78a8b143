"""OAI-PMH: a set or a date range harvested incrementally, and a repository item as a GetRecord.

Every ListRecords page is one document for the OAI-PMH parser. A harvest follows its
resumptionToken to the end; only a harvest that reached the end gives a stamp (the server's
own responseDate), which the engine records once the run's items have landed; the next
harvest asks ``from`` that date minus an overlap. A harvest cut short, or a run that failed,
is simply done again, and a record's absence never deletes anything.
``noRecordsMatch`` is an answer (nothing new), every other OAI error is an error.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from lxml import etree

from zotsync.fetch.fetched import Fetched, HarvestLog
from zotsync.fetch.http import Fetcher, FetchError
from zotsync.fetch.targets import OaiTarget, RecordTarget

NS = {"o": "http://www.openarchives.org/OAI/2.0/"}
OVERLAP = timedelta(days=1)
MAX_PAGES = 100_000  # a server that hands out tokens for ever is stopped, not followed for ever
ENDPOINT_PATHS = ("/oai/request", "/server/oai/request", "/dspace-oai/request", "/oai")
OAI_STATUSES = frozenset({400, 422})  # some servers (Zenodo) send OAI errors with these


class HarvestCut(FetchError):
    """A harvest that stopped before its end: the pages it got are still records worth syncing."""

    def __init__(self, cause: FetchError, pages: list[Fetched]) -> None:
        super().__init__(f"harvest cut short after {len(pages)} pages: {cause}")
        self.pages = pages


def harvest(target: OaiTarget, fetcher: Fetcher, log: HarvestLog) -> tuple[list[Fetched], str]:
    """The set's records changed since the last complete harvest, and the stamp to record for it.

    HarvestCut (with the pages read so far) when a page after the first cannot be had."""
    params = {"verb": "ListRecords", "metadataPrefix": target.metadata_prefix}
    if target.set:
        params["set"] = target.set
    since = _from(log.last_harvest(target.harvest_key), target.since)
    if since:
        params["from"] = since
    return _list(fetcher, target.endpoint, params)


def _from(last: str | None, configured: str) -> str:
    if not last:
        return configured
    day = (datetime.fromisoformat(last.replace("Z", "+00:00")) - OVERLAP).date().isoformat()
    return max(day, configured) if configured else day


def _list(fetcher: Fetcher, endpoint: str, params: dict[str, str]) -> tuple[list[Fetched], str]:
    pages: list[Fetched] = []
    stamp = ""
    for number in range(MAX_PAGES):
        try:
            root, url = _ask(fetcher, endpoint, params)
        except FetchError as exc:
            if not pages:
                raise
            raise HarvestCut(exc, pages) from None
        stamp = stamp or root.findtext("o:responseDate", "", NS)
        if _error(root, url):
            break
        pages.append(Fetched(url, f"{urlsplit(endpoint).hostname}/oai#{number}", etree.tostring(root, encoding="unicode"),
                             "oai"))
        token = (root.findtext(".//o:resumptionToken", "", NS) or "").strip()
        if not token:
            break
        params = {"verb": params["verb"], "resumptionToken": token}
    else:
        raise FetchError(f"the harvest did not end after {MAX_PAGES} pages", endpoint)
    return pages, stamp


def _ask(fetcher: Fetcher, endpoint: str, params: dict[str, str]) -> tuple[etree._Element, str]:
    response = fetcher.get(endpoint, accept="text/xml", params=params, ok=OAI_STATUSES)
    url = str(response.request.url)
    try:
        root = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError:
        raise FetchError("the answer is not OAI-PMH XML", url) from None
    if root.tag != f"{{{NS['o']}}}OAI-PMH":
        raise FetchError("the answer is not OAI-PMH", url)
    return root, url


def _error(root: etree._Element, url: str) -> bool:
    """True for noRecordsMatch (an empty, complete answer); FetchError for every other OAI error."""
    error = root.find("o:error", NS)
    if error is None:
        return False
    code = error.get("code", "")
    if code == "noRecordsMatch":
        return True
    raise FetchError(f"OAI-PMH error {code}: {' '.join((error.text or '').split())}", url)


def get_record(target: RecordTarget, fetcher: Fetcher) -> list[Fetched]:
    """A repository item page's record, asked of the repository's OAI-PMH endpoint by its handle."""
    endpoint = target.endpoint or find_endpoint(fetcher, target.page)
    root, _ = _ask(fetcher, endpoint, {"verb": "Identify"})
    repository = root.findtext(".//{*}repositoryIdentifier", "", NS).strip() or urlsplit(target.page).hostname or ""
    params = {"verb": "GetRecord", "metadataPrefix": target.metadata_prefix,
              "identifier": f"oai:{repository}:{target.handle}"}
    record, url = _ask(fetcher, endpoint, params)
    if _error(record, url):
        return []
    return [Fetched(url, f"handle/{target.handle}", etree.tostring(record, encoding="unicode"), "oai")]


def find_endpoint(fetcher: Fetcher, page: str) -> str:
    """The OAI-PMH endpoint of the repository that serves ``page``, by the paths DSpace and IRIS use."""
    parts = urlsplit(page)
    for path in ENDPOINT_PATHS:
        candidate = f"{parts.scheme}://{parts.netloc}{path}"
        try:
            _ask(fetcher, candidate, {"verb": "Identify"})
        except FetchError:
            continue
        return candidate
    raise FetchError("no OAI-PMH endpoint found on this host; give it in the config (oai endpoint)", page)

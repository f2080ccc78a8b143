"""A DOI, resolved to CSL-JSON by doi.org content negotiation (Crossref, DataCite, mEDRA all answer it)."""

from __future__ import annotations

import json
from urllib.parse import quote

from zotsync.fetch.fetched import Fetched
from zotsync.fetch.http import Fetcher, FetchError
from zotsync.fetch.targets import DoiTarget

CSL_JSON = "application/vnd.citationstyles.csl+json"
RESOLVER = "https://doi.org"


def fetch_doi(target: DoiTarget, fetcher: Fetcher, resolver: str = RESOLVER) -> list[Fetched]:
    url = f"{resolver}/{quote(target.doi, safe='/:;()<>[]')}"
    response = fetcher.get(url, accept=CSL_JSON)
    try:
        record = json.loads(response.text)
    except ValueError:
        raise FetchError("the DOI resolver did not answer CSL-JSON", url) from None
    if not isinstance(record, dict) or not record.get("title"):
        raise FetchError("the DOI resolver's answer holds no record", url)
    # The DOI is the record's identity; the resolver's own "id" (a URL) would scope it by document.
    record.pop("id", None)
    return [Fetched(url, f"doi.org/{target.doi}", json.dumps(record, ensure_ascii=False), "csljson")]

"""A VuFind record, from the catalogue's REST API (``/api/v1/record``); its page's COinS otherwise."""

from __future__ import annotations

from zotsync.fetch.fetched import Fetched
from zotsync.fetch.http import Fetcher, FetchError
from zotsync.fetch.targets import VufindTarget


def fetch_record(target: VufindTarget, fetcher: Fetcher) -> list[Fetched]:
    api = f"{target.base}/api/v1/record"
    scope = f"vufind/{target.record_id}"
    try:
        response = fetcher.get(api, accept="application/json", params={"id": target.record_id})
        return [Fetched(str(response.request.url), scope, response.text, "vufind-api")]
    except FetchError as exc:
        if exc.status not in {400, 404, 405, 501}:
            raise
    page = f"{target.base}/Record/{target.record_id}"
    response = fetcher.get(page, accept="text/html")  # the page's COinS and schema.org carry the record
    return [Fetched(page, scope, response.text, "html")]
